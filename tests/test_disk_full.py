"""A full disk or a read-only folder while saving: the result is still heard, one sentence
says what was not saved, and nothing saved before is damaged.

Running as root, a chmod'ed folder is still writable, so the disk is a fake here: the
system calls the code makes raise ``OSError(ENOSPC)`` or ``OSError(EROFS)`` as a full disk or
a read-only folder would.
"""

from __future__ import annotations

import builtins
import errno
import os
import tempfile
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from describe_app.core.history.entry import SOURCE_CAMERA, EntryKind, HistoryEntry
from describe_app.core.history.store import History, PictureNotStored
from describe_app.core.resources import resource_path
from describe_app.core.sentences import split_sentences
from describe_app.core.settings.schema import Settings
from describe_app.core.settings.settings_file import (
    SettingsSaveError,
    load_settings,
    save_settings,
)
from describe_app.devtools.random_smolvlm import DEFAULT_SCRIPT
from tests import qt_fixtures

TIMEOUT_MS = 20_000
COFFEE = str(resource_path("samples", "coffee.jpg"))
FULL = "No space left on device"
READ_ONLY = "Read-only file system"

make_window = qt_fixtures.make_window
qt_strict = qt_fixtures.qt_strict


def disk_error(code: int) -> OSError:
    return OSError(code, os.strerror(code))


