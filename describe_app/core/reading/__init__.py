"""Reading text in a picture: OCR in reading order, and the text detector alone (where the
text is, not what it says) for aiming guidance, in a child process when asked; a page in
a camera frame found, flattened and read like a document (headings, paragraphs, lists,
tables, columns in order).

Uses pictures and the loose modules.
"""
