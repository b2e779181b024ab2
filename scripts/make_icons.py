"""Render resources/icons/describe.svg to PNGs (16 to 512 px) with Qt's SVG renderer.

    .venv/bin/python scripts/make_icons.py

Writes resources/icons/describe-SIZE.png for every size in SIZES, describe.ico (Windows)
and describe.icns (macOS), several sizes in one file each, through Pillow. Run it after
editing the SVG; the PNGs are committed so that builds need no renderer.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ICONS = Path(__file__).resolve().parent.parent / "resources" / "icons"
SVG = ICONS / "describe.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)


def png_path(size: int) -> Path:
    return ICONS / f"describe-{size}.png"


def render(sizes: tuple[int, ...] = SIZES) -> list[Path]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    app = QGuiApplication.instance() or QGuiApplication([sys.argv[0]])
    renderer = QSvgRenderer(str(SVG))
    if not renderer.isValid():
        raise SystemExit(f"{SVG} is not a valid SVG picture.")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        renderer.render(painter)
        painter.end()
        if not image.save(str(png_path(size))):
            raise SystemExit(f"Could not write {png_path(size)}.")
        written.append(png_path(size))
    del app
    return written


def write_ico_and_icns() -> list[Path]:
    from PIL import Image

    ico, icns = ICONS / "describe.ico", ICONS / "describe.icns"
    with Image.open(png_path(max(ICO_SIZES))) as biggest:
        biggest.save(ico, sizes=[(s, s) for s in ICO_SIZES])
    with Image.open(png_path(512)) as biggest:
        biggest.save(icns)
    return [ico, icns]


def main() -> int:
    written = [*render(), *write_ico_and_icns()]
    for path in written:
        print(path.relative_to(ICONS.parent.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