class FullDisk:
    """``os.write`` on ``file`` writes half of what it is given, then the disk is full."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, file: Path) -> None:
        self.file = file
        self.refused = 0
        real_write = os.write

        def write(fd: int, data: Any) -> int:
            if self.file.exists() and os.path.samestat(os.fstat(fd), os.stat(self.file)):
                self.refused += 1
                half = bytes(data)[: max(1, len(data) // 2)]
                real_write(fd, half)
                raise disk_error(errno.ENOSPC)
            return real_write(fd, data)

        monkeypatch.setattr(os, "write", write)


def refuse_replacing_into(monkeypatch: pytest.MonkeyPatch, folder: Path, code: int) -> None:
    """An atomic write whose new file lands in ``folder`` fails as the disk says ``code``."""
    real_replace = os.replace

    def replace(src: Any, dst: Any) -> None:
        if Path(dst).parent == folder:
            raise disk_error(code)
        real_replace(src, dst)

    monkeypatch.setattr(os, "replace", replace)


def read_only_folder(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """No new file can be made in ``folder`` (the temp file of an atomic write, a new
    history file); the files already there can still be read."""
    real_mkstemp, real_open = tempfile.mkstemp, os.open

    def mkstemp(*args: Any, dir: Any = None, **kwargs: Any) -> tuple[int, str]:
        if dir is not None and Path(dir) == folder:
            raise disk_error(errno.EROFS)
        return real_mkstemp(*args, dir=dir, **kwargs)

    def open_(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if Path(path).parent == folder and flags & (os.O_WRONLY | os.O_RDWR):
            raise disk_error(errno.EROFS)
        return real_open(path, flags, *args, **kwargs)

    def builtin_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if isinstance(file, (str, Path)) and Path(file).parent == folder and mode[0] in "wax":
            raise disk_error(errno.EROFS)
        return real_builtin_open(file, mode, *args, **kwargs)

    real_builtin_open = builtins.open
    monkeypatch.setattr(tempfile, "mkstemp", mkstemp)
    monkeypatch.setattr(os, "open", open_)
    monkeypatch.setattr(builtins, "open", builtin_open)


def add(history: History, text: str, picture: Image.Image | None = None) -> HistoryEntry:
    return history.add(source=SOURCE_CAMERA, kind=EntryKind.DESCRIBE, text=text, picture=picture)


# -- the history store --------------------------------------------------------------------------


@pytest.mark.allow_warning_logs  # the store logs each failed write
def test_a_full_disk_mid_line_leaves_the_file_as_it_was(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = History(tmp_path / "h")
    kept = [add(history, "A red door."), add(history, "A blue car.")]
    before = history.file.read_bytes()
    disk = FullDisk(monkeypatch, history.file)

    lost = add(history, "A cat asleep on a green sofa, seen from above.")
    assert disk.refused == 1
    assert history.entries == [*kept, lost], "still shown and repeatable in this session"
    error = history.last_write_error
    assert isinstance(error, OSError) and error.errno == errno.ENOSPC
    assert history.file.read_bytes() == before, "the half-written line was taken back"

    monkeypatch.undo()  # space again
    later = add(history, "A dog in a park.")
    again = History(tmp_path / "h")
    assert again.entries == [*kept, later]
    assert not list((tmp_path / "h").glob("*.bad-*")), "nothing looked damaged"


@pytest.mark.allow_warning_logs
def test_a_full_disk_for_the_picture_keeps_the_text_and_the_old_pictures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = History(tmp_path / "h")
    first = add(history, "A red door.", Image.new("RGB", (32, 24), "red"))
    assert first.picture is not None
    old_picture = (history.pictures / first.picture).read_bytes()
    refuse_replacing_into(monkeypatch, history.pictures, errno.ENOSPC)

    second = add(history, "A blue car.", Image.new("RGB", (32, 24), "blue"))
    assert second.picture is None
    error = history.last_write_error
    assert isinstance(error, PictureNotStored) and isinstance(error.cause, OSError)
    assert error.cause.errno == errno.ENOSPC
    assert sorted(p.name for p in history.pictures.iterdir()) == [first.picture], "no temp file"
    assert (history.pictures / first.picture).read_bytes() == old_picture
    monkeypatch.undo()
    assert [(e.text, e.picture) for e in History(tmp_path / "h").entries] == [
        ("A red door.", first.picture),
        ("A blue car.", None),
    ]


@pytest.mark.allow_warning_logs
def test_a_read_only_history_folder_keeps_the_session_going(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    history = History(tmp_path / "h")
    kept = add(history, "A red door.")
    before = history.file.read_bytes()
    read_only_folder(monkeypatch, history.folder)

    entry = add(history, "A blue car.")
    assert history.entries == [kept, entry]
    assert history.delete(kept.id) is True  # the rewrite fails; memory still changes
    assert history.entries == [entry]
    error = history.last_write_error
    assert isinstance(error, OSError) and error.errno == errno.EROFS
    assert history.write_failures == 2
    assert history.file.read_bytes() == before
    assert [p.name for p in history.folder.iterdir()] == [history.file.name]


# -- settings ------------------------------------------------------------------------------------


@pytest.mark.allow_warning_logs
def test_a_read_only_settings_folder_gives_one_sentence_and_keeps_the_old_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "config" / "settings.json"
    save_settings(Settings(), path)
    before = path.read_bytes()
    read_only_folder(monkeypatch, path.parent)
    with pytest.raises(SettingsSaveError) as caught:
        save_settings(Settings(), path)
    assert str(caught.value) == (f"Your settings could not be saved in {path.parent}: {READ_ONLY}.")
    assert path.read_bytes() == before
    monkeypatch.undo()
    assert load_settings(path).message is None


# -- the window ----------------------------------------------------------------------------------


@pytest.mark.allow_warning_logs
def test_the_window_speaks_the_result_then_says_once_it_was_not_saved(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    store = History(tmp_path / "h")
    add(store, "A red door.")
    before = store.file.read_bytes()
    window, speech = make_window(speaking_model_dir, history=store)
    FullDisk(monkeypatch, store.file)

    window.describe_files([COFFEE])
    qtbot.waitUntil(lambda: window.history.count() == 2, timeout=TIMEOUT_MS)
    sentence = f"This result could not be saved in the history: {FULL}."
    qtbot.waitUntil(lambda: sentence in window.announcer.history, timeout=TIMEOUT_MS)
    said = speech.texts()
    assert said.index(split_sentences(DEFAULT_SCRIPT)[-1]) < said.index(sentence)
    assert (sentence, False) in speech.said, "said after the result, not cutting it off"
    assert store.file.read_bytes() == before

    window.describe_files([COFFEE])  # still full: not said again
    qtbot.waitUntil(lambda: window.history.count() == 3, timeout=TIMEOUT_MS)
    assert window.announcer.history.count(sentence) == 1
    window.actions_by_id["repeat"].trigger()
    assert speech.said[-1] == (window.controller.last_entry.text, True)


@pytest.mark.allow_warning_logs
def test_the_window_says_when_only_the_picture_was_not_saved(
    qtbot, make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    store = History(tmp_path / "h")
    window, speech = make_window(speaking_model_dir, history=store)
    refuse_replacing_into(monkeypatch, store.pictures, errno.ENOSPC)

    window.describe_files([COFFEE])
    sentence = f"The picture of this result could not be saved: {FULL}."
    qtbot.waitUntil(lambda: sentence in window.announcer.history, timeout=TIMEOUT_MS)
    assert sentence in speech.texts()
    assert not [t for t in window.announcer.history if "in the history" in t]
    monkeypatch.undo()
    assert [e.picture for e in History(tmp_path / "h").entries] == [None]


@pytest.mark.allow_warning_logs
def test_save_as_text_on_a_full_disk_says_so_and_keeps_the_old_file(
    make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    window, _speech = make_window(speaking_model_dir, load=False)
    window._history_store.add(source="camera", kind="describe", text="A dog in a park.")
    window.history.show_entries(window._history_store.entries)
    target = tmp_path / "out" / "dog.txt"
    target.parent.mkdir()
    target.write_text("yesterday's notes\n", encoding="utf-8")
    monkeypatch.setattr(
        "describe_app.qt.confirm.QFileDialog.getSaveFileName", lambda *a, **k: (str(target), "")
    )
    refuse_replacing_into(monkeypatch, target.parent, errno.ENOSPC)
    window.history.setCurrentRow(0)
    window.actions_by_id["save_result"].trigger()
    assert window.announcer.history[-1] == f"The text could not be saved as dog.txt: {FULL}."
    assert target.read_text(encoding="utf-8") == "yesterday's notes\n"
    assert [p.name for p in target.parent.iterdir()] == ["dog.txt"]


@pytest.mark.allow_warning_logs
def test_a_read_only_settings_folder_is_said_once_and_the_keys_still_work(
    make_window, speaking_model_dir: Path, tmp_path: Path, monkeypatch
) -> None:  # type: ignore[no-untyped-def]
    settings_file = tmp_path / "config" / "settings.json"
    window, speech = make_window(speaking_model_dir, load=False, settings_file=settings_file)
    read_only_folder(monkeypatch, settings_file.parent)
    settings_file.parent.mkdir()
    rate = window.settings.speech.rate

    window.change_rate(+1)
    window.change_rate(+1)
    sentence = f"Your settings could not be saved in {settings_file.parent}: {READ_ONLY}."
    assert window.announcer.history.count(sentence) == 1
    assert speech.texts().count(sentence) == 1
    said = speech.said
    assert said.index((sentence, False)) == said.index(next(s for s in said if "rate" in s[0])) + 1
    assert window.settings.speech.rate > rate, "the change is used for this session"
    assert window.announcer.history[-1].startswith("Speech rate")
    assert not settings_file.exists()
