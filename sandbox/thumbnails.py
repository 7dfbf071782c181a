"""Rendered thumbnails for DICOMweb (`.../thumbnail`), made with pydicom's own VOI functions.

Deliberately independent of the workstation's pixel pipeline: the sandbox is another program.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
from PIL import Image
from pydicom import dcmread
from pydicom.pixels.processing import apply_modality_lut, apply_voi_lut, convert_color_space

from workstation.imaging import gdcm_jpeg

# pydicom decodes 12-bit JPEG Extended (the TS set's bone scan) only with this plugin: for
# thumbnails here and for transcoding in dicomweb_routes, which imports this module.
gdcm_jpeg.register()


def render_thumbnail(path: Path, *, size: int = 128, fmt: str = "JPEG") -> bytes:
    """An 8-bit thumbnail (longest side ``size`` px) of the first frame, in ``fmt`` (JPEG/PNG).

    Raises ValueError when the file has no decodable pixel data.
    """
    ds = dcmread(path)
    if "PixelData" not in ds:
        raise ValueError("instance has no pixel data")
    frames = int(getattr(ds, "NumberOfFrames", 1) or 1)
    pixels = ds.pixel_array
    if frames > 1:
        pixels = pixels[0]
    photometric = str(ds.PhotometricInterpretation)
    if getattr(ds, "SamplesPerPixel", 1) == 3:
        if photometric.startswith("YBR") and ds.file_meta.TransferSyntaxUID.is_compressed is False:
            pixels = convert_color_space(pixels, photometric, "RGB")
        rgb = np.asarray(pixels)
        if rgb.dtype != np.uint8:
            rgb = (rgb.astype(np.float64) / max(float(rgb.max()), 1.0) * 255).astype(np.uint8)
        image = Image.fromarray(rgb, "RGB")
    else:
        values = apply_modality_lut(pixels, ds)
        if "WindowCenter" in ds or "VOILUTSequence" in ds:
            values = apply_voi_lut(values, ds)
        values = np.asarray(values, dtype=np.float64)
        low, high = float(values.min()), float(values.max())
        grey = (
            np.zeros(values.shape, np.uint8)
            if high <= low
            else (np.clip((values - low) / (high - low) * 255.0, 0, 255).astype(np.uint8))
        )
        shape = str(ds.get("PresentationLUTShape", "") or "").strip().upper()
        if shape == "INVERSE" or (not shape and photometric == "MONOCHROME1"):
            grey = 255 - grey  # one inversion: an explicit shape decides, as DCMTK does
        image = Image.fromarray(grey, "L")
    image.thumbnail((size, size))
    out = io.BytesIO()
    image.save(out, format=fmt)
    return out.getvalue()
