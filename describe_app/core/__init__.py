"""The Qt-free core of Describe: images in, checked, described, read.

Nothing under this package imports Qt (checked by an import-linter contract and a test).
Heavy libraries (torch, transformers, rapidocr) are imported lazily, inside the functions
that need them, so that the command line starts fast.
"""
