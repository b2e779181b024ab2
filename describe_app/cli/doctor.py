"""The ``doctor`` command: where Describe's logs are and the last errors in them, for a user
to read or send when something went wrong (``--self-test`` adds the self-test's checks).

    describe-app doctor
    describe-app doctor --self-test

Nothing heavy is imported: it answers at once, even when the model or Qt cannot load.
"""

from __future__ import annotations

import argparse
import platform

from describe_app import __version__
from describe_app.core.diagnostics.app_log import app_log_path, last_errors
from describe_app.core.diagnostics.crash_log import crash_log_path, last_reports

#: How many crash reports and logged errors are shown.
LAST_CRASHES = 3
LAST_ERRORS = 5


def add_doctor_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``doctor``."""
    p = commands.add_parser(
        "doctor",
        help="show where the logs are and the last errors",
        description=(
            "Print where Describe writes its log and crash reports, and the last errors in "
            "them. Send these files along when you report a problem."
        ),
    )
    p.add_argument(
        "--self-test",
        dest="doctor_self_test",
        action="store_true",
        help="also check the camera, speech, text reading, window and model",
    )


def run_doctor(args: argparse.Namespace) -> int:
    print(f"Describe {__version__} on {platform.platform()} (Python {platform.python_version()})")
    crash_log = crash_log_path()
    print(f"Log folder: {crash_log.parent}")
    print(f"Crash reports: {crash_log}")
    print(f"App log: {app_log_path()}")
    reports = last_reports(LAST_CRASHES)
    if reports:
        print(f"Last crash reports ({len(reports)}, newest last):")
        for report in reports:
            print(f"  {report.time} in {report.where}: {report.error}")
    else:
        print("No crash reports.")
    errors = last_errors(LAST_ERRORS)
    if errors:
        print(f"Last errors in the app log ({len(errors)}, newest last):")
        for line in errors:
            print(f"  {line}")
    else:
        print("No errors in the app log.")
    if args.doctor_self_test:
        from describe_app.self_test import run_self_test

        print(flush=True)
        return run_self_test()
    return 0
