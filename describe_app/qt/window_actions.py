"""What the main window's actions and menus do: photos in (dialog, clipboard, drop), stop and
pause, the result and history commands, help, and exploring the parts of a picture.

The actions themselves (ids, keys, menus) come from the one shortcuts table through
:func:`~describe_app.qt.menus.build_menus`; the window maps each id to a method here.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication

from describe_app.core.errors import ImageError
from describe_app.core.history.entry import HistoryEntry
from describe_app.core.history.writer import ClearHistory, DeleteEntry
from describe_app.core.pictures.images import Picture
from describe_app.core.pictures.picture_regions import Cell, crop_cell
from describe_app.qt.confirm import choose_text_file, confirm
from describe_app.qt.documents import is_window_document
from describe_app.qt.help_dialog import HelpDialog
from describe_app.qt.photo_input import choose_photos, files_in, load_photos, picture_decoder
from describe_app.qt.photo_work import OPEN, PhotoWork
from describe_app.qt.translate import _, ngettext
from describe_app.qt.window_parts import WindowParts


class WindowActions(WindowParts):
    """The handlers behind the main window's actions, buttons and drops."""

    #: decodes the photos opened, dropped and pasted off the GUI thread (set by the window)
    photo_work: PhotoWork

    # --- speech and the job in flight ----------------------------------------------------------

    @Slot()
    def stop(self) -> None:
        self._pending_photos.clear()
        self.photo_work.cancel()  # photos still decoding are dropped
        self._paused = False
        self.documents.stop()
        self.controller.stop()

    @Slot()
    def pause_or_resume(self) -> None:
        """Control+P: pause, or resume what was paused. Speech says whether it is paused:
        words that cut in (a colour, a new result) end a pause by themselves, and the next
        press must pause again, not resume what plays."""
        speech = self.announcer.speech
        paused = getattr(speech, "paused", None)
        if not isinstance(paused, bool):  # an output that cannot tell: the last press's
            paused = self._paused
        if paused:
            speech.resume()
        else:
            speech.pause()
        self._paused = not paused

    # --- photos in ----------------------------------------------------------------------------

    @Slot()
    def open_photos(self) -> None:
        paths = choose_photos(self)
        if paths:
            self.describe_files(paths)

    def describe_files(self, paths: list[str]) -> None:
        """Describe each file in turn (the command line, the dialog, a drop); a PDF or a
        TIFF of several pages is read as a document instead (the last one given). The
        photos are decoded off the GUI thread; a newer open replaces them."""
        documents = [path for path in paths if is_window_document(path)]
        if documents:
            self.documents.open_file(documents[-1])
            paths = [path for path in paths if path not in documents]
        if not paths:
            self.photo_work.cancel(OPEN)  # the document is the newest open
            return
        if len(paths) == 1:
            notice = _("Opening {name}.").format(name=Path(paths[0]).name or paths[0])
        else:
            notice = ngettext("Opening {n} picture.", "Opening {n} pictures.", len(paths))
            notice = notice.format(n=len(paths))
        files, load = list(paths), self.photo_work.pictures.load_picture
        self.photo_work.submit(
            OPEN, lambda cancel: load_photos(files, cancel, load), self._photos_loaded, notice
        )

    def _photos_loaded(self, loaded: tuple[list[Picture], list[str]]) -> None:
        pictures, errors = loaded
        if errors:  # all of them heard, one after the other, before the first description
            self.announcer.announce(" ".join(errors), interrupt=True)
        self._describe_pictures(pictures, after_words=bool(errors))

    @Slot()
    def paste_picture(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        nothing = _("The clipboard holds no picture.")
        if mime is not None and mime.hasText() and mime.text().strip():
            nothing += " " + _("It holds text.")  # copied words, not the picture meant
        self._take_mime(mime, nothing)

    def _take_mime(self, mime: object, nothing_message: str) -> None:
        from PySide6.QtCore import QMimeData

        if not isinstance(mime, QMimeData):
            self.announcer.announce(nothing_message)
            return
        try:
            # the data taken here, decoded off this thread (a big picture in a child process)
            decode = picture_decoder(mime, self.photo_work.pictures.picture_from_bytes)
        except ImageError as exc:
            self.announcer.announce(str(exc), interrupt=True)
            return
        if decode is not None:
            self.photo_work.submit(
                OPEN,
                lambda _cancel: decode(),
                lambda picture: self._describe_pictures([picture]),
                _("Opening the picture."),
            )
            return
        paths = files_in(mime)
        if paths:
            self.describe_files(paths)
        else:
            self.announcer.announce(nothing_message)

    def _describe_pictures(self, pictures: list[Picture], *, after_words: bool = False) -> None:
        """Describe ``pictures`` one after the other; ``after_words``: the first waits for
        what is being said (why other files could not be opened) instead of cutting it off."""
        if not pictures:
            return
        self._pending_photos, self._photos_total = list(pictures), len(pictures)
        self._next_photo(first=not after_words)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls() or mime.hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        event.acceptProposedAction()
        self._take_mime(event.mimeData(), _("What was dropped is not a picture."))

    # --- result and history ------------------------------------------------------------------

    def _selected_entry(self) -> HistoryEntry | None:
        entry_id = self.history.current_entry_id()
        return self._history_store.get(entry_id) if entry_id else None

    @Slot()
    def copy_result(self) -> None:
        entry = self._selected_entry()
        text = entry.as_text() if entry is not None else self.result.toPlainText()
        if not text.strip():
            self.announcer.announce(_("Nothing to copy yet."))
            return
        QGuiApplication.clipboard().setText(text)
        self.announcer.clear_status()
        self.announcer.announce(_("Copied."))

    @Slot()
    def save_result(self) -> None:
        """Save the selected result (or, with none selected, the whole history) as text."""
        entry = self._selected_entry()
        if entry is None and len(self._history_store) == 0:
            self.announcer.announce(_("There is no result to save yet."))
            return
        path = choose_text_file(self, entry.when() if entry is not None else None)
        if path is None:
            return
        try:
            self._history_store.save_text(path, [entry.id] if entry is not None else None)
        except OSError as exc:
            self.announcer.clear_status()
            self.announcer.announce(
                _("The text could not be saved as {name}: {reason}.").format(
                    name=path.name, reason=exc.strerror or exc
                ),
                interrupt=True,
            )
            return
        self.announcer.clear_status()
        self.announcer.announce(_("Saved as {name}.").format(name=path.name))

    @Slot()
    def delete_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            self.announcer.announce(_("Select a result in the history first."))
            return
        row = self.history.currentRow()
        self.history_writer.write(DeleteEntry(entry.id))  # a failure is announced when it is known
        self.history.remove_entry(entry.id)
        if self.history.count():
            self.history.setCurrentRow(min(row, self.history.count() - 1))
        self.announcer.clear_status()
        self.announcer.announce(_("Result deleted."))

    @Slot()
    def clear_history(self) -> None:
        # with history off, the results kept from before are on disk still: cleared too
        count = self._history_store.kept_on_disk()
        if count == 0:
            self.announcer.announce(_("The history is already empty."))
            return
        question = ngettext(
            "Delete the {n} result in the history, and its picture?",
            "Delete all {n} results in the history, and their pictures?",
            count,
        ).format(n=count)
        if not confirm(self, _("Clear history"), question):
            return
        self.history_writer.write(ClearHistory())  # a failure is announced when it is known
        self.history.clear()
        self.announcer.clear_status()
        self.announcer.announce(_("History cleared."))

    @Slot()
    def ask_about_selected(self) -> None:
        entry = self._selected_entry()
        if entry is None:
            self.announcer.announce(_("Select a result in the history first."))
            return
        if self.controller.ask_about_entry(entry):
            self.question.setFocus()

    # --- help, questions, exploring ----------------------------------------------------------

    @Slot()
    def show_help(self) -> None:
        dialog = HelpDialog(self, self.settings.shortcuts)
        dialog.setObjectName("help_dialog")
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()

    @Slot()
    def start_exploring(self) -> None:
        """Ctrl+E: go to the parts of the last described picture (and describe them now)."""
        if self.explorer.session is None:
            self.announcer.clear_status()
            self.announcer.announce(_("Describe a picture first, then explore its parts."))
            return
        self.explorer.wanted()
        if self.explore.hasFocus():
            self.explore.say_where()  # no focus change: say it here
        self.explore.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def _say_part(self, text: str) -> None:
        self.announcer.say_result(text, first=True)

    @Slot(object)
    def _describe_part(self, cell: Cell) -> None:
        session = self.explorer.session
        if session is not None:
            self.controller.describe_part(crop_cell(session.picture, session.grid, cell))

    @Slot()
    def _ask(self) -> None:
        self.controller.ask(self.question.text())
