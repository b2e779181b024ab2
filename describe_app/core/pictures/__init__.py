"""Pictures: loading files, bytes and frames as upright RGB, the quick checks (too dark,
blurred, blank), the grid of regions, and small grey copies for comparing views.

Uses nothing else of the core but its loose modules (errors, i18n).
"""
