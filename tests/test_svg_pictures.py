"""SVG drawings (a chart or a logo saved from a web page) open like any picture: drawn at a
size worth reading whatever size they claim, and never at a size that would exhaust memory."""

from __future__ import annotations

import gzip
import shutil
from pathlib import Path

import numpy as np
import pytest

from describe_app.cli import main
from describe_app.core.errors import ImageError
from describe_app.core.pictures.images import load_picture, picture_from_bytes
from describe_app.core.pictures.svg_pictures import SVG_SIDE, drawn_size, looks_like_svg

SIGN = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<svg xmlns="http://www.w3.org/2000/svg" {size}>'
    '<rect x="5" y="5" width="190" height="50" fill="none" stroke="#000" stroke-width="3"/>'
    '<text x="100" y="42" font-size="28" text-anchor="middle" font-family="sans-serif">'
    "Exit 24</text></svg>"
)


def sign(size: str = 'width="20mm" height="6mm" viewBox="0 0 200 60"') -> bytes:
    return SIGN.format(size=size).encode()


def dark_share(data: bytes) -> float:
    picture = picture_from_bytes(data, source="sign.svg")
    grey = np.asarray(picture.image.convert("L"))
    return float((grey < 128).mean())


def test_a_small_drawing_is_drawn_large_with_its_shape() -> None:
    picture = picture_from_bytes(sign(), source="sign.svg")
    width, height = picture.image.size
    assert max(width, height) >= 512  # a 20 mm sign, drawn big enough to read
    assert abs(width / height - 200 / 60) < 0.05
    assert 0.01 < dark_share(sign()) < 0.5  # its frame and its text, on white


def test_its_text_is_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "sign.svg"
    path.write_bytes(sign())
    assert main(["read", str(path)]) == 0
    assert "Exit 24" in capsys.readouterr().out


@pytest.mark.parametrize(
    "size",
    [
        'width="100000" height="100000"',  # resvg asked for this aborts the process
        'width="1" height="100000000"',
        'viewBox="0 0 1 1e9"',
        "",  # no size at all
        'width="50%" height="3em"',
    ],
)
def test_a_drawing_claiming_any_size_is_drawn_at_a_safe_one(size: str) -> None:
    width, height = drawn_size(sign(size))
    assert max(width, height) == SVG_SIDE and min(width, height) >= SVG_SIDE // 20
    # the process lives on: a picture, or one sentence (a page 1 px wide shows nothing)
    said = ""
    try:
        picture_from_bytes(sign(size), source="sign.svg")
    except ImageError as exc:
        said = str(exc)
    assert said in ("", "sign.svg is fully transparent: there is nothing in it to see.")


def test_a_compressed_drawing_opens(tmp_path: Path) -> None:
    path = tmp_path / "sign.svgz"
    path.write_bytes(gzip.compress(sign()))
    assert looks_like_svg(path.read_bytes())
    assert load_picture(path).image.size[0] >= 512


def test_a_damaged_drawing_is_one_sentence() -> None:
    with pytest.raises(ImageError, match=r"broken\.svg is damaged or incomplete"):
        picture_from_bytes(b'<svg xmlns="http://www.w3.org/2000/svg"><rect', source="broken.svg")


def test_text_that_only_mentions_svg_is_not_a_drawing() -> None:
    assert not looks_like_svg(b"This note is about <svg> files.")
    assert looks_like_svg(b"\xef\xbb\xbf\n  " + sign())


@pytest.mark.skipif(shutil.which("gs") is not None, reason="Ghostscript is installed here")
def test_a_postscript_picture_without_ghostscript_says_what_it_needs(tmp_path: Path) -> None:
    from PIL import Image

    path = tmp_path / "logo.eps"
    Image.new("RGB", (40, 20), "red").save(path)
    with pytest.raises(ImageError, match=r"logo\.eps is a PostScript picture.*Ghostscript"):
        load_picture(path)
