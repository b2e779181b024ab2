"""Copies of a frame that the code reader's second look reads when the first read nothing:
a frame taken out of focus made sharp again (:func:`deblurred`), and the differently
processed copies of a cut-out that a product number read from a processed copy must also
give (:func:`confirming_copies`).

A camera out of focus spreads each module of a code over its neighbours; with modules of
3 pixels and a blur of 2 pixels (Gaussian sigma) nothing is left that zxing-cpp can see.
Unsharp masking (the second look's sharpening) takes back about half a module of blur;
a Wiener filter, which divides the blur out of the frame's spectrum where the frame is
stronger than its noise, takes back more: a QR code or a Data Matrix blurred by 2 pixels
on 3-pixel modules is read again.

Sharpening and deblurring also make ringing, and ringing can turn one bar of an EAN or
UPC code into another: an EAN-8 was read as 96381014 instead of 96385074 from a
sharpened frame, and the one check digit passed. So a product number read from a
processed copy is said only when another, differently processed copy of the same place
gives the same number (the first of them that gives one; see ``codes._confirmed``).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any

log = logging.getLogger(__name__)

#: The blurs the deblurred look divides out, one a frame in turn: (sigma of a Gaussian, in
#: pixels; the Wiener filter's noise-to-signal share: the smaller, the more it sharpens,
#: and the more it makes grain and JPEG blocks stronger). The first reads QR and Data
#: Matrix codes of 3-pixel modules blurred by 1.5 to 2 pixels (6 of 6 in a sweep, 3 with
#: a share of 0.003; unsharp masking 0); the second, gentle, QR codes that unsharp masking
#: missed under a blur of 1 to 1.5 pixels with JPEG, grain, a curve or light on dark (6 of
#: 8 such frames); the third codes of 4-pixel modules blurred by 3 (6 of 6, 5 with 0.001).
#: A code held in the live view is seen in several frames, so each is tried within three
#: quarters of a second; a photo, read once, gets the first.
DEBLURS = ((2.0, 0.001), (1.0, 0.01), (2.8, 0.0005))


def deblurred(grey: Any, sigma: float = DEBLURS[0][0], noise: float = DEBLURS[0][1]) -> Any:
    """``grey`` (uint8) with a Gaussian blur of ``sigma`` pixels divided out by a Wiener
    filter (OpenCV's DFT, float32: about 15 ms at 640x480); uint8 again."""
    import cv2
    import numpy as np

    height, width = grey.shape[:2]
    rows, cols = cv2.getOptimalDFTSize(height), cv2.getOptimalDFTSize(width)
    # reflected at the far sides, so the frame's edges make no ringing of their own
    padded = cv2.copyMakeBorder(
        np.asarray(grey, dtype=np.float32), 0, rows - height, 0, cols - width, cv2.BORDER_REFLECT
    )
    spectrum = cv2.dft(padded, flags=cv2.DFT_COMPLEX_OUTPUT)
    fy = np.fft.fftfreq(rows).astype(np.float32)[:, None]
    fx = np.fft.fftfreq(cols).astype(np.float32)[None, :]
    blur = np.exp(-2.0 * np.pi**2 * sigma**2 * (fx * fx + fy * fy)).astype(np.float32)
    spectrum *= (blur / (blur * blur + noise))[..., None]
    sharp = cv2.idft(spectrum, flags=cv2.DFT_SCALE | cv2.DFT_REAL_OUTPUT)[:height, :width]
    return np.ascontiguousarray(np.clip(sharp, 0, 255).astype(np.uint8))


def confirming_copies(cut: Any, scale: float = 1.0) -> Iterator[Any]:
    """Copies of ``cut`` (a part of a frame, uint8; ``scale`` times the frame's size)
    processed in other ways than the second look's, made one by one: as it is, with its
    light evened out, a little sharpened, deblurred by three amounts (1.3 to 2 pixels of
    the frame's blur), and twice as large where it is not enlarged already."""
    import cv2
    import numpy as np

    cut = np.ascontiguousarray(cut)
    yield cut
    # the light evened out (each pixel over the mean about it): a shadow's edge across the
    # bars, which unsharp masking evens too, and the plain copy does not
    light = cv2.GaussianBlur(cut.astype(np.float32), (0, 0), 8.0 * scale)
    even = np.clip(cut.astype(np.float32) / np.maximum(light, 1.0) * 160.0, 0, 255)
    yield np.ascontiguousarray(even.astype(np.uint8))
    soft = cv2.GaussianBlur(cut, (0, 0), scale)
    yield np.ascontiguousarray(cv2.addWeighted(cut, 2.5, soft, -1.5, 0))
    if min(cut.shape[:2]) >= 16:
        yield deblurred(cut, 1.3 * scale, 0.003)
        yield deblurred(cut, 1.5 * scale, 0.01)
        yield deblurred(cut, 2.0 * scale, 0.003)
    if scale == 1.0:
        yield cv2.resize(cut, None, fx=2, fy=2, interpolation=cv2.INTER_CUBIC)
