"""The picture of the paper: read from an image file or a PDF, turned and cropped as she
set it, and downscaled for upload (the file she picked is left as it was).

Pillow reads the images, pypdfium2 renders PDF pages (both already shipped)."""

from __future__ import annotations

import io
import math
import warnings
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILE_BYTES = 60 * 1024 * 1024  # a phone photo or a multi-page scan is far below
MAX_PIXELS = 120_000_000  # decoded size; beyond it a file is a mistake or an attack
MAX_SIDE = 20_000  # px: a PDF page is drawn no longer than this on either side
MAX_ASPECT = 50.0  # a page longer than this many times its width is not a report
UPLOAD_LONG_SIDE = 2400  # px: the print stays legible, the upload stays small
THUMBNAIL_LONG_SIDE = 480
PDF_DPI = 200
JPEG_QUALITY = 85


class ImageProblem(Enum):
    """Why a file cannot be used as the picture of the paper."""

    EMPTY = "empty"
    TOO_BIG = "too_big"  # the file, or its decoded pixels
    ODD_SHAPE = "odd_shape"  # a PDF page far longer than it is wide (over MAX_ASPECT)
    UNREADABLE = "unreadable"


class UnreadableImage(ValueError):
    """The file is not a picture we can use; ``problem`` says why."""

    def __init__(self, problem: ImageProblem) -> None:
        super().__init__(problem.value)
        self.problem = problem


@dataclass(frozen=True)
class PreparedImage:
    """The picture as it is uploaded and shown: JPEG bytes and their size in pixels."""

    jpeg: bytes
    width: int
    height: int
    downscaled: bool  # True when it was shrunk to the long side (a PDF page is drawn to it)


def is_pdf(data: bytes) -> bool:
    """Whether ``data`` starts like a PDF file."""
    return data[:5] == b"%PDF-"


def page_count(data: bytes) -> int:
    """Pages of a PDF (1 for an image). Raises UnreadableImage."""
    if not is_pdf(data):
        return 1
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableImage(ImageProblem.UNREADABLE) from exc
    try:
        return len(document)
    finally:
        document.close()


def read_picture_file(path: Path) -> bytes:
    """The bytes of the file she picked, its size checked before it is read. Raises
    UnreadableImage (TOO_BIG over MAX_FILE_BYTES), OSError when it cannot be read."""
    if path.stat().st_size > MAX_FILE_BYTES:
        raise UnreadableImage(ImageProblem.TOO_BIG)
    with path.open("rb") as file:
        data = file.read(MAX_FILE_BYTES + 1)  # it may have grown since
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableImage(ImageProblem.TOO_BIG)
    return data


def _pixels(width: float, height: float, scale: float) -> tuple[int, int]:
    # As pypdfium2 sizes the bitmap; pdfium makes every side at least 1 px.
    return max(1, math.ceil(width * scale)), max(1, math.ceil(height * scale))


def _scale(width: float, height: float, long_side: int | None) -> float:
    """The largest scale at most PDF_DPI whose bitmap fits MAX_SIDE (or ``long_side``) on
    each side and MAX_PIXELS in all."""
    if not (math.isfinite(width) and math.isfinite(height) and width > 0 and height > 0):
        raise UnreadableImage(ImageProblem.UNREADABLE)
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise UnreadableImage(ImageProblem.ODD_SHAPE)
    side = min(MAX_SIDE, long_side) if long_side is not None else MAX_SIDE
    scale = min(PDF_DPI / 72, side / max(width, height), math.sqrt(MAX_PIXELS / (width * height)))
    for _ in range(64):  # rounding each side up can overshoot a limit: step below it
        w, h = _pixels(width, height, scale)
        if max(w, h) > side:  # by a float's rounding error: the next float down
            scale = math.nextafter(scale, 0.0)
        elif w * h > MAX_PIXELS:  # by up to a row and a column: a pixel off the short side
            scale *= (min(w, h) - 1) / min(w, h)
        else:
            return scale
    raise UnreadableImage(ImageProblem.TOO_BIG)


def render_size(width: float, height: float, long_side: int | None = None) -> tuple[int, int]:
    """The pixel size a PDF page of ``width`` x ``height`` points is drawn at: PDF_DPI, or
    less so that each side stays within MAX_SIDE (and ``long_side`` when given) and the
    whole within MAX_PIXELS. Raises UnreadableImage: ODD_SHAPE when one side is more than
    MAX_ASPECT times the other, UNREADABLE for a page of no size."""
    return _pixels(width, height, _scale(width, height, long_side))


