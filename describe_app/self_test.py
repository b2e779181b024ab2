"""``describe-app --self-test``: can Describe work on this computer?

Runs a few quick checks with the real parts (no model is loaded, torch is not imported)
and prints one line per check: OK, MISSING (something absent that Describe can do
without, or fetch later: a camera, the model, a speech engine, a sound output device) or
FAILED (something that must work and does not). The exit status is 0 unless a check
FAILED. Installers and ``packaging/build_linux.sh`` run it on the built bundle.
"""

from __future__ import annotations

import enum
import functools
import importlib.util
import logging
import os
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from describe_app import __version__
from describe_app.core.i18n import N_, _

log = logging.getLogger(__name__)

#: Camera numbers tried, and how long one may take to answer before it counts as absent.
CAMERA_INDICES = range(4)
CAMERA_TIMEOUT_S = 3.0
#: How long the sound system may take to list its output device before it counts as absent.
SOUND_TIMEOUT_S = 5.0
SPEECH_SENTENCE = N_("Describe is ready to speak.")
OCR_SAMPLE = ("samples", "notice.jpg")
OCR_EXPECTED = "OPEN 8 TO 6"


class Status(enum.Enum):
    OK = "OK"
    MISSING = "MISSING"
    FAILED = "FAILED"


@dataclass(frozen=True)
class Finding:
    status: Status
    detail: str


@dataclass(frozen=True)
class CheckResult:
    label: str
    finding: Finding
    seconds: float

    def line(self) -> str:
        # the status words stay English: installers and scripts look for them
        return f"{self.finding.status.value:<8} {_(self.label)}: {self.finding.detail}"


# --- the checks ---------------------------------------------------------------------------


def check_camera() -> Finding:
    """Which of cameras 0-3 open and give a frame. No camera is a finding, not a failure."""
    from describe_app.core.camera.opencv import quiet_cv2

    cv2 = quiet_cv2()
    candidates = list(CAMERA_INDICES)
    if sys.platform.startswith("linux"):  # don't ask V4L2 for devices that are not there
        candidates = [i for i in candidates if Path(f"/dev/video{i}").exists()]
    found, silent = [], []
    for index in candidates:
        answer = _run_with_timeout(functools.partial(_probe_camera, cv2, index), CAMERA_TIMEOUT_S)
        if answer is None:
            silent.append(
                _("camera {index} did not answer within {seconds:.0f} s").format(
                    index=index, seconds=CAMERA_TIMEOUT_S
                )
            )
        elif answer:
            found.append(_("camera {index} ({answer})").format(index=index, answer=answer))
    if not found:
        checked = ", ".join(str(i) for i in CAMERA_INDICES)
        tried = _("no camera found (tried numbers {numbers})").format(numbers=checked)
        found_none = "; ".join([tried, *silent])
        return Finding(
            Status.MISSING,
            _("{found}. Photos, files and the screen can still be described.").format(
                found=found_none
            ),
        )
    return Finding(Status.OK, "; ".join(found + silent) + ".")


def check_speech() -> Finding:
    """Speak a sentence into a WAV file with Describe's own voice."""
    from describe_app.core.speech import synthesize_to_wav
    from describe_app.core.speech.errors import SpeechError, VoiceNotAvailableError

    with tempfile.TemporaryDirectory(prefix="describe-self-test-") as tmp:
        wav = Path(tmp) / "self-test.wav"
        try:
            clip = synthesize_to_wav([_(SPEECH_SENTENCE)], wav)
        except VoiceNotAvailableError as exc:  # the screen reader can still speak
            return Finding(
                Status.MISSING,
                _("{error} Your screen reader can still read results.").format(error=exc),
            )
        except SpeechError as exc:
            return Finding(Status.FAILED, str(exc))
        seconds = len(clip.samples) / clip.rate if clip.rate else 0.0
        if seconds <= 0 or not wav.is_file():
            return Finding(Status.FAILED, _("the speech synthesizer wrote no sound."))
        return Finding(
            Status.OK,
            _("spoke a sentence ({seconds:.1f} s of sound) into a WAV file.").format(
                seconds=seconds
            ),
        )


