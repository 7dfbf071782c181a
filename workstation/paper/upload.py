"""From a checked draft and the file she picked to what is sent to the platform."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image, UnidentifiedImageError

from workstation.labs.analytes import AnalyteTable
from workstation.model import Catalog, PaperOrigin, UserInfo
from workstation.paper.draft import PaperDraft, paper_observations, paper_result
from workstation.paper.fhir import PaperUpload, display_binary_id
from workstation.paper.image import is_pdf, prepare

_MIME = {"JPEG": "image/jpeg", "PNG": "image/png", "TIFF": "image/tiff", "BMP": "image/bmp"}
_MIME["WEBP"] = "image/webp"


def file_type(data: bytes) -> str:
    """The MIME type of an image file or PDF ("application/octet-stream" when unknown)."""
    if is_pdf(data):
        return "application/pdf"
    try:
        with Image.open(io.BytesIO(data)) as image:
            return _MIME.get(image.format or "", "application/octet-stream")
    except (UnidentifiedImageError, OSError):
        return "application/octet-stream"


def build_upload(
    draft: PaperDraft,
    original: bytes,
    catalog: Catalog,
    table: AnalyteTable,
    user: UserInfo,
    now: dt.datetime,
    page: int = 0,
) -> PaperUpload:
    """The upload of a draft that ``check_draft`` passed: the picture turned, cropped and
    downscaled (``prepare``; page ``page`` of a PDF), the Result with her as transcriber at
    ``now``, and its lab values. Raises UnreadableImage, ValueError for an unchecked draft."""
    picture = prepare(original, draft.rotation, draft.crop, page)
    origin = PaperOrigin(
        transcribed_by=user.practitioner,
        transcribed_by_name=user.display_name,
        transcribed_at=now,
        hospital_name=draft.hospital_name.strip() if not draft.hospital_id else "",
        image_binary_id=display_binary_id(draft.report_id),
    )
    return PaperUpload(
        result=paper_result(draft, catalog, origin),
        observations=paper_observations(draft, table),
        display_jpeg=picture.jpeg,
        original=original,
        original_type=file_type(original),
        transcribed_at=now,
        practitioner=user.practitioner,
        practitioner_name=user.display_name,
    )
