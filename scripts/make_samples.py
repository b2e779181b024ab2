"""Make the sample pictures in resources/samples/ (run once; the results are committed).

coffee.jpg: scikit-image's "coffee" photograph (CC0, Rachel Michetti).
notice.jpg: the same photograph with a printed notice laid on it, for the text reader.
"""

from __future__ import annotations

from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from skimage import data

OUT = Path(__file__).resolve().parent.parent / "resources" / "samples"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    photo = Image.fromarray(data.coffee())
    photo.save(OUT / "coffee.jpg", quality=88)
    notice = photo.copy()
    draw = ImageDraw.Draw(notice)
    draw.rectangle((330, 40, 590, 200), fill=(245, 243, 236))
    font = ImageFont.load_default(size=34)
    for i, line in enumerate(("OPEN 8 TO 6", "Tea 2.50", "Coffee 3.00")):
        draw.text((345, 50 + i * 48), line, fill=(20, 20, 20), font=font)
    notice.save(OUT / "notice.jpg", quality=88)


if __name__ == "__main__":
    main()
