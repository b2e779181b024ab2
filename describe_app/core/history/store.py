"""The history of results (:class:`History`), kept on disk so that a crash or a kill loses
nothing shown.

Each :meth:`History.add` writes the picture first (atomically), then appends one line and
flushes and fsyncs it, and only then puts the entry in the list in memory and returns it:
every entry the user has seen is on disk, and an entry never names a picture that is not
there. A line cut short by a crash is skipped on load (and trimmed from the file); delete,
clear and trimming to the newest ``max_entries`` rewrite the file atomically. With
``store_pictures=False`` no picture is ever written (privacy); with ``persist=False`` nothing
is written at all and the history lives for this session only.

Several Describes share the file (the window, and the command line run beside it). Each
change holds the folder's lock (:func:`~describe_app.core.history.files.folder_lock`) while it
reads and writes, and a rewrite first reads the file and follows it: entries another Describe
added are taken in, and entries it deleted (or cleared, or trimmed) that this one had seen on
disk are dropped here too, with their pictures, so a delete is final for every Describe.
Reading the list notices a file changed elsewhere and catches up the same way
(:meth:`History.reload`). Entries that were never on disk (kept while history was off, or
whose line could not be written) are this Describe's own and stay.

The entries are :class:`~describe_app.core.history.entry.HistoryEntry`; the folder and its
files are :mod:`describe_app.core.history.files`.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from describe_app.core.atomic_file import write_atomically
from describe_app.core.history import files
from describe_app.core.history.entry import EntryKind, HistoryEntry, readable
from describe_app.core.settings.schema import HISTORY_MAX_ENTRIES

if TYPE_CHECKING:
    from PIL import Image

    from describe_app.core.describe.confidence import AnswerConfidence
    from describe_app.core.pictures.images import Picture

logger = logging.getLogger(__name__)


#: A stamp no file has: the file was written by another Describe too (read it again).
_CHANGED_ELSEWHERE = (-1, -1, -1)


class PictureNotStored(Exception):
    """Why the picture of an entry could not be stored (its text may still be: a later
    failure to write the line replaces this one as :attr:`History.last_write_error`)."""

    def __init__(self, cause: Exception) -> None:
        super().__init__(str(cause))
        self.cause = cause


class History:
    """The list of results, newest last, mirrored on disk. Safe to call from any thread.

    Reads the file when created (a missing file is an empty history). File errors while
    writing are logged and counted (:attr:`write_failures`, :attr:`last_write_error`), and
    the entry is kept in memory, so the user still sees it.

    Two locks. ``_changing`` lets one change at a time reach the disk and is held while it
    writes; ``_lock`` guards what is in memory and is never held across disk work, so reading
    (the window, on the GUI thread) never waits for a write in progress on another thread
    (:class:`~describe_app.core.history.writer.HistoryWriter`). ``_changing`` is always taken
    before ``_lock``; the folder's lock, against other Describes, is taken with ``_changing``
    (:meth:`_exclusive`)."""

    def __init__(
        self,
        folder: Path | None = None,
        *,
        max_entries: int = HISTORY_MAX_ENTRIES.default,
        store_pictures: bool = True,
        persist: bool = True,
    ) -> None:
        self.folder = files.history_dir() if folder is None else folder
        self.file = self.folder / files.HISTORY_FILE
        self.pictures = self.folder / files.PICTURES_DIR
        self._max = HISTORY_MAX_ENTRIES.clamp(max_entries)
        self._store_pictures = store_pictures
        self._persist = persist
        self._changing = threading.RLock()
        self._lock = threading.RLock()
        self._entries: list[HistoryEntry] = []
        #: every id this history has read, added or adopted: an id on disk that is not here
        #: was added by another Describe (the command line beside the window)
        self._known: set[str] = set()
        self._foreign: list[files.ForeignLine] = []  # lines of a newer version, kept
        #: the ids in the file as this history last read or wrote it: one of these that has
        #: left the file since was deleted by another Describe, and leaves this one too
        self._on_disk: set[str] = set()
        self._lines_on_disk = 0
        #: the file as this history last read or left it
        self._stamp: tuple[int, int, int] | None = None
        self._holding_folder_lock = False
        self._write_failures = 0
        self._last_write_error: Exception | None = None
        if persist and self.file.exists():
            with self._exclusive():
                self._load()

    # -- reading ---------------------------------------------------------------------------
    @property
    def entries(self) -> list[HistoryEntry]:
        """A copy of the entries, oldest first (after :meth:`reload`)."""
        self.reload()
        with self._lock:
            return list(self._entries)

    def __len__(self) -> int:
        self.reload()
        with self._lock:
            return len(self._entries)

    def reload(self) -> bool:
        """Catch up with what other Describes (the command line beside the window) did to the
        file since this history last read or wrote it: the entries they deleted or cleared
        leave the list (and their pictures the folder), those they added join it (with history
        on). True if the list changed. Reading the list calls this; it costs one look at the
        file's size and time unless the file changed. It never waits for a change in progress
        here (that one catches up itself): then it does nothing."""
        if not self._changing.acquire(blocking=False):
            return False
        try:
            with self._lock:
                if not (self._persist or self._on_disk):
                    return False  # history off, nothing of the file in memory: not read
            if self._file_stamp() == self._stamp:
                return False
            return self._catch_up()
        finally:
            self._changing.release()

    def kept_on_disk(self) -> int:
        """How many results the history file holds: those in memory, or with history off
        (the file was not read), those kept from before it was turned off."""
        self.reload()
        with self._lock:
            if self._persist or self._entries:
                return len(self._entries)
        found = files.read_history_file(self.file, quiet=True)
        return 0 if found is None else len(found.entries) + len(found.foreign)

    def __iter__(self) -> Iterator[HistoryEntry]:
        return iter(self.entries)

    def get(self, entry_id: str) -> HistoryEntry | None:
        self.reload()
        with self._lock:
            return next((e for e in self._entries if e.id == entry_id), None)

    def picture_path(self, entry: HistoryEntry) -> Path | None:
        """The stored picture of an entry, or None (not stored, or deleted since)."""
        if entry.picture is None:
            return None
        path = self.pictures / entry.picture
        return path if path.is_file() else None

    def load_picture(self, entry: HistoryEntry) -> Picture | None:
        """The entry's picture, ready for a follow-up question, or None if there is none."""
        from describe_app.core.errors import ImageError
        from describe_app.core.pictures.images import load_picture

        path = self.picture_path(entry)
        if path is None:
            return None
        try:
            return load_picture(path)
        except ImageError as exc:
            logger.info("picture of history entry %s unusable: %s", entry.id, exc)
            return None

    # -- options ---------------------------------------------------------------------------
    @property
    def max_entries(self) -> int:
        return self._max

    @property
    def store_pictures(self) -> bool:
        return self._store_pictures

    @property
    def persist(self) -> bool:
        return self._persist

    @property
    def write_failures(self) -> int:
        """How many writes to disk have failed since this history was created."""
        with self._lock:
            return self._write_failures

    @property
    def last_write_error(self) -> Exception | None:
        """Why the latest failed write failed (None if none has)."""
        with self._lock:
            return self._last_write_error

    def configure(
        self,
        *,
        max_entries: int | None = None,
        store_pictures: bool | None = None,
        persist: bool | None = None,
    ) -> None:
        """Apply changed settings. Turning pictures or persistence off does not delete what
        is stored; call :meth:`delete_pictures` or :meth:`clear` for that."""
        with self._exclusive():
            with self._lock:
                if store_pictures is not None:
                    self._store_pictures = store_pictures
                turned_on = persist is True and not self._persist
                if persist is not None:
                    self._persist = persist
                if max_entries is not None:
                    self._max = HISTORY_MAX_ENTRIES.clamp(max_entries)
            if turned_on:
                # the session's entries go to disk from now on, after those already there
                self._rewrite()
            if max_entries is not None or turned_on:
                self._trim()

    # -- changing --------------------------------------------------------------------------
    def add(
        self,
        *,
        source: str,
        kind: EntryKind | str,
        text: str,
        model: str = "",
        question: str | None = None,
        picture: Picture | Image.Image | None = None,
        confidence: AnswerConfidence | None = None,
    ) -> HistoryEntry:
        """Record a finished result (and its picture, if pictures are stored)."""
        entry_id = uuid.uuid4().hex
        source, text, model = readable(source), readable(text), readable(model)
        question = None if question is None else readable(question)
        with self._exclusive(disk=self.persist):
            with self._lock:
                persist = self._persist
                keep_picture = persist and self._store_pictures
            picture_name = None
            if picture is not None and keep_picture:
                picture_name = self._save_picture(entry_id, picture)
            entry = HistoryEntry(
                id=entry_id,
                time=datetime.now().astimezone().isoformat(timespec="seconds"),
                source=source,
                kind=EntryKind(kind),
                text=text,
                model=model,
                question=question,
                picture=picture_name,
                confidence=confidence,
            )
            if persist:
                self._append(entry)
            with self._lock:
                self._entries.append(entry)
                self._known.add(entry.id)
            self._trim()
        logger.debug("history entry %s added (%s, %s)", entry.id, entry.kind.value, source)
        return entry

    def delete(self, entry_id: str) -> bool:
        """Delete one entry and its picture. False if there was no such entry. With history
        off, the entry leaves the file too (if it was there), and nothing else is written."""
        with self._exclusive():
            with self._lock:
                entry = next((e for e in self._entries if e.id == entry_id), None)
                if entry is None:
                    return False
                index = self._entries.index(entry)
                before = self._entries[index - 1].id if index else None
                self._entries.remove(entry)
                self._foreign = [
                    replace(f, after=before) if f.after == entry_id else f for f in self._foreign
                ]
            if self.persist:
                self._rewrite()
            else:
                self._delete_from_file(entry_id)
            self._delete_picture(entry)
        logger.debug("history entry %s deleted", entry_id)
        return True

    def clear(self) -> None:
        """Delete every entry and every stored picture, and the copies of damaged history
        files and temp files a crash left (they hold results too). Another Describe's entries
        go too, and do not come back from its memory (see the module's docstring)."""
        with self._exclusive():
            with self._lock:
                self._entries.clear()
                self._foreign.clear()
            if self._persist or self.file.exists():
                self._rewrite(force=True, merge=False)  # another Describe's entries go too
            self._delete_all_pictures()
            for path in files.leftover_copies(self.folder):
                files.delete_file(path)
        logger.info("history cleared")

    def delete_pictures(self) -> None:
        """Delete every stored picture (entries stay, without pictures)."""
        with self._exclusive():
            with self._lock:
                self._entries = [replace(e, picture=None) for e in self._entries]
            self._rewrite()
            self._delete_all_pictures()

    # -- export ----------------------------------------------------------------------------
    def export_text(self, entry_ids: Iterable[str] | None = None) -> str:
        """Plain text of the given entries (default: all), oldest first, blank-line apart."""
        self.reload()
        with self._lock:
            wanted = None if entry_ids is None else set(entry_ids)
            chosen = [e for e in self._entries if wanted is None or e.id in wanted]
        return "\n".join(e.as_text() for e in chosen)

    def save_text(self, path: Path, entry_ids: Iterable[str] | None = None) -> None:
        """Write :meth:`export_text` to ``path`` (UTF-8, atomically). Raises OSError."""
        write_atomically(path, self.export_text(entry_ids).encode("utf-8"))

    # -- inside ----------------------------------------------------------------------------
    def _load(self) -> None:
        found = files.read_history_file(self.file)
        if found is None:
            return
        entries = found.entries
        self._entries = entries
        self._foreign = found.foreign
        self._known = {e.id for e in entries} | {f.id for f in found.foreign}
        self._on_disk = set(self._known)
        self._lines_on_disk = len(entries) + len(found.foreign)
        self._stamp = self._file_stamp()
        if found.bad_lines:
            files.keep_copy_of_bad_file(self.file)
        if found.bad_lines or found.cut_short or len(entries) > self._max:
            self._trim()
            self._rewrite()
        self._remove_orphan_pictures()
        logger.debug("history: %s entries from %s", len(entries), self.file)

    # The writing helpers below run with ``_changing`` held (and the folder's lock, see
    # _exclusive), and take ``_lock`` only around what they read or change in memory.

    @contextlib.contextmanager
    def _exclusive(self, *, disk: bool | None = None) -> Iterator[None]:
        """One change at a time: ``_changing`` against the other threads of this Describe, and
        the folder's lock against other Describes, held across the whole change (read the
        file, follow it, write, delete pictures). ``disk``: whether the change reads or writes
        the folder (None: where the folder is); the folder's lock is taken only then, so with
        history off and nothing on disk, nothing is created."""
        with self._changing:
            if disk is None:
                disk = self.folder.is_dir()
            if self._holding_folder_lock or not disk:
                yield
                return
            with files.folder_lock(self.folder):
                self._holding_folder_lock = True
                try:
                    yield
                finally:
                    self._holding_folder_lock = False

    def _append(self, entry: HistoryEntry) -> None:
        if self._file_stamp() != self._stamp:
            self._catch_up()  # another Describe wrote: its deletes hold here too
        untouched = self._file_stamp() == self._stamp  # by anyone else since we wrote it
        try:
            files.append_entry(self.file, entry)
        except OSError as exc:
            logger.error("could not write history entry to %s: %r", self.file, exc)
            self._note_failure(exc)
            return
        with self._lock:
            self._lines_on_disk += 1
            self._on_disk.add(entry.id)
        self._stamp = self._file_stamp() if untouched else _CHANGED_ELSEWHERE

    def _rewrite(self, *, force: bool = False, merge: bool = True) -> None:
        """Write the entries in memory over the file. ``merge``: first read the file and
        follow what other Describes did to it (:meth:`_take_in`: the entries they added are
        kept, those they deleted stay deleted). It is read every time, not only when its size
        or time changed: two changes within one tick of the clock can leave both alike."""
        with self._lock:
            if not (self._persist or force):
                return
        dropped: list[HistoryEntry] = []
        if merge:
            stamp = self._file_stamp()
            on_disk = self._read_file(stamp)
            if on_disk is not None:
                with self._lock:
                    dropped = self._take_in(on_disk)
                self._stamp = stamp
        with self._lock:
            entries, foreign = list(self._entries), list(self._foreign)
        try:
            files.write_history_file(self.file, entries, foreign)
        except OSError as exc:
            logger.error("could not rewrite history file %s: %r", self.file, exc)
            self._note_failure(exc)
        else:
            with self._lock:
                self._lines_on_disk = len(entries) + len(foreign)
                self._on_disk = {e.id for e in entries} | {f.id for f in foreign}
            self._stamp = self._file_stamp()
        for entry in dropped:
            self._delete_picture(entry)

    def _catch_up(self) -> bool:
        """Read the file and follow what other Describes did to it (:meth:`_take_in`; with
        history off, their new entries are not taken in). True if the list changed."""
        stamp = self._file_stamp()
        on_disk = self._read_file(stamp)
        if on_disk is None:
            return False
        with self._lock:
            before = list(self._entries)
            dropped = self._take_in(on_disk, adopt=self._persist)
            changed = self._entries != before
            self._lines_on_disk = len(on_disk.entries) + len(on_disk.foreign)
        self._stamp = stamp
        for entry in dropped:
            self._delete_picture(entry)
        return changed

    def _read_file(self, stamp: tuple[int, int, int] | None) -> files.HistoryFile | None:
        """The file as it is now (``stamp``: its stamp, just taken). No file reads as an empty
        history (it was deleted); None: it cannot be read, so it cannot be followed."""
        if stamp is None:
            return files.HistoryFile([], 0, False)
        return files.read_history_file(self.file, quiet=True)

    def _file_stamp(self) -> tuple[int, int, int] | None:
        """The file's identity, size and time of change (None: no file), to tell whether
        another Describe wrote it since this history read or wrote it."""
        try:
            status = self.file.stat()
        except OSError:
            return None
        return (status.st_ino, status.st_size, status.st_mtime_ns)

    def _delete_from_file(self, entry_id: str) -> None:
        """History is off: take one entry out of the file, writing nothing of this session."""
        on_disk = files.read_history_file(self.file, quiet=True)
        if on_disk is None or all(e.id != entry_id for e in on_disk.entries):
            return
        kept = [e for e in on_disk.entries if e.id != entry_id]
        try:
            files.write_history_file(self.file, kept, on_disk.foreign)
        except OSError as exc:
            logger.error("could not rewrite history file %s: %r", self.file, exc)
            self._note_failure(exc)
            return
        with self._lock:
            self._on_disk.discard(entry_id)

    def _take_in(self, on_disk: files.HistoryFile, *, adopt: bool = True) -> list[HistoryEntry]:
        """Follow ``on_disk``, the file as other Describes left it. The entries (and newer
        version's lines) this history saw on disk that are gone from it were deleted, cleared
        or trimmed by another Describe: they leave this one too, and are returned (their
        pictures are to be deleted). An entry on both sides is taken as it is there, without
        its picture if either side deleted that. With ``adopt``, the entries this history has
        never seen are taken in. Entries never on disk stay. Runs with ``_lock`` held."""
        there = {e.id: e for e in on_disk.entries}
        present = there.keys() | {f.id for f in on_disk.foreign}
        gone = self._on_disk - present
        self._on_disk = set(present)
        dropped = [e for e in self._entries if e.id in gone]
        before: dict[str | None, str | None] = {}  # a dropped entry -> the kept one before it
        kept: str | None = None
        for entry in self._entries:
            if entry.id in gone:
                before[entry.id] = kept
            else:
                kept = entry.id
        self._entries = [_as_on_disk(e, there.get(e.id)) for e in self._entries if e.id not in gone]
        self._foreign = [
            replace(f, after=before[f.after]) if f.after in before else f
            for f in self._foreign
            if f.id not in gone
        ]
        if dropped:
            logger.info("history: %s entries deleted by another Describe dropped", len(dropped))
        if adopt:
            self._adopt(on_disk)
        return dropped

    def _adopt(self, on_disk: files.HistoryFile) -> None:
        """Adopt the entries (and newer version's lines) of ``on_disk`` this history has never
        seen, each after the entry it followed there. Runs with ``_lock`` held."""
        mine = {e.id: i for i, e in enumerate(self._entries)}
        after: dict[int, list[HistoryEntry]] = {}  # index in ours (-1: first) -> adopted
        place = -1
        for entry in on_disk.entries:
            if entry.id in mine:
                place = mine[entry.id]
            elif entry.id not in self._known:
                after.setdefault(place, []).append(entry)
                self._known.add(entry.id)
        new_foreign = [f for f in on_disk.foreign if f.id not in self._known]
        if not after and not new_foreign:
            return
        merged = list(after.get(-1, []))
        for index, entry in enumerate(self._entries):
            merged.append(entry)
            merged.extend(after.get(index, []))
        logger.info(
            "history: %s entries added by another Describe taken in",
            len(merged) - len(self._entries),
        )
        self._entries = merged
        self._foreign += new_foreign
        self._known.update(f.id for f in new_foreign)

    def _trim(self) -> None:
        """Keep the newest ``max_entries``; rewrite the file once it has 10% more lines."""
        dropped: list[HistoryEntry] = []
        with self._lock:
            excess = len(self._entries) - self._max
            if excess > 0:
                dropped, self._entries = self._entries[:excess], self._entries[excess:]
                gone = {e.id for e in dropped} | {None}  # None: a line before the first
                self._foreign = [f for f in self._foreign if f.after not in gone]
            slack = max(10, self._max // 10)
            rewrite = self._persist and self._lines_on_disk > self._max + slack
        for entry in dropped:
            self._delete_picture(entry)
        if rewrite:
            self._rewrite()

    def _note_failure(self, exc: Exception) -> None:
        with self._lock:
            self._write_failures += 1
            self._last_write_error = exc

    def _save_picture(self, entry_id: str, picture: Picture | Image.Image) -> str | None:
        from describe_app.core.pictures.images import Picture

        image = picture.image if isinstance(picture, Picture) else picture
        name = f"{entry_id}.jpg"
        try:
            files.write_picture(self.pictures, name, image)
        except (OSError, ValueError) as exc:
            logger.error("could not store the picture of history entry %s: %r", entry_id, exc)
            self._note_failure(PictureNotStored(exc))
            return None
        return name

    def _delete_picture(self, entry: HistoryEntry) -> None:
        if entry.picture is not None:
            files.delete_file(self.pictures / entry.picture)

    def _delete_all_pictures(self) -> None:
        for path in files.stored_pictures(self.pictures):
            files.delete_file(path)

    def _remove_orphan_pictures(self) -> None:
        """Pictures without an entry (a crash between picture and line, an old trim)."""
        named = {e.picture for e in self._entries if e.picture}
        for path in files.stored_pictures(self.pictures):
            if path.name not in named:
                logger.debug("removing orphan history picture %s", path.name)
                files.delete_file(path)


def _as_on_disk(mine: HistoryEntry, there: HistoryEntry | None) -> HistoryEntry:
    """An entry as the file has it (``there``; None: not in the file), but without a picture
    that either side deleted: a picture once deleted is never named again."""
    if there is None or there == mine:
        return mine
    return there if there.picture == mine.picture else replace(there, picture=None)
