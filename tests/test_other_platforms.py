"""Windows and macOS, with fakes: their folders, their voices, their cameras.

These run on every platform (CI runs the tests on Windows and macOS too:
.github/workflows/tests.yml) and fake what the other platforms give: platformdirs' Windows
and macOS folders (``%LOCALAPPDATA%``, ``~/Library``), pyttsx3's SAPI5 and
NSSpeechSynthesizer voices, and cameras chosen by number where Linux has ``/dev/videoN``.
Every path has spaces and letters beyond ASCII, as a Windows home folder often has
(``C:\\Users\\Zoë Müller``).
"""

from __future__ import annotations

import io
import json
import math
import shutil
import struct
import sys
import wave
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from PIL import Image

from describe_app.cli import main
from describe_app.core.camera.camera_list import list_cameras
from describe_app.core.diagnostics.restarts import log_folder
from describe_app.core.folders import CONFIG_DIR_ENV, DATA_DIR_ENV, config_dir, data_dir
from describe_app.core.history.entry import EntryKind
from describe_app.core.history.store import History
from describe_app.core.settings.schema import CameraKind, CameraSettings, Settings
from describe_app.core.settings.settings_file import load_settings, save_settings
from describe_app.core.speech.errors import VoiceNotAvailableError
from describe_app.core.speech.pyttsx3_synth import Pyttsx3Synthesizer
from describe_app.devtools.random_smolvlm import DEFAULT_SENTENCES
from describe_app.qt import camera_worker
from describe_app.qt.camera_source import CameraSource, camera_from_settings, parse_camera_source

HOME_NAME = "Zoë Müller"  # a space and two letters beyond ASCII


