"""The "Screen" page of the settings: the keys that describe the screen from any program,
keeping Describe in the tray, and starting it with the desktop session.

Each key is typed as text ("Ctrl+Alt+Shift+D"; empty: no key). A key that is not one, or
has no Ctrl, Alt or Meta, that the desktop or the screen reader needs (Alt+Tab, Alt and a
letter), or that another field or a window action has, stops OK with one sentence; a key
another program holds is said under the fields (from the window's global keys), so it is
never lost silently.
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError
from PySide6.QtWidgets import QCheckBox, QFormLayout, QLabel, QLineEdit, QWidget

from describe_app.core.settings.schema import ScreenSettings
from describe_app.core.settings.shortcut_keys import normalize_key, reserved_reason
from describe_app.core.settings.shortcut_table import strip_mnemonic
from describe_app.qt.labelled import add_form_row, labelled_button
from describe_app.qt.translate import N_, _

#: The key fields: settings field, label (its mnemonic avoids the dialog's tab letters).
_KEY_FIELDS = (
    ("focus_key", N_("Describe the &focused object, from any program:")),
    ("screen_key", N_("Describe the whole sc&reen, from any program:")),
    ("text_key", N_("Read the screen's te&xt, from any program:")),
)


def _usable_key(field: str, text: str) -> str | None:
    """``text`` as the settings spell the key of ``field``; None when it is no usable key."""
    try:
        return str(getattr(ScreenSettings(**{field: text}), field))  # type: ignore[arg-type]
    except ValidationError:
        return None


def _taken_from_others(text: str) -> str | None:
    """Why the key typed would take a key that every program or the screen reader needs
    (Alt+Tab, Ctrl+Alt+N, Alt and a letter), or None."""
    try:
        key = normalize_key(text)
    except ValueError:
        return None
    reason = reserved_reason(key)
    if reason is not None:
        return reason
    head, _sep, name = key.rpartition("+")
    if head in ("Alt", "Alt+Shift") and len(name) == 1:
        return _(
            "{key} opens menus in other programs: add Ctrl or the Windows key, for example "
            "Ctrl+Alt+Shift+D."
        ).format(key=key)
    return None


def _field_name(label: str) -> str:
    """A key field's label as a name: no mnemonic, no colon."""
    return strip_mnemonic(_(label)).rstrip(": \u00a0")


class ScreenPage(QWidget):
    def __init__(
        self,
        screen: ScreenSettings,
        problems: Mapping[str, str] | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        form = QFormLayout(self)
        self.key_fields: dict[str, QLineEdit] = {}
        for field, label in _KEY_FIELDS:
            edit = QLineEdit(getattr(screen, field), self)
            edit.setPlaceholderText(_("No key"))
            add_form_row(
                form,
                _(label),
                edit,
                _("Type the key as text, for example Ctrl+Alt+Shift+D. Empty: no key."),
            )
            self.key_fields[field] = edit
        self.keep_in_tray = labelled_button(
            QCheckBox(_("&Keep running in the tray when the window is closed"), self),
            _("The keys above work only while Describe runs."),
        )
        self.keep_in_tray.setChecked(screen.keep_in_tray)
        form.addRow(self.keep_in_tray)
        self.start_with_session = labelled_button(
            QCheckBox(_("Start with the desktop sessio&n, in the tray"), self),
            _("Describe starts when you log in, so its keys work at once."),
        )
        self.start_with_session.setChecked(screen.start_with_session)
        form.addRow(self.start_with_session)
        said = list(dict.fromkeys((problems or {}).values()))
        self.message = QLabel(" ".join(said), self)
        self.message.setWordWrap(True)
        self.message.setAccessibleName(_("Keys that do not work"))
        self.message.setAccessibleDescription(self.message.text())
        form.addRow(self.message)

    def screen_settings(self, original: ScreenSettings) -> ScreenSettings:
        """The screen settings as the fields show them (a bad key keeps ``original``'s)."""
        keys = {}
        for field, edit in self.key_fields.items():
            key = _usable_key(field, edit.text())
            keys[field] = getattr(original, field) if key is None else key
        return ScreenSettings(
            **keys,
            keep_in_tray=self.keep_in_tray.isChecked(),
            start_with_session=self.start_with_session.isChecked(),
        )

    def global_keys(self) -> dict[str, str]:
        """The usable keys typed now: key -> what it does ("Describe the whole screen, from
        any program"), for the other pages' checks."""
        keys: dict[str, str] = {}
        for field, label in _KEY_FIELDS:
            key = _usable_key(field, self.key_fields[field].text())
            if key:
                keys.setdefault(key, _field_name(label))
        return keys

    def problem(self, window_keys: Mapping[str, str] | None = None) -> str | None:
        """What stops OK: a key field that holds no usable key, or a key that another field
        or a window action (``window_keys``: key -> action name) already has."""
        found = self._problem(window_keys or {})
        return None if found is None else found[1]

    def _problem(self, window_keys: Mapping[str, str]) -> tuple[QLineEdit, str] | None:
        seen: dict[str, str] = {}
        for field, label in _KEY_FIELDS:
            edit = self.key_fields[field]
            reason = _taken_from_others(edit.text())
            if reason is not None:
                return edit, reason
            key = _usable_key(field, edit.text())
            if key is None:
                return edit, _(
                    "{key} cannot be used from other programs: give a key with Ctrl, Alt or "
                    "the Windows key, for example Ctrl+Alt+Shift+D."
                ).format(key=edit.text().strip())
            other = seen.get(key) or window_keys.get(key)
            if key and other:
                return edit, _("{key} is already the key for {name}.").format(key=key, name=other)
            if key:
                seen[key] = _field_name(label)
        return None

    def show_problem(self, message: str, window_keys: Mapping[str, str] | None = None) -> None:
        self.message.setText(message)
        self.message.setAccessibleDescription(message)
        found = self._problem(window_keys or {})
        if found is not None:
            found[0].setFocus()
