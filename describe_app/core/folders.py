"""Where Describe keeps its files: the per-user config, data and log folders.

``$DESCRIBE_CONFIG_DIR``, ``$DESCRIBE_DATA_DIR`` and ``$DESCRIBE_LOG_DIR`` replace them (the
tests set all three, so they never touch the user's files). A loose module, so that
settings, server profiles, history and the logs find the same folders without importing one
another.
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "Describe"
CONFIG_DIR_ENV = "DESCRIBE_CONFIG_DIR"
DATA_DIR_ENV = "DESCRIBE_DATA_DIR"
LOG_DIR_ENV = "DESCRIBE_LOG_DIR"
#: The settings file's name in :func:`config_dir` (here so that a command can read it
#: without importing the settings schema, which takes a while).
SETTINGS_FILE = "settings.json"


def config_dir() -> Path:
    """``$DESCRIBE_CONFIG_DIR``, or the platform's per-user config folder for Describe."""
    override = os.environ.get(CONFIG_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def data_dir() -> Path:
    """``$DESCRIBE_DATA_DIR``, or the platform's per-user data folder for Describe."""
    override = os.environ.get(DATA_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def log_dir() -> Path:
    """``$DESCRIBE_LOG_DIR``, or the platform's per-user log folder for Describe (where the
    crash reports and the app's log are written)."""
    override = os.environ.get(LOG_DIR_ENV, "").strip()
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
