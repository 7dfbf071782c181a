"""Which decoder reads each compressed transfer syntax: named, so the frozen build and the
tests decode with the same library whatever else is installed, and none of them is GPL.

- JPEG baseline, extended (incl. 12-bit) and lossless: GDCM (BSD; IJG's libjpeg inside, as
  in DCMTK) through workstation.imaging.gdcm_jpeg.
- JPEG-LS: CharLS through pyjpegls (BSD).
- JPEG 2000 lossless: GDCM's OpenJPEG (BSD): the same pixels as pylibjpeg-openjpeg, decoded
  in 30 ms instead of 46 for a 512² CT slice (`python -m bench.bench_decode`).
- JPEG 2000 (lossy) and HTJ2K: OpenJPEG through pylibjpeg-openjpeg (MIT; OpenJPEG BSD-2);
  for lossy JPEG 2000 it was the faster of the two (55–77 ms against GDCM's 111–115 ms for a
  1500×1250 radiograph).
- RLE: pylibjpeg-rle (MIT).
"""

from __future__ import annotations

from pydicom.uid import (
    JPEG2000,
    UID,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    RLELossless,
)

from workstation.imaging import gdcm_jpeg

HTJ2K_SYNTAXES = (
    UID("1.2.840.10008.1.2.4.201"),
    UID("1.2.840.10008.1.2.4.202"),
    UID("1.2.840.10008.1.2.4.203"),
)
PLUGINS: dict[str, str] = {
    JPEGBaseline8Bit: gdcm_jpeg.PLUGIN,
    JPEGExtended12Bit: gdcm_jpeg.PLUGIN,
    JPEGLossless: gdcm_jpeg.PLUGIN,
    JPEGLosslessSV1: gdcm_jpeg.PLUGIN,
    JPEGLSLossless: "pyjpegls",
    JPEGLSNearLossless: "pyjpegls",
    JPEG2000Lossless: "gdcm",  # pydicom's own GDCM plugin
    JPEG2000: "pylibjpeg",
    **dict.fromkeys(HTJ2K_SYNTAXES, "pylibjpeg"),
    RLELossless: "pylibjpeg",
}


def plugin_for(syntax: UID) -> str:
    """The pydicom decoding plugin label for pixel data in ``syntax``; "" for a syntax not
    listed (pydicom then tries what it has). Registers the GDCM JPEG plugin when needed."""
    plugin = PLUGINS.get(syntax, "")
    if plugin == gdcm_jpeg.PLUGIN:
        gdcm_jpeg.register()
    return plugin
