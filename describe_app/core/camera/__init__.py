"""Cameras: which ones this computer has, by name, and frames from a camera, a stream or a
video file for the headless commands.

Uses nothing else of the core but its loose modules.
"""
