"""JPEG (ISO/IEC 10918-1: baseline, extended incl. 12-bit, lossless) through GDCM, as a
pydicom decoder plugin.

GDCM (BSD) carries IJG's 8-, 12- and 16-bit libjpeg builds, as DCMTK does. pydicom's own GDCM
plugin refuses 12-bit JPEG Extended, and hands GDCM the header's pixel format as it is:
GDCM then throws an uncaught C++ exception (the process aborts) when 8 bits are allocated
but fewer stored. This plugin gives GDCM only formats it accepts and leaves the rest to
pydicom's runner (frames, signed values, unused high bits, YCbCr → RGB). It follows pydicom's
plugin contract: ``is_available``, ``DECODER_DEPENDENCIES`` and a frame function.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from pydicom import uid
from pydicom.pixels.decoders.base import (
    JPEGBaseline8BitDecoder,
    JPEGExtended12BitDecoder,
    JPEGLosslessDecoder,
    JPEGLosslessSV1Decoder,
)

# GDCM is imported on first use: its 40 MB of libraries cost a third of a second at start.
HAVE_GDCM = importlib.util.find_spec("gdcm") is not None

PLUGIN = "gdcm-jpeg"
_SYNTAXES = (uid.JPEGBaseline8Bit, uid.JPEGExtended12Bit, uid.JPEGLossless, uid.JPEGLosslessSV1)
DECODER_DEPENDENCIES = dict.fromkeys(_SYNTAXES, ("python-gdcm>=3.0",))
_DECODERS = (
    JPEGBaseline8BitDecoder,
    JPEGExtended12BitDecoder,
    JPEGLosslessDecoder,
    JPEGLosslessSV1Decoder,
)


def is_available(syntax: str) -> bool:
    """True when GDCM is importable and ``syntax`` is a JPEG one (pydicom's contract)."""
    return HAVE_GDCM and syntax in DECODER_DEPENDENCIES


def decode_frame(src: bytes, runner: Any) -> bytes:
    """One decoded JPEG frame: ``rows × columns × samples`` values of ``bits_allocated``
    (8 or 16) bits, little-endian, colour by pixel. ``runner`` is pydicom's DecodeRunner.
    Raises ValueError for a pixel format JPEG cannot hold, RuntimeError when GDCM cannot
    decode the frame."""
    import gdcm

    allocated = int(runner.bits_allocated)
    stored = int(runner.bits_stored)
    samples = int(runner.samples_per_pixel)
    if allocated not in (8, 16) or not 1 <= stored <= allocated or samples not in (1, 3):
        raise ValueError(
            f"JPEG cannot hold {samples} sample(s) of {stored} bits in {allocated} allocated"
        )
    fragment = gdcm.Fragment()
    fragment.SetByteStringValue(src)
    fragments = gdcm.SequenceOfFragments.New()
    fragments.AddFragment(fragment)
    element = gdcm.DataElement(gdcm.Tag(0x7FE0, 0x0010))
    element.SetValue(fragments.__ref__())

    image = gdcm.Image()
    image.SetNumberOfDimensions(2)
    image.SetDimensions((runner.columns, runner.rows, 1))
    image.SetDataElement(element)
    kind = gdcm.PhotometricInterpretation.GetPIType(runner.photometric_interpretation)
    image.SetPhotometricInterpretation(gdcm.PhotometricInterpretation(kind))
    if samples > 1:
        image.SetPlanarConfiguration(runner.planar_configuration)
    syntax = gdcm.TransferSyntax.GetTSType(str.__str__(runner.transfer_syntax))
    image.SetTransferSyntax(gdcm.TransferSyntax(syntax))
    # GDCM asserts that 8 allocated bits are all stored; the runner masks the unused ones.
    precision = 8 if allocated == 8 else stored
    image.SetPixelFormat(
        gdcm.PixelFormat(
            samples, allocated, precision, precision - 1, int(runner.pixel_representation)
        )
    )
    buffer = image.GetBuffer()  # raw bytes as a Python str; None when decoding failed
    if buffer is None:
        raise RuntimeError("GDCM could not decode the JPEG frame")
    frame: bytes = buffer.encode("utf-8", "surrogateescape")
    expected = runner.rows * runner.columns * samples * (allocated // 8)
    if len(frame) != expected:
        raise RuntimeError(f"GDCM decoded {len(frame)} bytes, {expected} expected")
    return frame


def register() -> None:
    """Add this plugin to pydicom's four JPEG decoders, once (pydicom's registry is
    process-wide; later calls do nothing)."""
    for decoder in _DECODERS:
        if PLUGIN not in {*decoder._available, *decoder._unavailable}:
            decoder.add_plugin(PLUGIN, (__name__, "decode_frame"))
