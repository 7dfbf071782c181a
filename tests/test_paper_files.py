"""The picture of a paper report (image files, PDF, turn, crop, downscale) and the draft
kept encrypted on disk until she saves or discards it."""

from __future__ import annotations

import datetime as dt
import io
import os
import stat
from pathlib import Path

import pytest
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from workstation.at_rest import FieldCipher, UnreadableValue
from workstation.paper.draft import LabEntry, PaperDraft
from workstation.paper.drafts import DraftStore
from workstation.paper.image import (
    ImageProblem,
    UnreadableImage,
    decode,
    page_count,
    prepare,
    thumbnail,
    turned_and_cropped,
)

CST = dt.timezone(dt.timedelta(hours=8))


def _png(width: int, height: int, colour: tuple[int, int, int] = (200, 30, 30)) -> bytes:
    out = io.BytesIO()
    image = Image.new("RGB", (width, height), (255, 255, 255))
    image.paste(colour, (0, 0, width // 2, height // 2))  # a mark in the top-left quarter
    image.save(out, "PNG")
    return out.getvalue()


def _pdf(pages: int) -> bytes:
    out = io.BytesIO()
    pdf = canvas.Canvas(out, pagesize=A4)
    for n in range(pages):
        pdf.drawString(72, 720, f"page {n + 1}")
        pdf.showPage()
    pdf.save()
    return out.getvalue()


def test_a_big_photo_is_downscaled_for_upload_and_keeps_its_aspect() -> None:
    prepared = prepare(_png(4800, 3600))
    assert prepared.downscaled
    assert (prepared.width, prepared.height) == (2400, 1800)
    assert Image.open(io.BytesIO(prepared.jpeg)).format == "JPEG"
    small = prepare(_png(800, 600))
    assert not small.downscaled
    assert (small.width, small.height) == (800, 600)


def test_turning_and_cropping() -> None:
    image = decode(_png(400, 200))
    turned = turned_and_cropped(image, 1, None)
    assert turned.size == (200, 400)
    # after a clockwise quarter turn the red top-left quarter is at the top right
    assert turned.getpixel((150, 50))[0] > 150
    assert turned.getpixel((150, 50))[1] < 100
    assert turned.getpixel((50, 50)) == (255, 255, 255)
    cropped = turned_and_cropped(image, 0, (0.0, 0.0, 0.5, 0.5))
    assert cropped.size == (200, 100)
    assert turned_and_cropped(image, 0, (0.5, 0.5, 0.5, 0.9)).size == (400, 200)


def test_a_pdf_page_is_rendered() -> None:
    data = _pdf(2)
    assert page_count(data) == 2
    prepared = prepare(data, page=1)
    assert prepared.height > prepared.width  # A4 portrait
    with pytest.raises(UnreadableImage):
        prepare(data, page=5)


@pytest.mark.parametrize(
    ("data", "problem"),
    [
        (b"", ImageProblem.EMPTY),
        (b"not a picture at all", ImageProblem.UNREADABLE),
        (_png(10, 10)[:40], ImageProblem.UNREADABLE),  # truncated
        (b"%PDF-1.4 broken", ImageProblem.UNREADABLE),
    ],
)
def test_bad_files_are_refused_with_a_reason(data: bytes, problem: ImageProblem) -> None:
    with pytest.raises(UnreadableImage) as caught:
        decode(data)
    assert caught.value.problem is problem


def test_a_decompression_bomb_is_refused() -> None:
    out = io.BytesIO()
    Image.new("1", (12000, 12000)).save(out, "PNG")  # tiny file, 144 megapixels
    with pytest.raises(UnreadableImage) as caught:
        decode(out.getvalue())
    assert caught.value.problem is ImageProblem.TOO_BIG


def test_a_thumbnail_is_small() -> None:
    thumb = Image.open(io.BytesIO(thumbnail(prepare(_png(2000, 1000)).jpeg)))
    assert max(thumb.size) == 480


def _draft() -> PaperDraft:
    return PaperDraft(
        id="abc123",
        patient_id="pat1",
        hospital_name="某县人民医院",
        effective=dt.datetime(2026, 11, 30, 8, 15, tzinfo=CST),
        item_code="JY003",
        hr_mark=True,
        mark_region="510100",
        labs=(LabEntry("CREA", "88", "μmol/L", "57", "111"),),
        image_name="scan.png",
        rotation=3,
        crop=(0.1, 0.2, 0.9, 0.8),
    )


def test_a_draft_is_kept_sealed_and_comes_back_whole(tmp_path: Path) -> None:
    cipher = FieldCipher(os.urandom(32))
    store = DraftStore(tmp_path / "paper", cipher)
    picture = _png(50, 50)
    store.save(_draft(), picture)
    folder = tmp_path / "paper" / "abc123"
    raw = (folder / "draft.json").read_bytes() + (folder / "image.bin").read_bytes()
    assert "某县".encode() not in raw
    assert b"JY003" not in raw
    assert picture[8:40] not in raw
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert stat.S_IMODE((folder / "draft.json").stat().st_mode) == 0o600
    assert store.load("abc123") == (_draft(), picture)
    assert store.drafts_of("pat1") == [_draft()]
    assert store.drafts_of("other") == []
    store.save(_draft())  # fields only: the picture stays
    assert store.load("abc123")[1] == picture
    with pytest.raises(UnreadableValue):
        DraftStore(tmp_path / "paper", FieldCipher(os.urandom(32))).load("abc123")
    store.discard("abc123")
    assert not folder.exists()
    assert store.drafts_of("pat1") == []


def test_the_last_saved_draft_comes_last(tmp_path: Path) -> None:
    store = DraftStore(tmp_path / "paper", None)
    first, second = _draft(), PaperDraft(id="def456", patient_id="pat1")
    store.save(second)
    store.save(first)
    os.utime(tmp_path / "paper" / "def456" / "draft.json", ns=(2_000_000_000, 2_000_000_000))
    os.utime(tmp_path / "paper" / "abc123" / "draft.json", ns=(3_000_000_000, 3_000_000_000))
    assert [d.id for d in store.drafts_of("pat1")] == ["def456", "abc123"]
    (tmp_path / "paper" / "abc123" / "draft.json").write_bytes(b"damaged")
    assert [d.id for d in store.drafts_of("pat1")] == ["def456"]  # the damaged one is skipped
    assert (tmp_path / "paper" / "abc123").exists()  # and kept
