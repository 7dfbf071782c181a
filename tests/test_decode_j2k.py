"""Lossless JPEG 2000, decoded by the plugin the workstation names for it, gives back exactly
the pixels that were encoded, for the pixel formats CT, MR and radiography write; and the
same pixels as the other OpenJPEG build we ship (pylibjpeg-openjpeg)."""

from __future__ import annotations

import io
import warnings

import numpy as np
import pytest
from pydicom import dcmread
from pydicom.pixels.decoders.base import get_decoder
from pydicom.uid import JPEG2000Lossless

from tests.dicom_builders import image_dataset
from workstation.imaging.decode import load
from workstation.imaging.decoders import plugin_for

pytestmark = pytest.mark.unit

FORMATS = {
    "ct signed 16": ("int16", 16, -1024, 3071),
    "ct signed 12 of 16": ("int16", 12, -2048, 2047),
    "mr unsigned 12 of 16": ("uint16", 12, 0, 4095),
    "dx unsigned 14 of 16": ("uint16", 14, 0, 16383),
    "us 8": ("uint8", 8, 0, 255),
}


def _encoded(name: str) -> tuple[bytes, np.ndarray]:
    dtype, stored, low, high = FORMATS[name]
    rng = np.random.default_rng(len(name))
    smooth = np.add.outer(np.arange(96), np.arange(80)) * (high - low) // 180 + low
    noise = rng.integers(-40, 40, size=smooth.shape, endpoint=True)
    pixels = np.clip(smooth + noise, low, high).astype(dtype)
    ds = image_dataset(pixels, bits_stored=stored, modality="CT")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.compress(JPEG2000Lossless, pixels, encoding_plugin="pylibjpeg")
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue(), pixels


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_lossless_jpeg_2000_gives_back_the_encoded_pixels(name: str) -> None:
    data, pixels = _encoded(name)
    image = load(io.BytesIO(data))
    assert image.pixels.dtype == pixels.dtype
    np.testing.assert_array_equal(image.pixels[0], pixels)


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_both_openjpeg_builds_agree(name: str) -> None:
    data, _ = _encoded(name)
    ds = dcmread(io.BytesIO(data))
    decoder = get_decoder(JPEG2000Lossless)
    ours, _ = decoder.as_array(ds, decoding_plugin=plugin_for(JPEG2000Lossless))
    other, _ = decoder.as_array(ds, decoding_plugin="pylibjpeg")
    assert plugin_for(JPEG2000Lossless) != "pylibjpeg"
    np.testing.assert_array_equal(ours, other)
