"""The reading view: a document shown as a real document, for the keyboard and the screen reader.

A window of its own beside the main window. Its text is a read-only ``QTextBrowser`` whose
``QTextDocument`` is built from :func:`~describe_app.qt.document_html.document_html`: the
page layout's headings are headings, list items a list, tables tables, and each page
starts with "Page N". The caret moves by keyboard (arrows by line and letter, Control with
them by word and paragraph), as in any document, and H and Shift+H go to the next and
previous heading, which is said (:data:`MOVE_KEYS`). Its buttons, each with a key
(:data:`READING_VIEW_KEYS`, listed in the F1 help too):

* Save as: plain text, Markdown or a searchable PDF, to a file the user names;
* Copy all: the text, as plain text, to the clipboard;
* Read from here: the app's own voice reads from the caret to the end (only when asked;
  Escape stops it, a second Escape closes the view);
* Next page: document mode on again, for the next page of the same document;
* Close.

What happens is said through the window's announcer.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import (
    QAction,
    QGuiApplication,
    QKeySequence,
    QTextBlock,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
)
from PySide6.QtWidgets import (
    QDialog,
    QFileDialog,
    QHBoxLayout,
    QMessageBox,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from describe_app.core.errors import ImageError
from describe_app.core.reading.document import Document
from describe_app.core.reading.document_export import document_text, save_document
from describe_app.qt.announcer import Announcer
from describe_app.qt.document_html import document_html, is_numbered
from describe_app.qt.gui_thread import GuiThread
from describe_app.qt.labelled import add_labelled_control, labelled_button
from describe_app.qt.translate import N_, _

log = logging.getLogger(__name__)

#: The keys of the reading view's buttons (portable key text) and what they do, in the
#: buttons' order. Translate the sentences where shown.
BUTTON_KEYS: tuple[tuple[str, str], ...] = (
    ("Ctrl+S", N_("Save the document as text, Markdown or a searchable PDF.")),
    ("Ctrl+Shift+C", N_("Copy the whole document.")),
    ("Ctrl+R", N_("Read aloud from the caret to the end; Escape stops.")),
    ("Ctrl+N", N_("Document mode on again, to add the next page.")),
    ("Escape", N_("Stop reading aloud, or close the reading view.")),
)
#: The keys that move the caret in the document text: by heading (said, as a screen
#: reader's browse mode does) and by paragraph (Qt has no key of its own for that).
MOVE_KEYS: tuple[tuple[str, str], ...] = (
    ("H", N_("Next heading.")),
    ("Shift+H", N_("Previous heading.")),
    ("Ctrl+Down", N_("Next paragraph.")),
    ("Ctrl+Up", N_("Previous paragraph.")),
)
#: Every key of the reading view, for the F1 help.
READING_VIEW_KEYS = BUTTON_KEYS + MOVE_KEYS

#: The kinds of file the document can be saved as, in the file dialog's order.
_SAVE_KINDS = ((N_("Text files"), ".txt"), (N_("Markdown"), ".md"), (N_("Searchable PDF"), ".pdf"))

PathChooser = Callable[[str], Path | None]


class ReadingView(QDialog):
    def __init__(
        self,
        announcer: Announcer,
        next_page: Callable[[], object],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("reading_view")
        self.setWindowFlag(Qt.WindowType.Window)
        self.setModal(False)
        self._announcer = announcer
        self._next_page = next_page
        self.document = Document(source="")
        self.reading_aloud = False
        self._saving: Path | None = None  # a searchable PDF being written, off this thread
        self._gui = GuiThread(self)
        self._numbered = False  # the pages shown have their markers
        self._shown_pages = 0
        #: Asks where to save (the suggested file name in, the chosen path out, None when
        #: the user cancels); the platform's own dialog, replaced in tests.
        self.choose_save_path: PathChooser = self._ask_save_path

        layout = QVBoxLayout(self)
        self.text = QTextBrowser(self)
        self.text.setObjectName("reading_text")
        self.text.setOpenLinks(False)
        self.text.setTabChangesFocus(True)
        self.text.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByKeyboard
            | Qt.TextInteractionFlag.TextSelectableByMouse
        )
        self._text_label = add_labelled_control(layout, "", self.text, stretch=1)[0]
        row = QHBoxLayout()
        self.save_button = QPushButton(self)
        self.copy_button = QPushButton(self)
        self.read_button = QPushButton(self)
        self.next_button = QPushButton(self)
        self.close_button = QPushButton(self)
        handlers = (self.save, self.copy_all, self.read_from_here, self.next_page, self.close)
        buttons = (
            self.save_button,
            self.copy_button,
            self.read_button,
            self.next_button,
            self.close_button,
        )
        for button, handler, (key, _help) in zip(buttons, handlers, BUTTON_KEYS, strict=True):
            button.setAutoDefault(False)
            button.clicked.connect(handler)
            row.addWidget(button)
            if key != "Escape":  # Escape is the dialog's own (reject)
                action = QAction(self)
                action.setShortcut(QKeySequence(key))
                action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
                action.triggered.connect(handler)
                self.addAction(action)
        layout.addLayout(row)
        moves = (
            lambda: self.move_to_heading(forward=True),
            lambda: self.move_to_heading(forward=False),
            lambda: self.move_to_paragraph(forward=True),
            lambda: self.move_to_paragraph(forward=False),
        )
        for (key, _help), move in zip(MOVE_KEYS, moves, strict=True):
            action = QAction(self.text)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
            action.triggered.connect(move)
            self.text.addAction(action)
        self.set_texts()
        self.resize(720, 640)

    def set_texts(self) -> None:
        """Every word of the view, in the current language."""
        name = Path(self.document.source).name or self.document.source
        self.setWindowTitle(_("Document: {name}").format(name=name) if name else _("Document"))
        self._text_label.setText(_("&Document text"))
        self.text.setAccessibleName(_("Document text"))
        self.text.setAccessibleDescription(
            _("The document read, with its headings, lists and tables. Arrow keys move the caret.")
        )
        words = (
            _("&Save as..."),
            _("&Copy all"),
            _("&Read from here"),
            _("&Next page"),
            _("Close"),
        )
        buttons = (self.save_button, self.copy_button, self.read_button, self.next_button)
        for button, text, (_key, help_text) in zip(
            (*buttons, self.close_button), words, BUTTON_KEYS, strict=True
        ):
            button.setText(text)
            labelled_button(button, _(help_text))

    # --- the document ---------------------------------------------------------------------------

    def show_document(self, document: Document) -> None:
        """Show ``document``; shown again with pages added, the new pages are added at the
        end (the caret stays where it was, and a long document is not built again)."""
        numbered = is_numbered(document)
        if document is self.document and numbered == self._numbered and self._shown_pages:
            self._add_pages(document)
        else:
            same = document is self.document
            position = self.text.textCursor().position() if same else 0
            self.document = document
            self.text.setHtml(document_html(document))
            cursor = self.text.textCursor()
            cursor.setPosition(min(position, self.text.document().characterCount() - 1))
            self.text.setTextCursor(cursor)
            self.set_texts()
        self._numbered = numbered
        self._shown_pages = len(document.pages)
        if not self.isVisible():
            self.show()
            self.activateWindow()
            self.text.setFocus(Qt.FocusReason.OtherFocusReason)

    def _add_pages(self, document: Document) -> None:
        if self._shown_pages >= len(document.pages):
            return
        cursor = QTextCursor(self.text.document())
        cursor.movePosition(QTextCursor.MoveOperation.End)
        cursor.insertBlock(QTextBlockFormat(), QTextCharFormat())  # out of any list or table
        cursor.insertHtml(document_html(document, self._shown_pages))

    # --- the buttons ----------------------------------------------------------------------------

    def save(self) -> None:
        stem = Path(self.document.source).stem or _("Document")
        path = self.choose_save_path(stem)
        if path is None:
            return
        self._announcer.clear_status()
        if path.suffix.lower() != ".pdf":  # text and Markdown: a few ms for 200 pages
            self._saved(path, self._written(self.document, path))
            return
        if self._saving is not None:
            self._announcer.announce(_("Still saving {name}.").format(name=self._saving.name))
            return
        # a searchable PDF takes seconds (pictures to JPEG): written off the GUI thread, the
        # pages read so far (a next page added meanwhile goes in the next save)
        self._saving = path
        pages = dataclasses.replace(self.document, pages=list(self.document.pages))
        self._announcer.announce(_("Saving {name}…").format(name=path.name))
        threading.Thread(
            target=lambda: self._gui.call(self._saved, path, self._written(pages, path)),
            name="save-document",
            daemon=True,
        ).start()

    @staticmethod
    def _written(document: Document, path: Path) -> str | None:
        """Save ``document``; None, or the sentence that says why it could not be."""
        try:
            save_document(document, path)
        except ImageError as exc:
            return str(exc)
        return None

    def _saved(self, path: Path, failure: str | None) -> None:
        self._saving = None
        self._announcer.clear_status()
        if failure is not None:
            self._announcer.announce(failure, interrupt=True)
        else:
            self._announcer.announce(_("Saved as {name}.").format(name=path.name))

    def copy_all(self) -> None:
        if self.document.is_empty:
            self._announcer.clear_status()  # said again at each press, not only the first
            self._announcer.announce(_("Nothing to copy yet."))
            return
        QGuiApplication.clipboard().setText(document_text(self.document))
        self._announcer.clear_status()
        self._announcer.announce(_("Copied."))

    def read_from_here(self) -> None:
        """The app's own voice reads from the caret to the end, paragraph by paragraph."""
        cursor = QTextCursor(self.text.textCursor())
        cursor.clearSelection()
        cursor.movePosition(QTextCursor.MoveOperation.End, QTextCursor.MoveMode.KeepAnchor)
        parts = cursor.selectedText().replace("\n", "\u2029").split("\u2029")
        paragraphs = [part.strip() for part in parts if part.strip()]
        if not paragraphs:
            self._announcer.clear_status()
            self._announcer.announce(_("Nothing more to read."), interrupt=True)
            return
        self.reading_aloud = True
        for index, paragraph in enumerate(paragraphs):
            self._announcer.say_result(paragraph, first=index == 0)

    def next_page(self) -> None:
        self._next_page()

    # --- moving by heading and paragraph --------------------------------------------------------

    def move_to_heading(self, *, forward: bool) -> None:
        """The caret to the next (or previous) heading, which is said with its level."""
        block = self._next_block(forward, lambda b: b.blockFormat().headingLevel() > 0)
        self._announcer.clear_status()  # each press is said, the same words again too
        if block is None:
            self._announcer.announce(
                _("No next heading.") if forward else _("No previous heading."), interrupt=True
            )
            return
        self._announcer.announce(
            _("Heading {level}: {text}").format(
                level=block.blockFormat().headingLevel(), text=block.text().strip()
            ),
            interrupt=True,
        )

    def move_to_paragraph(self, *, forward: bool) -> None:
        """The caret to the start of the next (or previous) paragraph with text; a screen
        reader reads it there. At either end, the end is said."""
        cursor = self.text.textCursor()
        if not forward and not cursor.atBlockStart() and cursor.block().text().strip():
            cursor.movePosition(QTextCursor.MoveOperation.StartOfBlock)  # its own start first
            self.text.setTextCursor(cursor)
            return
        if self._next_block(forward, lambda b: True) is None:
            self._announcer.clear_status()
            self._announcer.announce(
                _("End of the document.") if forward else _("Start of the document."),
                interrupt=True,
            )

    def _next_block(self, forward: bool, wanted: Callable[[QTextBlock], bool]) -> QTextBlock | None:
        """The caret to the start of the first block with text after (or before) the
        caret's block that is ``wanted``; that block, or None (the caret stays)."""
        block = self.text.textCursor().block()
        block = block.next() if forward else block.previous()
        while block.isValid():
            if block.text().strip() and wanted(block):
                cursor = self.text.textCursor()
                cursor.setPosition(block.position())
                self.text.setTextCursor(cursor)
                self.text.ensureCursorVisible()
                return block
            block = block.next() if forward else block.previous()
        return None

    def reject(self) -> None:
        """Escape: stop reading aloud first; when not reading, close."""
        if self.reading_aloud:
            self.reading_aloud = False
            self._announcer.stop_speaking()
            # said, so that the press is heard when the reading had already ended
            self._announcer.clear_status()
            self._announcer.announce(_("Stopped."), interrupt=True)
            return
        super().reject()

    # --- the file dialog ------------------------------------------------------------------------

    def _ask_save_path(self, stem: str) -> Path | None:
        filters = [f"{_(name)} (*{suffix})" for name, suffix in _SAVE_KINDS]
        path, chosen = QFileDialog.getSaveFileName(
            self, _("Save document"), str(Path.home() / f"{stem}.txt"), ";;".join(filters)
        )
        if not path:
            return None
        result = Path(path)
        if result.suffix.lower() in {suffix for _name, suffix in _SAVE_KINDS}:
            return result
        suffix = next(
            (s for f, (_n, s) in zip(filters, _SAVE_KINDS, strict=True) if f == chosen), ""
        )
        result = result.with_name(result.name + (suffix or ".txt"))
        # the dialog asked before replacing the name typed, not this one with its ending
        if result.exists() and not self._confirm_replace(result):
            return None
        return result

    def _confirm_replace(self, path: Path) -> bool:
        answer = QMessageBox.question(
            self,
            _("Save document"),
            _("{name} already exists. Replace it?").format(name=path.name),
            QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
            QMessageBox.StandardButton.No,
        )
        return answer == QMessageBox.StandardButton.Yes
