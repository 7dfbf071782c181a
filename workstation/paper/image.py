"""The picture of the paper: read from an image file or a PDF, turned and cropped as she
set it, and downscaled for upload (the file she picked is left as it was).

Pillow reads the images, pypdfium2 renders PDF pages (both already shipped)."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from enum import Enum

import pypdfium2
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILE_BYTES = 60 * 1024 * 1024  # a phone photo or a multi-page scan is far below
MAX_PIXELS = 120_000_000  # decoded size; beyond it a file is a mistake or an attack
UPLOAD_LONG_SIDE = 2400  # px: the print stays legible, the upload stays small
THUMBNAIL_LONG_SIDE = 480
PDF_DPI = 200
JPEG_QUALITY = 85


class ImageProblem(Enum):
    """Why a file cannot be used as the picture of the paper."""

    EMPTY = "empty"
    TOO_BIG = "too_big"  # the file, or its decoded pixels
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
    downscaled: bool  # True when the picture was larger than UPLOAD_LONG_SIDE


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


def _render_pdf(data: bytes, page: int) -> Image.Image:
    try:
        document = pypdfium2.PdfDocument(data)
    except pypdfium2.PdfiumError as exc:
        raise UnreadableImage(ImageProblem.UNREADABLE) from exc
    try:
        if not 0 <= page < len(document):
            raise UnreadableImage(ImageProblem.UNREADABLE)
        pdf_page = document[page]
        width, height = pdf_page.get_size()  # points
        scale = PDF_DPI / 72
        if width * height * scale * scale > MAX_PIXELS:
            scale = (MAX_PIXELS / (width * height)) ** 0.5
        bitmap = pdf_page.render(scale=scale)
        image: Image.Image = bitmap.to_pil().convert("RGB")
        pdf_page.close()
        return image
    finally:
        document.close()


def decode(data: bytes, page: int = 0) -> Image.Image:
    """The picture in ``data`` (an image file Pillow reads, or page ``page`` of a PDF) as
    RGB, upright as the camera recorded it (EXIF orientation applied). Raises
    UnreadableImage: EMPTY, TOO_BIG (file over MAX_FILE_BYTES or pixels over MAX_PIXELS)
    or UNREADABLE."""
    if not data:
        raise UnreadableImage(ImageProblem.EMPTY)
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableImage(ImageProblem.TOO_BIG)
    if is_pdf(data):
        return _render_pdf(data, page)
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
    image = turned_and_cropped(decode(data, page), rotation, crop)
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
