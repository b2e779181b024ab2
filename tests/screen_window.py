"""A window of ours for the screen tests, run as its own program under Xvfb:

    python tests/screen_window.py --title T --words "KESTREL 4821" --at 0,0,600,300 --ready F
        [--field "FIELD WORDS"] [--clipboard "CLIPBOARD WORDS"] [--point-size 26]

It shows a white card with the words in large black letters at the given place and size,
and (with ``--field``) a line edit holding those words, which takes the keyboard focus.
With ``--clipboard`` it puts a picture of those words on the clipboard (and keeps it there
while it runs: on X11 the clipboard's owner serves it). When the window is shown it writes
JSON to the ``--ready`` file: the window's frame and the field's rectangle in screen pixels.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QFont, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QVBoxLayout, QWidget


def _words_picture(words: str) -> QImage:
    image = QImage(900, 200, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    painter = QPainter(image)
    painter.setPen(QColor("black"))
    painter.setFont(QFont("DejaVu Sans", 40))
    painter.drawText(image.rect(), int(Qt.AlignmentFlag.AlignCenter), words)
    painter.end()
    return image


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--title", required=True)
    parser.add_argument("--words", required=True)
    parser.add_argument("--at", required=True, help="X,Y,W,H")
    parser.add_argument("--ready", required=True, type=Path)
    parser.add_argument("--field")
    parser.add_argument("--clipboard")
    parser.add_argument("--point-size", type=int, default=26, help="the card's letters")
    args = parser.parse_args()
    x, y, width, height = (int(v) for v in args.at.split(","))

    app = QApplication(sys.argv[:1])
    window = QWidget()
    window.setWindowTitle(args.title)
    window.setStyleSheet("background: white; color: black;")
    layout = QVBoxLayout(window)
    card = QLabel(args.words)
    card.setFont(QFont("DejaVu Sans", args.point_size))
    card.setWordWrap(True)
    card.setAlignment(Qt.AlignmentFlag.AlignCenter)
    layout.addWidget(card)
    field = None
    if args.field:
        field = QLineEdit(args.field)
        field.setAccessibleName("Search")
        field.setFont(QFont("DejaVu Sans", 20))
        layout.addWidget(field)
    window.setGeometry(x, y, width, height)
    if args.clipboard:
        QGuiApplication.clipboard().setImage(_words_picture(args.clipboard))
    window.show()
    window.activateWindow()
    if field is not None:
        field.setFocus()

    def report() -> None:
        frame = window.frameGeometry()
        found: dict[str, list[int]] = {
            "window": [frame.x(), frame.y(), frame.width(), frame.height()]
        }
        if field is not None:
            corner = field.mapToGlobal(field.rect().topLeft())
            found["field"] = [corner.x(), corner.y(), field.width(), field.height()]
        args.ready.write_text(json.dumps(found))

    QTimer.singleShot(500, report)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main())
