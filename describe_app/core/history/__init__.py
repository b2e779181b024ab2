"""The history of results on disk (a crash loses nothing shown), and the one thread that
writes it so the window never waits for the disk.

Uses pictures and settings.
"""
