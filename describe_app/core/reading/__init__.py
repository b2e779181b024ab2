"""Reading text in a picture: OCR in reading order, and the text detector alone (where the
text is, not what it says) for aiming guidance, in a child process when asked.

Uses pictures and the loose modules.
"""
