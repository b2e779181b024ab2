"""LFM2-VL's picture processor in NumPy and PIL, so the family runs without torchvision.

In transformers 5.25 LFM2-VL's image processor exists only in its torchvision form.
Describe shows a model one picture at a time and never tiles it, so this is that processor
for one view: the picture keeps its shape, scaled so each side is a multiple of 32 px and it
gives between ``min_image_tokens`` and ``max_image_tokens`` image tokens (the model folder's
own limits; 640x480 becomes 576x416, 234 tokens), normalized, cut into 16 px patches, padded
to ``4 * max_image_tokens`` patches with a mask, and its patch grid (``spatial_shapes``).
Compared with the torchvision form on 640x480, 480x640, 1920x1080, 100x100 and 3000x200
pictures: the same shapes, masks and token counts; pixel values differ by at most two steps
of 8 bits (0.0157 after normalizing), in 0-2.2 % of the values (PIL and torchvision round a
scaled picture differently).

This module imports transformers: import it lazily, where a model is loaded.
"""

from __future__ import annotations

import logging
import math
from pathlib import Path
from typing import Any

import numpy as np
from PIL import Image
from transformers import AutoTokenizer, Lfm2VlProcessor
from transformers.image_processing_backends import PilBackend
from transformers.image_processing_utils import BatchFeature
from transformers.image_utils import (
    IMAGENET_STANDARD_MEAN,
    IMAGENET_STANDARD_STD,
    PILImageResampling,
)
from transformers.processing_utils import ImagesKwargs, Unpack

from describe_app.core.describe.local.family_processors import _chat_template


class Lfm2VlPictureKwargs(ImagesKwargs, total=False):
    """The options of LFM2-VL's image processor (tiling ones are read and ignored)."""

    downsample_factor: int
    do_image_splitting: bool
    min_tiles: int
    max_tiles: int
    use_thumbnail: bool
    min_image_tokens: int
    max_image_tokens: int
    encoder_patch_size: int
    tile_size: int
    max_pixels_tolerance: float
    return_row_col_info: bool


def view_size(
    height: int, width: int, *, patch: int, downsample: int, min_tokens: int, max_tokens: int
) -> tuple[int, int]:
    """(height, width) of the one view of a picture: LFM2-VL's ``smart_resize``."""
    factor = patch * downsample
    min_pixels = min_tokens * factor**2
    max_pixels = max_tokens * factor**2
    h_bar = max(factor, round(height / factor) * factor)
    w_bar = max(factor, round(width / factor) * factor)
    if h_bar * w_bar > max_pixels:
        beta = math.sqrt((height * width) / max_pixels)
        h_bar = max(factor, math.floor(height / beta / factor) * factor)
        w_bar = max(factor, math.floor(width / beta / factor) * factor)
    elif h_bar * w_bar < min_pixels:
        beta = math.sqrt(min_pixels / (height * width))
        h_bar = math.ceil(height * beta / factor) * factor
        w_bar = math.ceil(width * beta / factor) * factor
    return h_bar, w_bar


