"""Reducing an image to screen resolution once per slice and zoom, so that window/level
changes only re-map as many pixels as the screen shows."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


def screen_factor(image_pixels: float, screen_pixels: float) -> int:
    """How many image pixels fall on one screen pixel (≥ 1, whole number)."""
    if screen_pixels <= 0:
        return 1
    return max(1, int(image_pixels // screen_pixels))


def area_downsample(pixels: npt.NDArray[np.generic], factor: int) -> npt.NDArray[np.float32]:
    """Mean over factor×factor blocks (area averaging, no aliasing of fine detail); the last
    partial row/column blocks are averaged over what they hold. factor 1 returns a float32
    copy-free view where possible."""
    if factor <= 1:
        return np.asarray(pixels, dtype=np.float32)
    rows, cols = pixels.shape[:2]
    pad_r, pad_c = (-rows) % factor, (-cols) % factor
    data = np.asarray(pixels, dtype=np.float32)
    if pad_r or pad_c:
        data = np.pad(data, ((0, pad_r), (0, pad_c)), mode="edge")
    r, c = data.shape[0] // factor, data.shape[1] // factor
    blocks: npt.NDArray[np.float32] = data.reshape(r, factor, c, factor).mean(
        axis=(1, 3), dtype=np.float32
    )
    return blocks


def reduce_stored(pixels: npt.NDArray[np.generic], factor: int) -> npt.NDArray[np.generic]:
    """``area_downsample`` of stored values, rounded back to the stored dtype so that the
    display chain's lookup table still applies; the pixels themselves for factor 1."""
    if factor <= 1:
        return pixels
    means = np.rint(area_downsample(pixels, factor))
    if pixels.dtype.kind in "ui":
        info = np.iinfo(pixels.dtype.type)  # type: ignore[type-var]
        means = np.clip(means, info.min, info.max)
    return means.astype(pixels.dtype)


def reduce_mask(mask: npt.NDArray[np.bool_], factor: int) -> npt.NDArray[np.bool_]:
    """A bit mask at screen resolution: a block is set when any of its pixels is (thin
    overlay lines stay visible when zoomed out)."""
    if factor <= 1:
        return mask
    rows, cols = mask.shape
    pad_r, pad_c = (-rows) % factor, (-cols) % factor
    padded = np.pad(mask, ((0, pad_r), (0, pad_c)))
    r, c = padded.shape[0] // factor, padded.shape[1] // factor
    return np.asarray(padded.reshape(r, factor, c, factor).any(axis=(1, 3)), dtype=bool)