def _use_platform_folders(monkeypatch: pytest.MonkeyPatch) -> None:
    """Let platformdirs choose the folders (the tests' sandbox variables are dropped)."""
    for name in (CONFIG_DIR_ENV, DATA_DIR_ENV, "XDG_CONFIG_HOME", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def windows_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs as on Windows, its folders read from %APPDATA% and %LOCALAPPDATA%."""
    import platformdirs
    import platformdirs.windows

    home = tmp_path / "Users" / HOME_NAME
    monkeypatch.setenv("APPDATA", str(home / "AppData" / "Roaming"))
    monkeypatch.setenv("LOCALAPPDATA", str(home / "AppData" / "Local"))
    win = platformdirs.windows
    monkeypatch.setattr(win, "get_win_folder", win.get_win_folder_from_env_vars)
    monkeypatch.setattr(platformdirs, "PlatformDirs", win.Windows)
    _use_platform_folders(monkeypatch)
    return home


@pytest.fixture
def macos_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """platformdirs as on macOS, under a home folder with a space and accents."""
    import platformdirs
    import platformdirs.macos

    home = tmp_path / "Users" / HOME_NAME
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))  # what expanduser reads on Windows
    monkeypatch.setattr(platformdirs, "PlatformDirs", platformdirs.macos.MacOS)
    _use_platform_folders(monkeypatch)
    return home


def _settings_history_and_log_work_here(tmp_path: Path) -> None:
    """Save and load settings, add and reload history with a picture, in the chosen folders."""
    video = tmp_path / "Vidéos de Zoë" / "essai n°1.mp4"
    settings = Settings().replace(camera=CameraSettings(kind=CameraKind.FILE, file=str(video)))
    assert save_settings(settings) == config_dir() / "settings.json"
    loaded = load_settings()
    assert loaded.message is None
    assert loaded.settings.camera.source() == str(video)

    history = History()
    assert history.folder == data_dir() / "history"
    entry = history.add(
        source=str(tmp_path / "Mes images" / "café crème.jpg"),
        kind=EntryKind.DESCRIBE,
        text="Une tasse de café crème sur une table en chêne.",
        picture=Image.new("RGB", (64, 48), "brown"),
    )
    again = History()
    assert again.entries == [entry]
    assert again.load_picture(entry) is not None

    log = log_folder()
    log.mkdir(parents=True, exist_ok=True)
    (log / "describe.log").write_text("Zoë: é à ü ß 東京\n", encoding="utf-8")
    assert (log / "describe.log").read_text(encoding="utf-8") == "Zoë: é à ü ß 東京\n"


def test_windows_folders_are_under_the_users_appdata(windows_home: Path, tmp_path: Path) -> None:
    local = windows_home / "AppData" / "Local" / "Describe"  # not roaming: models are large
    assert config_dir() == local
    assert data_dir() == local
    assert log_folder() == local / "Logs"
    _settings_history_and_log_work_here(tmp_path)
    assert (local / "settings.json").is_file()
    assert (local / "history").is_dir()


def test_macos_folders_are_in_the_users_library(macos_home: Path, tmp_path: Path) -> None:
    support = macos_home / "Library" / "Application Support" / "Describe"
    assert config_dir() == support
    assert data_dir() == support
    assert log_folder() == macos_home / "Library" / "Logs" / "Describe"
    _settings_history_and_log_work_here(tmp_path)
    assert (support / "settings.json").is_file()


def test_a_picture_and_a_model_in_folders_with_spaces_and_accents(
    speaking_model_dir: Path, photo_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    pictures = tmp_path / "Mes images" / "Été à Zürich"
    pictures.mkdir(parents=True)
    picture = pictures / "café crème (1).jpg"
    shutil.copy(photo_file, picture)
    model = Path(shutil.copytree(speaking_model_dir, tmp_path / "Modèles de Zoë" / "petit modèle"))
    assert main(["describe", str(picture), "--json", "--model", str(model)]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["source"] == str(picture)
    assert answer["model"] == "petit modèle"
    assert answer["sentences"] == list(DEFAULT_SENTENCES)

    assert main(["describe", str(pictures / "reçu déchiré.jpg"), "--model", str(model)]) == 2
    assert capsys.readouterr().err.splitlines() == [
        "describe-app: There is no file called reçu déchiré.jpg."
    ]


# -- voices: pyttsx3's sapi5 and nsss drivers, faked --------------------------------------

ZIRA = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Speech\\Voices\\Tokens\\TTS_MS_EN-US_ZIRA_11.0"
DAVID = "HKEY_LOCAL_MACHINE\\SOFTWARE\\Microsoft\\Speech\\Voices\\Tokens\\TTS_MS_EN-US_DAVID_11.0"
ALEX = "com.apple.speech.synthesis.voice.Alex"
SAMANTHA = "com.apple.voice.compact.en-US.Samantha"
RATE = 22050


def _tone(seconds: float = 0.5) -> np.ndarray[Any, np.dtype[np.int16]]:
    t = np.arange(int(RATE * seconds)) / RATE
    return (np.sin(2 * np.pi * 440 * t) * 12000).astype(np.int16)


def _wav_bytes(tmp: Path) -> bytes:
    """What SAPI5 writes: a 16-bit mono WAV file."""
    path = tmp / "sapi5.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(_tone().astype("<i2").tobytes())
    return path.read_bytes()


def _aiff_bytes() -> bytes:
    """What NSSpeechSynthesizer writes, whatever the file is called: a 16-bit AIFF file."""
    samples = _tone().astype(">i2").tobytes()
    exponent = math.floor(math.log2(RATE))
    rate = struct.pack(">HQ", exponent + 16383, int(RATE / 2**exponent * 2**63))
    comm = struct.pack(">hIh", 1, len(samples) // 2, 16) + rate
    ssnd = struct.pack(">II", 0, 0) + samples
    body = b"AIFF" + b"COMM" + struct.pack(">I", len(comm)) + comm
    body += b"SSND" + struct.pack(">I", len(ssnd)) + ssnd
    return b"FORM" + struct.pack(">I", len(body)) + body


class FakeEngine:
    """pyttsx3's engine as its sapi5 or nsss driver shows it; it writes ``audio`` to files."""

    def __init__(self, driver_name: str, voices: list[Any], audio: bytes) -> None:
        self.driver_name = driver_name
        self.voices = voices
        self.audio = audio
        self.properties: dict[str, object] = {}
        self.spoken: list[tuple[str, object]] = []
        self._files: list[tuple[str, str]] = []
        self._listeners: dict[str, list[Any]] = {}

    def connect(self, topic: str, callback: Any) -> tuple[str, Any]:
        self._listeners.setdefault(topic, []).append(callback)
        return topic, callback

    def disconnect(self, token: tuple[str, Any]) -> None:
        self._listeners[token[0]].remove(token[1])

    def getProperty(self, name: str) -> object:
        return self.voices if name == "voices" else self.properties.get(name)

    def setProperty(self, name: str, value: object) -> None:
        self.properties[name] = value

    def save_to_file(self, text: str, filename: str) -> None:
        self._files.append((text, filename))

    def runAndWait(self) -> None:
        for text, filename in self._files:
            Path(filename).write_bytes(self.audio)
            self.spoken.append((text, self.properties.get("voice")))
            for callback in self._listeners.get("finished-utterance", []):
                callback(name=None, completed=True)
        self._files.clear()


def _engine(monkeypatch: pytest.MonkeyPatch, engine: FakeEngine) -> FakeEngine:
    pyttsx3 = pytest.importorskip("pyttsx3")
    monkeypatch.setattr(pyttsx3, "init", lambda driver_name=None: engine)
    return engine


def _voice(voice_id: str, name: str, languages: list[Any]) -> Any:
    from pyttsx3.voice import Voice

    return Voice(voice_id, name, languages)


def test_sapi5_voices_by_their_registry_ids(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    voices = [
        _voice(ZIRA, "Microsoft Zira Desktop - English (United States)", ["en-US"]),
        _voice(DAVID, "Microsoft David Desktop - English (United States)", ["en-US"]),
    ]
    engine = _engine(monkeypatch, FakeEngine("sapi5", voices, _wav_bytes(tmp_path)))
    synth = Pyttsx3Synthesizer()
    try:
        listed = synth.voices()
        assert [v.id for v in listed] == [ZIRA, DAVID]  # backslashes and all
        assert listed[0].name == "Microsoft Zira Desktop - English (United States)"
        assert listed[0].languages == ("en-US",)
        synth.configure(rate=180, voice_id=ZIRA)
        clip = synth.synthesize("Une tasse de café.")
        assert engine.spoken == [("Une tasse de café.", ZIRA)]
        assert engine.properties["rate"] == 180
        assert clip.rate == RATE
        assert clip.duration == pytest.approx(0.5, abs=0.01)
        assert clip.rms() > 0.1
        with pytest.raises(VoiceNotAvailableError):
            synth.configure(rate=180, voice_id=ZIRA.replace("ZIRA", "HAZEL"))
    finally:
        synth.close()


def test_macos_voices_by_their_identifiers(monkeypatch: pytest.MonkeyPatch) -> None:
    voices = [
        _voice(ALEX, "Alex", ["en_US"]),
        _voice(SAMANTHA, "Samantha", [None]),  # nsss: a voice without a locale identifier
    ]
    engine = _engine(monkeypatch, FakeEngine("nsss", voices, _aiff_bytes()))
    synth = Pyttsx3Synthesizer()
    try:
        listed = synth.voices()
        assert [(v.id, v.name) for v in listed] == [(ALEX, "Alex"), (SAMANTHA, "Samantha")]
        assert listed[0].languages == ("en_US",)
        assert listed[1].languages == ()  # not "None"
        synth.configure(rate=200, voice_id=SAMANTHA)
        clip = synth.synthesize("A red door.")  # written as AIFF, though named .wav
        assert engine.spoken == [("A red door.", SAMANTHA)]
        assert clip.rate == RATE
        assert clip.duration == pytest.approx(0.5, abs=0.01)
    finally:
        synth.close()


@pytest.mark.parametrize(
    ("platform", "names"), [("win32", "Windows speech (SAPI5)"), ("darwin", "macOS speech")]
)
def test_a_speech_engine_that_will_not_start_is_named_for_the_platform(
    monkeypatch: pytest.MonkeyPatch, platform: str, names: str
) -> None:
    pyttsx3 = pytest.importorskip("pyttsx3")

    def broken(driver_name: str | None = None) -> None:
        raise OSError("no driver")

    monkeypatch.setattr(pyttsx3, "init", broken)
    monkeypatch.setattr(sys, "platform", platform)
    with pytest.raises(VoiceNotAvailableError) as caught:
        Pyttsx3Synthesizer().voices()
    assert names in str(caught.value)
    assert "espeak" not in str(caught.value)


# -- cameras: numbers, not /dev/videoN ------------------------------------------------------


@pytest.fixture
def linux_style_sysfs(tmp_path: Path) -> Path:
    """A /sys/class/video4linux with a camera, to show it is not read elsewhere."""
    node = tmp_path / "sysfs" / "video0"
    node.mkdir(parents=True)
    (node / "name").write_text("Integrated Camera\n", encoding="utf-8")
    (node / "index").write_text("0\n", encoding="utf-8")
    return node.parent


@pytest.mark.parametrize("platform", ["win32", "darwin"])
def test_cameras_are_numbers_on_windows_and_macos(
    monkeypatch: pytest.MonkeyPatch, linux_style_sysfs: Path, platform: str
) -> None:
    assert [c.name for c in list_cameras(sysfs_root=linux_style_sysfs, platform="linux")] == [
        "Integrated Camera"
    ]
    assert list_cameras(sysfs_root=linux_style_sysfs, platform=platform) == []
    monkeypatch.setattr(sys, "platform", platform)
    assert list_cameras(sysfs_root=linux_style_sysfs) == []  # sys.platform, read at the call
    assert parse_camera_source(None) == CameraSource(0, label="camera 1")
    assert parse_camera_source("1") == CameraSource(1, label="camera 2")
    chosen = camera_from_settings(CameraSettings(kind=CameraKind.INDEX, index=2))
    assert chosen == CameraSource(2, label="camera 3")


def test_the_camera_is_opened_by_its_number(monkeypatch: pytest.MonkeyPatch) -> None:
    opened: list[object] = []

    class FakeCv2:
        def VideoCapture(self, target: object) -> object:
            opened.append(target)
            return object()

    monkeypatch.setattr(camera_worker, "quiet_cv2", FakeCv2)
    monkeypatch.setattr(sys, "platform", "win32")
    source = parse_camera_source("0", cameras=list_cameras)
    assert source is not None
    camera_worker.open_with_opencv(source)
    assert opened == [0]
    assert isinstance(opened[0], int)  # not "/dev/video0", not "0"


def test_a_windows_video_path_is_a_file_not_a_camera_or_a_url() -> None:
    text = "C:\\Users\\Zoë Müller\\Vidéos\\essai 1.mp4"
    source = parse_camera_source(text, cameras=list)
    assert source is not None
    assert source.is_file
    assert source.target == text
    chosen = camera_from_settings(CameraSettings(kind=CameraKind.FILE, file=text), cameras=list)
    assert chosen.is_file and chosen.target == text


def test_output_in_a_windows_code_page_never_stops_on_a_letter(
    speaking_model_dir: Path, photo_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Windows writes redirected output in its ANSI code page (cp1252 here), which has no
    letters for Japanese: the answer must still be printed, not end in UnicodeEncodeError."""
    picture = tmp_path / "東京 café.jpg"
    shutil.copy(photo_file, picture)
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="cp1252", write_through=True)
    monkeypatch.setattr(sys, "stdout", stdout)
    assert main(["describe", str(picture), "--json", "--model", str(speaking_model_dir)]) == 0
    answer = json.loads(raw.getvalue().decode("cp1252"))
    assert answer["source"] == str(picture).replace("東京", "??")
    assert answer["sentences"] == list(DEFAULT_SENTENCES)
