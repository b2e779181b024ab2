"""QA pass on what a new user meets first: ``describe-app doctor``, ``demo``, the self-test
and the log files behind them.

* a log file that cannot be written (full disk, a folder in its place) is given up in
  silence: no "--- Logging error ---" traceback on the terminal, no crash at the end;
* the log file and the crash reports never keep a password or a token;
* ``doctor`` prints nothing raw from the logs (escape sequences, endless lines), and says in
  one sentence each what stops Describe from keeping things: a damaged settings file or
  server list, a folder it cannot write in, a nearly full disk (exit status 1);
* ``demo --json`` prints only JSON on standard output;
* the self-test says when no sound can be heard (writing a WAV file says nothing of that).
"""

from __future__ import annotations

import json
import logging
import shutil
import sys
import types
from collections import namedtuple
from pathlib import Path

import pytest

from describe_app import self_test
from describe_app.core.diagnostics.app_log import last_errors, start_file_logging
from describe_app.core.diagnostics.crash_log import CrashLog, last_reports

SECRETS = ("pa55-w0rd", "sk-live-7f3a9b2c", "hf_QwErTyUiOpAsDfGhJk")


@pytest.fixture
def folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Config, data and log folders of this test alone."""
    for name, env in (("config", "CONFIG"), ("data", "DATA"), ("logs", "LOG")):
        (tmp_path / name).mkdir()
        monkeypatch.setenv(f"DESCRIBE_{env}_DIR", str(tmp_path / name))
    return tmp_path


def _doctor(capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    from describe_app.cli import main

    status = main(["doctor"])
    return status, capsys.readouterr().out


# --- the log file on a disk that refuses it -------------------------------------------------


def _log_a_few_lines(path: Path) -> None:
    file_logging = start_file_logging(path)
    assert file_logging is not None
    try:
        for n in range(3):
            logging.getLogger("describe_app.qa").info("step %d of a command", n)
        file_logging.flush()
    finally:
        file_logging.stop()  # raised OSError on a full disk


def test_a_log_file_that_cannot_be_opened_is_given_up_in_silence(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "describe.log"
    path.mkdir()  # something else sits where the file should be
    _log_a_few_lines(path)
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (a full disk)")
def test_a_log_file_on_a_full_disk_is_given_up_in_silence(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "describe.log"
    path.symlink_to("/dev/full")  # every write: "No space left on device"
    _log_a_few_lines(path)
    err = capfd.readouterr().err
    assert "Logging error" not in err and "Traceback" not in err, err


@pytest.mark.allow_warning_logs
def test_the_log_file_still_works_after_the_change(tmp_path: Path) -> None:
    path = tmp_path / "describe.log"
    file_logging = start_file_logging(path)
    assert file_logging is not None
    try:
        logging.getLogger("describe_app.qa").error("the model stopped")
    finally:
        file_logging.stop()
    assert last_errors(5, path)[-1].endswith("describe_app.qa: the model stopped")


# --- no password in the logs ----------------------------------------------------------------


@pytest.mark.allow_warning_logs
def test_the_log_file_keeps_no_password_or_token(tmp_path: Path) -> None:
    path = tmp_path / "describe.log"
    file_logging = start_file_logging(path)
    assert file_logging is not None
    qa = logging.getLogger("describe_app.qa")
    try:
        qa.warning("server https://ana:%s@gpu-box.lan:8443/v1 did not answer", SECRETS[0])
        qa.info("headers: {'Authorization': 'Bearer %s'}", SECRETS[1])
        qa.info("hub refused token %s", SECRETS[2])
        qa.info("GET http://box/v1/models?api_key=%s&x=1", SECRETS[1])
        try:
            raise ConnectionError(f"http://ana:{SECRETS[0]}@10.0.0.7:8000/v1 refused")
        except ConnectionError:
            qa.exception("describing failed")
    finally:
        file_logging.stop()
    text = path.read_text(encoding="utf-8")
    for secret in SECRETS:
        assert secret not in text
    assert "https://***@gpu-box.lan:8443/v1" in text  # where it went is still said
    assert "api_key=***&x=1" in text


def test_a_crash_report_keeps_no_password(tmp_path: Path) -> None:
    log = CrashLog(tmp_path / "crashes.log")
    try:
        raise OSError(f"cannot reach http://me:{SECRETS[0]}@printer.local:631/ipp")
    except OSError as exc:
        report = log.write(type(exc), exc, exc.__traceback__, where="thread 'servers'")
    assert report.saved and SECRETS[0] not in report.error
    assert SECRETS[0] not in log.path.read_text(encoding="utf-8")
    assert "http://***@printer.local:631/ipp" in last_reports(1, log.path)[0].error


def test_ordinary_words_are_not_masked() -> None:
    from describe_app.core.diagnostics.app_log import redact_secrets

    line = "answer stopped by its token limit: 40 tokens; max_new_tokens=40; see https://x.org/a@b"
    assert redact_secrets(line) == line


# --- doctor ---------------------------------------------------------------------------------


def test_doctor_prints_no_escape_sequence_or_endless_line(
    folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    hostile = "photo\x1b]0;owned\x07\x1b[2J\x1b[31mred\x1b[0m\rback\x08.jpg"
    (folders / "logs" / "describe.log").write_text(
        f"2026-12-07 01:00:00,000 ERROR MainThread describe_app.qa: no file called {hostile}\n"
        f"2026-12-07 01:00:01,000 ERROR MainThread describe_app.qa: {'x' * 5000}\n"
        f"2026-12-07 01:00:02,000 ERROR MainThread describe_app.qa: "
        f"http://u:{SECRETS[0]}@h/v1 refused\n",
        encoding="utf-8",
    )
    try:
        raise KeyError(hostile)
    except KeyError as exc:
        CrashLog().write(type(exc), exc, exc.__traceback__, where=f"thread {hostile}")
    status, out = _doctor(capsys)
    assert status == 0
    assert not any(c in out for c in "\x1b\x07\x08\r"), repr(out)
    assert "no file called photo" in out and "red" in out
    assert max(len(line) for line in out.splitlines()) <= 300
    assert SECRETS[0] not in out


def test_doctor_says_a_damaged_settings_file(
    folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from describe_app.cli.doctor_checks import find_problems

    settings = folders / "config" / "settings.json"
    settings.write_text('{"version": 3, "display": {', encoding="utf-8")
    problems, _notes = find_problems()  # as doctor sees it, before anything moves the file
    assert len(problems) == 1 and str(settings) in problems[0]
    assert settings.is_file()  # looked at, not changed

    status, out = _doctor(capsys)  # the command line leaves it for the window and doctor
    assert not list((folders / "config").glob("settings.json.bad-*")) and settings.is_file()
    assert status == 1
    assert "cannot be read" in out and str(settings) in out


def test_doctor_says_a_damaged_server_list(
    folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folders / "config" / "servers.json").write_text('{"servers": [', encoding="utf-8")
    status, out = _doctor(capsys)
    assert status == 1
    assert "servers.json could not be read" in out and "fix or delete it" in out
    assert "No problems found" not in out


def test_doctor_says_a_folder_it_cannot_write_in(
    folders: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    (folders / "a-file").write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("DESCRIBE_DATA_DIR", str(folders / "a-file" / "data"))
    status, out = _doctor(capsys)
    assert status == 1
    [line] = [x for x in out.splitlines() if "cannot write in" in x]
    assert str(folders / "a-file" / "data") in line and "history is not kept" in line


def test_doctor_says_a_nearly_full_disk(
    folders: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from describe_app.cli import doctor_checks

    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(
        doctor_checks.shutil,
        "disk_usage",
        lambda _p: usage(10 * 2**30, 10 * 2**30 - 2**20, 2**20),
    )
    status, out = _doctor(capsys)
    assert status == 1
    assert "Only 1 MB are free" in out and "Free some space" in out
    monkeypatch.setattr(doctor_checks.shutil, "disk_usage", shutil.disk_usage)


def test_doctor_on_a_sound_first_start_finds_no_problem(
    folders: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, out = _doctor(capsys)
    assert status == 0
    assert "No problems found" in out
    assert not list(folders.rglob(".describe-doctor-*"))  # its write test left nothing


# --- demo and the self-test ---------------------------------------------------------------


@pytest.mark.slow
def test_demo_json_prints_only_json(
    speaking_model_dir: Path, capsys: pytest.CaptureFixture[str], folders: Path
) -> None:
    from describe_app.cli import main

    assert main(["demo", "--json", "--model", str(speaking_model_dir)]) == 0
    captured = capsys.readouterr()
    objects = [json.loads(line) for line in captured.out.splitlines()]
    assert [Path(o["source"]).name for o in objects] == ["notice.jpg", "coffee.jpg"]
    assert "OPEN 8 TO 6" in objects[0]["text"]
    assert "demonstration" in captured.err


def _fake_sounddevice(monkeypatch: pytest.MonkeyPatch, device: dict[str, str] | None) -> None:
    module = types.ModuleType("sounddevice")

    def query_devices(kind: str | None = None) -> dict[str, str]:
        if device is None:
            raise RuntimeError("Error querying device -1")
        return device

    module.query_devices = query_devices  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "sounddevice", module)


def test_self_test_says_when_no_sound_can_be_heard(monkeypatch: pytest.MonkeyPatch) -> None:
    _fake_sounddevice(monkeypatch, None)
    finding = self_test.check_sound_output()
    assert finding.status is self_test.Status.MISSING
    assert "no sound output device" in finding.detail
    assert any(label == "Sound output" for label, _check, _required in self_test.CHECKS)

    _fake_sounddevice(monkeypatch, {"name": "HDA Intel PCH: ALC257 Analog"})
    finding = self_test.check_sound_output()
    assert finding.status is self_test.Status.OK and "ALC257" in finding.detail


def test_self_test_without_a_camera_says_what_still_works(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(self_test, "_probe_camera", lambda _cv2, _index: "")
    monkeypatch.setattr(sys, "platform", "win32")  # probe every number
    finding = self_test.check_camera()
    assert finding.status is self_test.Status.MISSING
    assert "can still be described" in finding.detail


def test_doctor_json_is_one_valid_object(folders: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from describe_app.cli import main

    (folders / "config" / "servers.json").write_text("[1, 2", encoding="utf-8")
    (folders / "logs" / "describe.log").write_text(
        "2026-12-07 01:00:00,000 ERROR MainThread describe_app.qa: bad \x1b[2J\ttab\n",
        encoding="utf-8",
    )
    assert main(["doctor", "--json"]) == 1
    out = capsys.readouterr().out
    assert len(out.splitlines()) == 1 and "\x1b" not in out
    report = json.loads(out)
    assert report["status"] == 1 and report["app_log"].endswith("describe.log")
    assert len(report["problems"]) == 1 and "servers.json" in report["problems"][0]
    assert report["errors"] == ["2026-12-07 01:00:00,000 ERROR MainThread describe_app.qa: bad tab"]
    assert "self_test" not in report


def test_doctor_json_with_the_self_test(
    folders: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from describe_app.cli import main

    checks = (
        ("Camera", lambda: self_test.Finding(self_test.Status.MISSING, "no camera."), False),
        ("Window", lambda: self_test.Finding(self_test.Status.FAILED, "no display."), True),
    )
    monkeypatch.setattr(self_test, "CHECKS", checks)
    assert main(["doctor", "--json", "--self-test"]) == 1
    report = json.loads(capsys.readouterr().out)
    assert [(c["check"], c["status"]) for c in report["self_test"]] == [
        ("Camera", "MISSING"),
        ("Window", "FAILED"),
    ]


def test_doctor_says_when_no_keyring_can_keep_secrets(
    folders: Path, capsys: pytest.CaptureFixture[str], memory_keyring: object
) -> None:
    import keyring
    from keyring.backends import fail

    status, out = _doctor(capsys)
    assert "keyring" not in out  # the memory keyring keeps secrets
    keyring.set_keyring(fail.Keyring())  # the memory_keyring fixture puts the old one back
    status, out = _doctor(capsys)
    assert status == 0  # a note, not a problem: nothing needs a secret yet
    assert "No system keyring is available" in out


def test_self_test_says_when_the_window_has_no_display(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "platform", "linux")
    for variable in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"):
        monkeypatch.delenv(variable, raising=False)
    finding = self_test.check_display()
    assert finding.status is self_test.Status.MISSING
    assert "window cannot open here" in finding.detail
    assert any(label == "Display" for label, _check, _required in self_test.CHECKS)

    monkeypatch.setenv("DISPLAY", ":0")
    assert self_test.check_display() == self_test.Finding(self_test.Status.OK, ":0 (DISPLAY).")
