"""``python -m describe_app``: the same as the ``describe-app`` command."""

import multiprocessing

from describe_app.cli import main

if __name__ == "__main__":  # the model process (spawn) imports this module too
    multiprocessing.freeze_support()  # a frozen (PyInstaller) build starting a child
    raise SystemExit(main())
