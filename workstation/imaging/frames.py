"""Per-frame display attributes of an image: a frame's own values (Enhanced multi-frame
functional groups) where the file gives them, else the image's."""

from __future__ import annotations

from workstation.imaging.decode import DicomImage
from workstation.imaging.voi import Window


def _check(image: DicomImage, frame: int) -> None:
    if not 0 <= frame < image.frames:
        raise IndexError(f"frame {frame} of {image.frames}")


def frame_rescale(image: DicomImage, frame: int) -> tuple[float, float]:
    """Rescale slope and intercept of one frame (modality value = stored × slope + intercept).

    Raises IndexError for a frame outside 0 … frames − 1.
    """
    _check(image, frame)
    if image.frame_rescales is not None:
        return image.frame_rescales[frame]
    return image.rescale_slope, image.rescale_intercept


def frame_windows(image: DicomImage, frame: int) -> tuple[Window, ...]:
    """The file's VOI windows for one frame, in modality units; empty when it has none.

    Raises IndexError for a frame outside 0 … frames − 1.
    """
    _check(image, frame)
    if image.frame_windows is not None:
        return image.frame_windows[frame]
    return image.windows


def frame_position(image: DicomImage, frame: int) -> tuple[float, float, float] | None:
    """Patient position (mm, LPS) of one frame's first pixel; None without geometry.

    Frames of an image without per-frame positions share the image's position.
    Raises IndexError for a frame outside 0 … frames − 1.
    """
    _check(image, frame)
    if image.frame_positions is not None:
        return image.frame_positions[frame]
    return image.position


def frame_orientation(
    image: DicomImage, frame: int
) -> tuple[float, float, float, float, float, float] | None:
    """Image Orientation (Patient) of one frame: its own (Enhanced multi-frame Plane
    Orientation per frame) else the image's; None without geometry.

    Raises IndexError for a frame outside 0 … frames − 1.
    """
    _check(image, frame)
    if image.frame_orientations is not None:
        return image.frame_orientations[frame]
    return image.orientation