def _render_pdf(data: bytes, page: int, long_side: int | None) -> Image.Image:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableImage(ImageProblem.UNREADABLE) from exc
    try:
        if not 0 <= page < len(document):
            raise UnreadableImage(ImageProblem.UNREADABLE)
        pdf_page = document[page]
        try:
            width, height = pdf_page.get_size()  # points
            bitmap = pdf_page.render(scale=_scale(width, height, long_side))
            image: Image.Image = bitmap.to_pil().convert("RGB")
        finally:
            pdf_page.close()
        return image
    finally:
        document.close()


def decode(data: bytes, page: int = 0, long_side: int | None = None) -> Image.Image:
    """The picture in ``data`` (an image file Pillow reads, or page ``page`` of a PDF) as
    RGB, upright as the camera recorded it (EXIF orientation applied). A PDF page is drawn
    at render_size (no longer than ``long_side`` px when given). Raises UnreadableImage:
    EMPTY, TOO_BIG (file over MAX_FILE_BYTES or pixels over MAX_PIXELS), ODD_SHAPE (a PDF
    page far longer than wide) or UNREADABLE."""
    if not data:
        raise UnreadableImage(ImageProblem.EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableImage(ImageProblem.TOO_BIG)
    if is_pdf(data):
        return _render_pdf(data, page, long_side)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
            if image.width * image.height > MAX_PIXELS:
                raise UnreadableImage(ImageProblem.TOO_BIG)
            image.load()
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise UnreadableImage(ImageProblem.TOO_BIG) from exc
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise UnreadableImage(ImageProblem.UNREADABLE) from exc
    upright = ImageOps.exif_transpose(image)
    return upright.convert("RGB")


def turned_and_cropped(
    image: Image.Image, rotation: int, crop: tuple[float, float, float, float] | None
) -> Image.Image:
    """``image`` turned ``rotation`` quarter turns clockwise, then cropped to ``crop``
    (left, top, right, bottom as fractions of the turned picture; None keeps it whole).
    A crop smaller than a pixel keeps the whole picture."""
    turned = image.rotate(-90 * (rotation % 4), expand=True) if rotation % 4 else image
    if crop is None:
        return turned
    left, top, right, bottom = (min(1.0, max(0.0, v)) for v in crop)
    box = (
        round(left * turned.width),
        round(top * turned.height),
        round(right * turned.width),
        round(bottom * turned.height),
    )
    if box[2] - box[0] < 1 or box[3] - box[1] < 1:
        return turned
    return turned.crop(box)


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def prepare(
    data: bytes,
    rotation: int = 0,
    crop: tuple[float, float, float, float] | None = None,
    page: int = 0,
    long_side: int = UPLOAD_LONG_SIDE,
) -> PreparedImage:
    """The picture for upload: decoded, turned, cropped and, when its longer side exceeds
    ``long_side`` pixels, downscaled to it (JPEG). Raises UnreadableImage."""
    # Uncropped, a PDF page is drawn at the size wanted; a crop needs the full resolution.
    drawn = decode(data, page, long_side if crop is None else None)
    image = turned_and_cropped(drawn, rotation, crop)
    downscaled = max(image.size) > long_side
    if downscaled:
        image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return PreparedImage(_jpeg(image), image.width, image.height, downscaled)


def thumbnail(jpeg: bytes, long_side: int = THUMBNAIL_LONG_SIDE) -> bytes:
    """A small JPEG of an uploaded picture (for the summary and the timeline). Raises
    UnreadableImage."""
    image = decode(jpeg)
    image.thumbnail((long_side, long_side), Image.Resampling.LANCZOS)
    return _jpeg(image)


@dataclass(frozen=True)
class Picture:
    """A file she picked: its bytes, how many pages it has and a preview of one page
    (turned as she set it, not cropped: the crop is drawn over it)."""

    data: bytes
    pages: int
    preview: PreparedImage


PREVIEW_LONG_SIDE = 1000


def open_picture(data: bytes, rotation: int = 0, page: int = 0) -> Picture:
    """``data`` checked as a picture of the paper, with a preview of page ``page`` turned
    ``rotation`` quarter turns. Raises UnreadableImage."""
    preview = prepare(data, rotation, None, page, PREVIEW_LONG_SIDE)
    return Picture(data, page_count(data), preview)
