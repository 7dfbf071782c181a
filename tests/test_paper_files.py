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
    MAX_FILE_BYTES,
    MAX_PIXELS,
    MAX_SIDE,
    PREVIEW_LONG_SIDE,
    ImageProblem,
    UnreadableImage,
    decode,
    open_picture,
    page_count,
    prepare,
    read_picture_file,
    render_size,
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


def _bare_pdf(media_box: bytes) -> bytes:
    """A one-page PDF with nothing on the page but its MediaBox (in points)."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [" + media_box + b"] >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (n, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return out


@pytest.mark.parametrize(
    "media_box",
    [b"0 0 1 100000", b"0 0 100000 1", b"0 0 10 600", b"0 0 1 1000000000"],
)
def test_a_pdf_page_far_longer_than_wide_is_refused_before_it_is_drawn(media_box: bytes) -> None:
    # pdfium draws every side at least 1 px wide: a 1 x 10^9 pt page drawn to the pixel
    # limit of its area would be 1 x 3.5 x 10^8 px (9 GB, a minute) from a 400-byte file.
    for read in (decode, open_picture):
        with pytest.raises(UnreadableImage) as caught:
            read(_bare_pdf(media_box))
        assert caught.value.problem is ImageProblem.ODD_SHAPE


def test_a_pdf_page_is_drawn_within_the_limits_of_each_side_and_of_its_area() -> None:
    # 14400 pt is the largest page PDF allows (200 in): 40,000 px at 200 dpi
    for points in ((14400.0, 288.0), (288.0, 14400.0), (14400.0, 14400.0), (595.0, 842.0)):
        width, height = render_size(*points)
        assert 1 <= width <= MAX_SIDE
        assert 1 <= height <= MAX_SIDE
        assert width * height <= MAX_PIXELS
    assert render_size(595.0, 842.0) == (1653, 2339)  # A4 at 200 dpi, as pdfium rounds it
    wide = decode(_bare_pdf(b"0 0 14400 288"))
    assert wide.size == render_size(14400.0, 288.0)
    assert wide.size[0] == MAX_SIDE
    # the preview is drawn at the preview's size, not drawn large and then shrunk
    assert render_size(595.0, 842.0, PREVIEW_LONG_SIDE) == (707, 1000)
    assert max(decode(_bare_pdf(b"0 0 14400 14400"), long_side=PREVIEW_LONG_SIDE).size) == 1000
    preview = open_picture(_bare_pdf(b"0 0 14400 14400")).preview
    assert (preview.width, preview.height) == (1000, 1000)


@pytest.mark.parametrize(
    ("media_box", "preview"),
    [
        (b"0 0 0 0", (773, 1000)),  # pdfium takes a page of no size for US Letter
        (b"0 0 1e30 1e30", (773, 1000)),  # and one too large for a float as well
        (b"0 0 -5 -5", (14, 14)),  # 5 x 5 pt at 200 dpi, never drawn larger
        (b"0 0 1000000000 1000000000", (1000, 1000)),
    ],
)
def test_a_pdf_page_of_no_size_or_of_an_absurd_size_gives_a_bounded_preview(
    media_box: bytes, preview: tuple[int, int]
) -> None:
    picture = open_picture(_bare_pdf(media_box)).preview
    assert (picture.width, picture.height) == preview


def test_a_file_too_big_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "scan.pdf"
    with big.open("wb") as out:
        out.truncate(MAX_FILE_BYTES + 1)  # sparse: takes no disk
    with pytest.raises(UnreadableImage) as caught:
        read_picture_file(big)
    assert caught.value.problem is ImageProblem.TOO_BIG
    small = tmp_path / "photo.png"
    small.write_bytes(_png(20, 10))
    assert read_picture_file(small) == small.read_bytes()


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