def check_sound_output() -> Finding:
    """A sound output device that Describe's voice can play on (the Speech check only
    writes a WAV file, which says nothing about being heard). Absent is a finding."""
    try:
        import sounddevice
    except (OSError, ImportError):  # OSError: "PortAudio library not found"
        return Finding(
            Status.MISSING,
            _(
                "the PortAudio sound library is missing, so Describe's own voice cannot be "
                "heard (install the libportaudio2 package); your screen reader can still read "
                "results."
            ),
        )
    name = _run_with_timeout(
        functools.partial(_output_device_name, sounddevice), SOUND_TIMEOUT_S, name="self-test-sound"
    )
    if not name:
        none_found = (
            _("no sound output device found (the sound system did not answer)")
            if name is None
            else _("no sound output device found")
        )
        return Finding(
            Status.MISSING,
            _(
                "{none_found}, so Describe's own voice cannot be heard. Connect speakers or "
                "headphones, or check the sound settings."
            ).format(none_found=none_found),
        )
    return Finding(Status.OK, _("sound plays on {device}.").format(device=name))


def check_text_reading() -> Finding:
    """Read the bundled sample notice with the OCR models."""
    from describe_app.core.pictures.images import load_picture
    from describe_app.core.reading.ocr_reader import OcrReader
    from describe_app.core.resources import resource_path

    sample = resource_path(*OCR_SAMPLE)
    result = OcrReader().read(load_picture(sample).image)
    text = " ".join(result.lines)
    if OCR_EXPECTED in " ".join(text.upper().split()):
        return Finding(
            Status.OK, _('read "{text}" on {file}.').format(text=OCR_EXPECTED, file=sample.name)
        )
    return Finding(
        Status.FAILED,
        _('expected "{expected}" on {file}, read "{text}".').format(
            expected=OCR_EXPECTED, file=sample.name, text=text
        ),
    )


def check_window() -> Finding:
    """Qt can start and make a window (off screen, so nothing flashes up)."""
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import QLibraryInfo
    from PySide6.QtWidgets import QApplication, QWidget

    app = QApplication.instance() or QApplication([sys.argv[0], "-platform", "offscreen"])
    window = QWidget()
    window.setWindowTitle(_("Describe self-test"))
    window.show()
    app.processEvents()
    shown = window.isVisible()
    window.close()
    window.deleteLater()
    app.processEvents()
    plugins = Path(QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath)) / "platforms"
    names = (
        sorted(
            p.name.split(".")[0].removeprefix("lib").removeprefix("q")
            for p in plugins.iterdir()
            if p.suffix in (".so", ".dll", ".dylib")
        )
        if plugins.is_dir()
        else []
    )
    if not shown:
        return Finding(Status.FAILED, _("Qt started but could not show a window."))
    displays = ", ".join(names) or _("none found")
    return Finding(
        Status.OK,
        _("Qt {version} made a window; display plugins: {plugins}.").format(
            version=pyside_version, plugins=displays
        ),
    )


def check_display() -> Finding:
    """A display the window can open on (the Window check uses an off-screen one, so it
    passes over SSH too). On Linux that is an X11 or Wayland session; absent is a finding."""
    if not sys.platform.startswith("linux"):
        return Finding(Status.OK, _("the desktop of this system."))
    chosen = os.environ.get("QT_QPA_PLATFORM", "").strip()
    if chosen:
        return Finding(
            Status.OK, _("Qt is told to use {platform} (QT_QPA_PLATFORM).").format(platform=chosen)
        )
    for variable in ("WAYLAND_DISPLAY", "DISPLAY"):
        value = os.environ.get(variable, "").strip()
        if value:
            return Finding(Status.OK, f"{value} ({variable}).")
    return Finding(
        Status.MISSING,
        _(
            "no display found (neither DISPLAY nor WAYLAND_DISPLAY is set), so the window "
            "cannot open here; the commands still work (describe-app --help lists them)."
        ),
    )


def check_engine() -> Finding:
    """torch and transformers are installed (found, not imported: that takes seconds)."""
    absent = [name for name in ("torch", "transformers") if importlib.util.find_spec(name) is None]
    if absent:
        return Finding(
            Status.FAILED,
            _("{packages} not found: describing cannot work.").format(packages=", ".join(absent)),
        )
    return Finding(Status.OK, _("torch and transformers are in place (not loaded)."))


