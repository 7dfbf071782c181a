"""YBR_FULL and YBR_FULL_422 to RGB (PS3.3 C.7.6.3.1.2: ITU-R BT.601 full range), with
DCMTK's arithmetic so that colour images match the project's reference exactly.

DCMTK centres the chroma at half the maximum (127.5 for 8 bits) and truncates toward zero:
for 8-bit YBR_FULL each product is truncated in a table before the sum, for YBR_FULL_422
and deeper samples the sum is truncated once. Both stay within 2 levels of the unrounded
BT.601 value; pydicom's float conversion rounds and differs from DCMTK by up to 2.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

# R = Y + 1.402 Cr − 0.701 max; G = Y − 0.3441 Cb − 0.7141 Cr + 0.5291 max;
# B = Y + 1.772 Cb − 0.8859 max (max = 2**bits − 1: 0.701 max = 1.402 × max / 2, …).
_CR_R, _CB_G, _CR_G, _CB_B = 1.4020, 0.3441, 0.7141, 1.7720
_R0, _G0, _B0 = 0.7010, 0.5291, 0.8859


def _tables_8bit() -> tuple[npt.NDArray[np.int32], ...]:
    """DCMTK's 8-bit YBR_FULL tables: each product truncated toward zero."""
    v = np.arange(256, dtype=np.float64)
    top = 255.0
    return tuple(
        np.trunc(t).astype(np.int32)
        for t in (_CR_R * v - _R0 * top, _CB_G * v, _CR_G * v - _G0 * top, _CB_B * v - _B0 * top)
    )


_TABLES = _tables_8bit()


def _frame_from_tables(ybr: npt.NDArray[np.uint8]) -> npt.NDArray[np.uint8]:
    rcr, gcb, gcr, bcb = _TABLES
    y = ybr[..., 0].astype(np.int32)
    cb, cr = ybr[..., 1], ybr[..., 2]
    rgb = np.stack([y + rcr[cr], y - gcb[cb] - gcr[cr], y + bcb[cb]], axis=-1)
    return np.clip(rgb, 0, 255).astype(np.uint8)


def _frame_from_formula(ybr: npt.NDArray[np.integer], top: int) -> npt.NDArray[np.integer]:
    y, cb, cr = (ybr[..., i].astype(np.float64) for i in range(3))
    r = y + _CR_R * cr - _R0 * top
    g = y - _CB_G * cb - _CR_G * cr + _G0 * top
    b = y + _CB_B * cb - _B0 * top
    rgb = np.clip(np.trunc(np.stack([r, g, b], axis=-1)), 0, top)
    return rgb.astype(ybr.dtype)


def ybr_to_rgb(
    ybr: npt.NDArray[np.integer], bits: int, subsampled: bool
) -> npt.NDArray[np.integer]:
    """RGB of unsigned YCbCr samples ([frames ×] rows × columns × 3, chroma already
    repeated for 4:2:2), in the same dtype.

    ``bits``: bits per sample (Bits Stored); ``subsampled``: the file said YBR_FULL_422.
    Works frame by frame so temporaries stay one frame large.
    """
    out = np.empty_like(ybr)
    frames = ybr.reshape(-1, *ybr.shape[-3:])
    target = out.reshape(frames.shape)
    top = 2**bits - 1
    tables = bits == 8 and ybr.dtype == np.uint8 and not subsampled
    for i, frame in enumerate(frames):
        target[i] = _frame_from_tables(frame) if tables else _frame_from_formula(frame, top)
    return out