class Lfm2VlPictureProcessor(PilBackend):
    """LFM2-VL's image processor for one view per picture, without torchvision."""

    downsample_factor = 2
    do_image_splitting = False
    min_tiles = 2
    max_tiles = 10
    use_thumbnail = True
    min_image_tokens = 64
    max_image_tokens = 256
    encoder_patch_size = 16
    tile_size = 512
    max_pixels_tolerance = 2.0
    do_resize = True
    size = {"height": 512, "width": 512}  # noqa: RUF012 (as transformers declares it)
    resample = PILImageResampling.BILINEAR
    do_rescale = True
    rescale_factor = 1 / 255
    do_normalize = True
    do_pad = True
    return_row_col_info = False
    image_mean = IMAGENET_STANDARD_MEAN
    image_std = IMAGENET_STANDARD_STD
    valid_kwargs = Lfm2VlPictureKwargs
    model_input_names = ["pixel_values", "pixel_attention_mask", "spatial_shapes"]  # noqa: RUF012

    def __init__(self, **kwargs: Unpack[Lfm2VlPictureKwargs]) -> None:
        super().__init__(**kwargs)  # type: ignore[misc]  # its own options, as the stock one

    def _preprocess(  # type: ignore[override]
        self,
        images: list[np.ndarray],
        *,
        rescale_factor: float,
        image_mean: list[float],
        image_std: list[float],
        downsample_factor: int,
        min_image_tokens: int,
        max_image_tokens: int,
        encoder_patch_size: int,
        return_row_col_info: bool,
        return_tensors: Any,
        **_unused: Any,
    ) -> BatchFeature:
        patch = encoder_patch_size
        longest = max_image_tokens * downsample_factor**2  # patches of the largest view
        scale = np.float32(rescale_factor)
        mean = (np.asarray(image_mean, dtype=np.float32) / scale)[:, None, None]
        std = (np.asarray(image_std, dtype=np.float32) / scale)[:, None, None]
        pixels, masks, shapes, sizes = [], [], [], []
        for image in images:  # channels first, 8 bits
            height, width = view_size(
                image.shape[1],
                image.shape[2],
                patch=patch,
                downsample=downsample_factor,
                min_tokens=min_image_tokens,
                max_tokens=max_image_tokens,
            )
            picture = Image.fromarray(np.ascontiguousarray(np.moveaxis(image, 0, -1)))
            view = np.asarray(picture.resize((width, height), Image.Resampling.BILINEAR))
            normalized = (np.moveaxis(view, -1, 0).astype(np.float32) - mean) / std
            rows, cols = height // patch, width // patch
            patches = normalized.reshape(-1, rows, patch, cols, patch)
            patches = patches.transpose(1, 3, 2, 4, 0).reshape(rows * cols, -1)
            padded = np.zeros((longest, patches.shape[1]), dtype=np.float32)
            padded[: len(patches)] = patches
            mask = np.zeros(longest, dtype=np.int32)
            mask[: len(patches)] = 1
            pixels.append(padded)
            masks.append(mask)
            shapes.append([rows, cols])
            sizes.append([height, width])
        data: dict[str, Any] = {
            "pixel_values": np.stack(pixels),
            "pixel_attention_mask": np.stack(masks),
            "spatial_shapes": np.asarray(shapes, dtype=np.int64),
        }
        if return_row_col_info:
            data["image_rows"] = [1] * len(images)
            data["image_cols"] = [1] * len(images)
            data["image_sizes"] = sizes
        return BatchFeature(data=data, tensor_type=return_tensors)

    def _get_split_layout(
        self, height: int, width: int, **options: Any
    ) -> tuple[bool, int, int, int, int]:
        """Never split: one view (the processor counts image tokens with this)."""
        new_height, new_width = view_size(
            height,
            width,
            patch=options["encoder_patch_size"],
            downsample=options["downsample_factor"],
            min_tokens=options["min_image_tokens"],
            max_tokens=options["max_image_tokens"],
        )
        return False, 1, 1, new_height, new_width

    def to_dict(self) -> dict[str, Any]:
        stored = super().to_dict()
        stored["image_processor_type"] = "Lfm2VlImageProcessor"  # loadable by the stock one
        return stored


class PictureOnlyLfm2VlProcessor(Lfm2VlProcessor):
    """LFM2-VL's processor with :class:`Lfm2VlPictureProcessor` as its image processor."""

    def check_argument_for_proper_class(self, argument_name: str, argument: Any) -> Any:
        if argument_name == "image_processor" and isinstance(argument, Lfm2VlPictureProcessor):
            return Lfm2VlPictureProcessor
        return super().check_argument_for_proper_class(argument_name, argument)


def load_lfm2_vl_processor(path: Path) -> PictureOnlyLfm2VlProcessor:
    """The processor stored in ``path``, with the picture processor of this module."""
    # LFM2's short convolutions announce, once, that the CUDA-only causal_conv1d kernel is
    # missing and they use their reference code: on a CPU that is the only path, and the
    # line on the terminal would be read out to the user as if something were wrong.
    logging.getLogger("transformers.integrations.hub_kernels").setLevel(logging.ERROR)
    image_processor = Lfm2VlPictureProcessor.from_pretrained(path)
    tokenizer = AutoTokenizer.from_pretrained(path)
    return PictureOnlyLfm2VlProcessor(
        image_processor=image_processor,
        tokenizer=tokenizer,
        chat_template=_chat_template(path) or getattr(tokenizer, "chat_template", None),
    )
