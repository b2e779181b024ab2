"""Describe: hear what is in front of you."""

__version__ = "0.1.0"