def check_model() -> Finding:
    """The default model is on this computer (bundled or downloaded). Absent is a finding."""
    from describe_app.core.describe.local.bundled_model import bundled_model_path
    from describe_app.core.describe.local.model_registry import DEFAULT_MODEL
    from describe_app.core.describe.local.model_store import (
        cached_path,
        fetch_command,
        resolve_spec,
    )

    spec = resolve_spec(DEFAULT_MODEL)
    bundled = bundled_model_path(spec.name)
    if bundled:
        return Finding(
            Status.OK,
            _("{model} comes with this installation ({path}).").format(
                model=spec.name, path=bundled
            ),
        )
    cached = cached_path(spec)
    if cached:
        return Finding(
            Status.OK,
            _("{model} is on this computer ({path}).").format(model=spec.name, path=cached),
        )
    return Finding(
        Status.MISSING,
        _(
            "{model} is not downloaded yet ({size} MB, fetched on first use, or now with: "
            "{command})."
        ).format(model=spec.name, size=spec.download_mb, command=fetch_command(spec)),
    )


#: (label, check, must it work?) in the order they run and print.
CHECKS: tuple[tuple[str, Callable[[], Finding], bool], ...] = (
    (N_("Camera"), check_camera, False),
    (N_("Speech"), check_speech, True),
    (N_("Sound output"), check_sound_output, False),
    (N_("Text reading"), check_text_reading, True),
    (N_("Window"), check_window, True),
    (N_("Display"), check_display, False),
    (N_("Describing engine"), check_engine, True),
    (N_("Model"), check_model, False),
)


# --- running them -------------------------------------------------------------------------


def run_check(label: str, check: Callable[[], Finding]) -> CheckResult:
    start = time.perf_counter()
    try:
        finding = check()
    except Exception as exc:  # a check must report, never crash the report
        log.debug("self-test check %s failed", label, exc_info=True)
        finding = Finding(Status.FAILED, f"{type(exc).__name__}: {exc}")
    return CheckResult(label, finding, time.perf_counter() - start)


def run_self_test(out: TextIO | None = None) -> int:
    """Run every check, print the report, return the exit status (1 if a must-work FAILED)."""
    out = out or sys.stdout
    print(_("Describe {version} self-test").format(version=__version__), file=out, flush=True)
    failed = []
    for label, check, required in CHECKS:
        result = run_check(label, check)
        print(result.line(), file=out, flush=True)
        log.info("self-test %s took %.2f s", label, result.seconds)
        if result.finding.status is Status.FAILED and required:
            failed.append(_(label).lower())
    if failed:
        said = _("Describe cannot work fully: {checks} failed.").format(checks=", ".join(failed))
        print(said, file=out, flush=True)
        return 1
    print(_("Describe can work on this computer."), file=out, flush=True)
    return 0


# --- helpers ------------------------------------------------------------------------------


def _probe_camera(cv2: Any, index: int) -> str:
    """The frame size if camera ``index`` opens and gives a frame, else ""."""
    capture = cv2.VideoCapture(index)
    try:
        if not capture.isOpened():
            return ""
        ok, frame = capture.read()
        if not ok or frame is None:
            return _("opens, but gave no picture; is another program using it?")
        return f"{frame.shape[1]}x{frame.shape[0]}"
    finally:
        capture.release()


def _output_device_name(sounddevice: Any) -> str:
    """The name of the default sound output device, or "" when there is none."""
    try:
        device = sounddevice.query_devices(kind="output")
    except Exception:  # PortAudioError "Error querying device -1": no output device
        log.debug("no sound output device", exc_info=True)
        return ""
    return " ".join(str(device.get("name") or _("the default device")).split())


def _run_with_timeout(
    work: Callable[[], str], timeout_s: float, *, name: str = "self-test-camera"
) -> str | None:
    """Run ``work`` on a daemon thread; None if it does not answer in time (a hung driver)."""
    answer: list[str] = []
    thread = threading.Thread(target=lambda: answer.append(work()), name=name, daemon=True)
    thread.start()
    thread.join(timeout_s)
    return answer[0] if answer else None
