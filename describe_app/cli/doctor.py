"""The ``doctor`` command: where Describe's logs are and the last errors in them, for a user
to read or send when something went wrong (``--self-test`` adds the self-test's checks).

    describe-app doctor
    describe-app doctor --self-test

It also looks, without changing anything, for what stops Describe from keeping things: a
damaged settings file or server list, a folder it cannot write in, a nearly full disk; each
problem is one sentence saying what to do, and the exit status is 1 when there is one.
What it prints from the logs is cleaned first (no escape sequences or control characters
reach the terminal, passwords are masked, a very long line is cut short).

Nothing heavy is imported: it answers at once, even when the model or Qt cannot load.
"""

from __future__ import annotations

import argparse
import platform
from typing import Any

from describe_app import __version__
from describe_app.cli.doctor_checks import find_problems
from describe_app.core.diagnostics.app_log import app_log_path, last_errors, redact_secrets
from describe_app.core.diagnostics.crash_log import crash_log_path, last_reports
from describe_app.core.i18n import _

#: How many crash reports and logged errors are shown.
LAST_CRASHES = 3
LAST_ERRORS = 5
#: The longest line quoted from a log; a longer one is cut and ends with "...".
MAX_LINE = 240


def add_doctor_command(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Register ``doctor``."""
    p = commands.add_parser(
        "doctor",
        help=_("show where the logs are, the last errors, and what stops Describe keeping files"),
        description=_(
            "Print where Describe writes its log and crash reports, and the last errors in "
            "them; then check the settings file, the server list, Describe's folders and the "
            "free disk space, one sentence for each problem (exit status 1 when there is "
            "one). Send the log files along when you report a problem."
        ),
    )
    p.add_argument(
        "--self-test",
        dest="doctor_self_test",
        action="store_true",
        help=_("also check the camera, speech, sound output, text reading, window and model"),
    )
    p.add_argument(
        "--json",
        dest="doctor_json",
        action="store_true",
        help=_("print the same as one JSON object (the self-test's checks included)"),
    )


def run_doctor(args: argparse.Namespace) -> int:
    if getattr(args, "doctor_json", False):
        return _run_doctor_json(args)
    print(
        _("Describe {version} on {platform} (Python {python})").format(
            version=__version__, platform=platform.platform(), python=platform.python_version()
        )
    )
    crash_log = crash_log_path()
    print(_("Log folder: {path}").format(path=crash_log.parent))
    print(_("Crash reports: {path}").format(path=crash_log))
    print(_("App log: {path}").format(path=app_log_path()))
    reports = last_reports(LAST_CRASHES)
    if reports:
        print(_("Last crash reports ({count}, newest last):").format(count=len(reports)))
        for report in reports:
            print(f"  {safe_line(f'{report.time} in {report.where}: {report.error}')}")
    else:
        print(_("No crash reports."))
    errors = last_errors(LAST_ERRORS)
    if errors:
        print(_("Last errors in the app log ({count}, newest last):").format(count=len(errors)))
        for line in errors:
            print(f"  {safe_line(line)}")
    else:
        print(_("No errors in the app log."))
    problems, notes = find_problems()
    for sentence in problems:
        print(safe_line(sentence, limit=0))
    if not problems:
        print(_("No problems found with the settings, the server list, the folders or the disk."))
    for sentence in notes:
        print(safe_line(sentence, limit=0))
    status = 1 if problems else 0
    if args.doctor_self_test:
        from describe_app.self_test import run_self_test

        print(flush=True)
        return run_self_test() or status
    return status


def _run_doctor_json(args: argparse.Namespace) -> int:
    """What :func:`run_doctor` prints, as one JSON object on one line."""
    from describe_app.cli.output import print_json

    problems, notes = find_problems()
    report: dict[str, Any] = {
        "version": __version__,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "log_folder": str(crash_log_path().parent),
        "crash_log": str(crash_log_path()),
        "app_log": str(app_log_path()),
        "crash_reports": [
            {
                "time": safe_line(r.time),
                "where": safe_line(r.where),
                "error": safe_line(r.error, limit=0),
            }
            for r in last_reports(LAST_CRASHES)
        ],
        "errors": [safe_line(line, limit=0) for line in last_errors(LAST_ERRORS)],
        "problems": [safe_line(p, limit=0) for p in problems],
        "notes": [safe_line(n, limit=0) for n in notes],
    }
    status = 1 if problems else 0
    if args.doctor_self_test:
        from describe_app.self_test import CHECKS, Status, run_check

        checks = []
        for label, check, required in CHECKS:
            finding = run_check(label, check).finding
            checks.append(
                {
                    "check": label,
                    "status": finding.status.value,
                    "detail": safe_line(finding.detail, limit=0),
                    "required": required,
                }
            )
            if finding.status is Status.FAILED and required:
                status = 1
        report["self_test"] = checks
    report["status"] = status
    print_json(report)
    return status


def safe_line(text: str, *, limit: int = MAX_LINE) -> str:
    """``text`` as one line fit for a terminal and a screen reader: escape sequences and
    control characters taken out, passwords masked, cut after ``limit`` characters (0: not
    cut)."""
    from describe_app.core.untrusted_text import clean_text

    line = " ".join(redact_secrets(clean_text(text)).split())
    if limit and len(line) > limit:
        line = line[: limit - 3].rstrip() + "..."
    return line


# --- what stops Describe from keeping things ------------------------------------------------
