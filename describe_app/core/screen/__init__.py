"""The screen: capturing what is on it (the focused object, the active window, a monitor, a
rectangle, the clipboard's picture) at its native pixels, and finding where the focus is
through the platform's accessibility API.

Uses pictures and the loose modules; never Qt (the clipboard is read by the caller).
"""
