"""A series read through ``SeriesReader`` (later slices derived from the first one's header)
gives, for every slice, exactly what ``decode.load`` gives for that file alone; and the
quick way is really taken where the headers allow it.

The series are built here from the standard's rules for what CT, MR and DX write: signed
and unsigned words, bits stored below bits allocated, explicit and implicit VR, sequences
of defined and undefined length, a window or rescale that changes from slice to slice.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from pydicom import config
from pydicom.dataelem import DataElement
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.sequence import Sequence
from pydicom.uid import ExplicitVRLittleEndian, ImplicitVRLittleEndian, RLELossless

from workstation.imaging import element_scan, series_reader
from workstation.imaging.decode import DecodeError, DicomImage, load
from workstation.imaging.series_reader import PER_SLICE_UNREAD, SeriesReader

CT_IMAGE = "1.2.840.10008.5.1.4.1.1.2"
ROOT = "1.2.826.0.1.3680043.8.498."
Edit = Callable[[Dataset, int], None]


def _slice(index: int, syntax: str, dtype: str, stored: int, edit: Edit | None) -> bytes:
    rng = np.random.default_rng(index)
    info = np.iinfo(dtype)
    low = max(info.min, -(2 ** (stored - 1))) if info.min < 0 else 0
    high = min(info.max, 2**stored - 1 if info.min == 0 else 2 ** (stored - 1) - 1)
    pixels = rng.integers(low, high, size=(24, 20), endpoint=True).astype(dtype)
    if stored < pixels.dtype.itemsize * 8 and info.min == 0:
        pixels |= np.array(1 << stored, dtype)  # garbage above Bits Stored: must be masked
    uid = f"{ROOT}{index * 7919 + 10**index}"  # UIDs of different lengths
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = syntax
    ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.ImageType = ["ORIGINAL", "PRIMARY", "AXIAL"]
    ds.InstanceCreationTime = f"1200{index % 60:02d}"
    ds.SOPClassUID = CT_IMAGE
    ds.SOPInstanceUID = uid
    ds.StudyDate = "20261201"
    ds.AcquisitionTime = f"1201{index % 60:02d}.{index}"
    ds.ContentTime = f"1202{index % 60:02d}"
    ds.Modality = "CT"
    ds.InstitutionName = "成都市温江区人民医院"
    ds.PatientName = "Wang^Pingde=王^平德"
    ds.PatientID = "WJ1"
    other = Dataset()
    other.PatientID = "510108196912244571"
    other.IssuerOfPatientID = "CN-RIC"
    ds.OtherPatientIDsSequence = Sequence([other])
    ds.StudyInstanceUID = f"{ROOT}1"
    ds.SeriesInstanceUID = f"{ROOT}2"
    ds.SeriesNumber = 3
    ds.InstanceNumber = index + 1
    ds.ImagePositionPatient = [-179.648438, -179.648438, -63.125 + 1.25 * index]
    ds.ImageOrientationPatient = [1, 0, 0, 0, 1, 0]
    ds.FrameOfReferenceUID = f"{ROOT}3"
    ds.SliceLocation = -63.125 + 1.25 * index
    ds.SliceThickness = 1.25
    ds.PixelSpacing = [0.703125, 0.703125]
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.Rows, ds.Columns = pixels.shape
    ds.BitsAllocated = pixels.dtype.itemsize * 8
    ds.BitsStored = stored
    ds.HighBit = stored - 1
    ds.PixelRepresentation = 1 if info.min < 0 else 0
    ds.WindowCenter, ds.WindowWidth = 40, 400
    ds.RescaleIntercept, ds.RescaleSlope = -1024, 1
    ds.PixelData = pixels.tobytes()
    if edit is not None:
        edit(ds, index)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _series(
    syntax: str = ExplicitVRLittleEndian,
    dtype: str = "int16",
    stored: int = 16,
    edit: Edit | None = None,
    count: int = 6,
) -> list[bytes]:
    return [_slice(i, syntax, dtype, stored, edit) for i in range(count)]


def _assert_same(got: DicomImage, want: DicomImage) -> None:
    for field in dataclasses.fields(want):
        a, b = getattr(got, field.name), getattr(want, field.name)
        if isinstance(b, np.ndarray):
            assert (a.dtype, a.shape) == (b.dtype, b.shape), field.name
            assert np.array_equal(a, b), field.name
        else:  # repr: a NaN the file holds is equal to itself here
            assert a == b or repr(a) == repr(b), (field.name, a, b)


@pytest.fixture
def full_reads(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Counts the slices the reader read the full way (through pydicom)."""
    counted: list[int] = []
    full = series_reader.read_dataset

    def counting(source: Any) -> Any:
        counted.append(1)
        return full(source)

    monkeypatch.setattr(series_reader, "read_dataset", counting)
    return counted


def _lengthen_window(ds: Dataset, index: int) -> None:
    if index == 3:
        ds.WindowWidth = 1500  # a lung window on one slice only


def _shift_rescale(ds: Dataset, index: int) -> None:
    if index >= 4:
        ds.RescaleIntercept = -1000


def _undefined_sequences(ds: Dataset, index: int) -> None:
    ds.OtherPatientIDsSequence.is_undefined_length = True
    ds.OtherPatientIDsSequence[0].is_undefined_length_sequence_item = True
    code = Dataset()
    code.CodeValue, code.CodingSchemeDesignator, code.CodeMeaning = "T-D3000", "SRT", "胸部"
    ds.AnatomicRegionSequence = Sequence([code])
    ds.AnatomicRegionSequence.is_undefined_length = True


def _monochrome1_dx(ds: Dataset, index: int) -> None:
    ds.Modality = "DX"
    ds.PhotometricInterpretation = "MONOCHROME1"
    del ds.RescaleIntercept, ds.RescaleSlope
    ds.ImagerPixelSpacing = [0.139, 0.139]
    del ds.PixelSpacing


def _padding(ds: Dataset, index: int) -> None:
    ds.PixelPaddingValue = -2000


# Instance Number and Image Position as modalities write them: signs, spaces, exponents,
# a decimal integer, two values, an empty number, a "nan" (which the full read refuses).
ODD_VALUES = [
    ("+7 ", "1e2\\2.50\\-3"),
    (" 12", "  1.5\\2\\3 "),
    ("12.0", "1\\2\\3"),
    ("", "-0.0\\+4\\5E-1"),
    ("5", "1\\2"),
    ("6", "nan\\0\\0"),
]


def _odd_values(ds: Dataset, index: int) -> None:
    number, position = ODD_VALUES[index % len(ODD_VALUES)]
    ds["InstanceNumber"] = DataElement(0x00200013, "IS", number)
    ds["ImagePositionPatient"] = DataElement(0x00200032, "DS", position)


SERIES = {
    "ct signed words": lambda: _series(),
    "mr 12 of 16 bits unsigned": lambda: _series(dtype="uint16", stored=12),
    "signed 12 of 16 bits": lambda: _series(stored=12),
    "implicit vr": lambda: _series(syntax=ImplicitVRLittleEndian),
    "8-bit": lambda: _series(dtype="uint8", stored=8),
    "undefined-length sequences": lambda: _series(edit=_undefined_sequences),
    "dx monochrome1": lambda: _series(dtype="uint16", stored=14, edit=_monochrome1_dx),
    "padding value": lambda: _series(edit=_padding),
    "window on one slice": lambda: _series(edit=_lengthen_window),
    "rescale from slice 5": lambda: _series(edit=_shift_rescale),
}


def test_numbers_in_every_form_are_read_as_the_full_read_does(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(config.settings, "writing_validation_mode", config.IGNORE)
    monkeypatch.setattr(config.settings, "reading_validation_mode", config.IGNORE)
    _read_both_ways(_series(edit=_odd_values, count=len(ODD_VALUES) * 2))


@pytest.mark.parametrize("name", sorted(SERIES))
def test_every_slice_is_what_the_full_read_gives(name: str) -> None:
    files = SERIES[name]()
    reader = SeriesReader()
    for data in files:
        _assert_same(reader.read(io.BytesIO(data)), load(io.BytesIO(data)))


def test_slices_that_differ_only_in_naming_and_placing_are_read_quickly(
    full_reads: list[int],
) -> None:
    reader = SeriesReader()
    images = [reader.read(io.BytesIO(data)) for data in _series(count=8)]
    assert len(full_reads) == 1
    assert [i.instance_number for i in images] == list(range(1, 9))
    assert [i.position[2] for i in images if i.position] == [-63.125 + 1.25 * i for i in range(8)]
    assert len({i.sop_instance_uid for i in images}) == 8
    assert {i.identity.sop_instance_uid for i in images if i.identity} == {
        i.sop_instance_uid for i in images
    }


def test_a_slice_with_its_own_window_is_read_the_full_way(full_reads: list[int]) -> None:
    reader = SeriesReader()
    images = [reader.read(io.BytesIO(data)) for data in _series(edit=_lengthen_window)]
    assert len(full_reads) == 2  # the template and slice 4
    assert [i.windows[0].width for i in images] == [400, 400, 400, 1500, 400, 400]


def test_a_slice_with_another_rescale_keeps_its_own(full_reads: list[int]) -> None:
    reader = SeriesReader()
    images = [reader.read(io.BytesIO(data)) for data in _series(edit=_shift_rescale)]
    assert [i.rescale_intercept for i in images] == [-1024] * 4 + [-1000] * 2
    assert len(full_reads) == 3


def test_compressed_slices_are_read_the_full_way(full_reads: list[int]) -> None:
    files = []
    for data in _series(count=3):
        ds = load_dataset(data)
        ds.compress(RLELossless)
        out = io.BytesIO()
        ds.save_as(out, enforce_file_format=True)
        files.append(out.getvalue())
    reader = SeriesReader()
    for data in files:
        _assert_same(reader.read(io.BytesIO(data)), load(io.BytesIO(data)))
    assert len(full_reads) == 3
    assert element_scan.scan(files[0]) is None


def load_dataset(data: bytes) -> Dataset:
    from pydicom import dcmread

    return dcmread(io.BytesIO(data))


@pytest.mark.parametrize("tag", sorted(PER_SLICE_UNREAD - {0x00020000}))
def test_elements_taken_as_the_templates_do_not_change_the_image(tag: int) -> None:
    """What the quick way copies from the template for these elements must be what decoding
    does with them: nothing. Changing one changes no field of the decoded image."""
    original = load_dataset(_series(count=1)[0])
    changed = load_dataset(_series(count=1)[0])
    target = changed.file_meta if tag >> 16 == 0x0002 else changed
    vr = {"UI": "1.2.3.4.5", "DA": "20250101", "TM": "235959", "DT": "20250101235959"}
    keyword_vr = target[tag].VR if tag in target else ("UI" if tag == 0x00020003 else "DS")
    value = vr.get(keyword_vr, "99.5")
    if tag in target:
        target[tag].value = value
    else:
        target.add_new(tag, keyword_vr, value)
    out_a, out_b = io.BytesIO(), io.BytesIO()
    original.save_as(out_a)  # as read: the file meta as it is, with its preamble
    changed.save_as(out_b)
    assert out_a.getvalue() != out_b.getvalue()
    _assert_same(load(io.BytesIO(out_b.getvalue())), load(io.BytesIO(out_a.getvalue())))


@pytest.mark.parametrize("cut", [10, 131, 400, -7])
def test_a_damaged_slice_fails_as_the_full_read_does(cut: int) -> None:
    files = _series(count=3)
    reader = SeriesReader()
    reader.read(io.BytesIO(files[0]))
    damaged = files[1][:cut]
    with pytest.raises(DecodeError) as full:
        load(io.BytesIO(damaged))
    with pytest.raises(DecodeError) as ours:
        reader.read(io.BytesIO(damaged))
    assert str(ours.value) == str(full.value)


def test_the_scan_finds_every_top_level_element() -> None:
    data = _series(count=1, edit=_undefined_sequences)[0]
    layout = element_scan.scan(data)
    assert layout is not None
    assert layout.explicit
    ds = load_dataset(data)
    want = [e.tag for e in ds.file_meta] + [e.tag for e in ds]
    assert [e.tag for e in layout.elements] == want
    assert layout.elements[-1].end == len(data)


# Hostile first slices (from an attacker review): files that pydicom reads otherwise than
# the scan. No template may come of them, and every slice reads as the full read reads it.


def _implicit_slice(uid: str, extra: Edit | None = None) -> bytes:
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ImplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CT_IMAGE
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.InstanceCreationDate = "20261201"  # the first element: a per-slice one
    ds.SOPClassUID, ds.SOPInstanceUID = CT_IMAGE, uid
    ds.StudyDate, ds.SeriesDate, ds.ContentDate = "20261201", "20261201", "20261201"
    ds.Modality, ds.PatientName, ds.PatientID = "CT", "PATIENT^ALICE", "A-001"
    ds.StudyInstanceUID, ds.SeriesInstanceUID = f"{ROOT}1", f"{ROOT}2"
    ds.InstanceNumber, ds.ImagePositionPatient = 1, [0, 0, 0]
    ds.SamplesPerPixel, ds.PhotometricInterpretation = 1, "MONOCHROME2"
    ds.Rows, ds.Columns = 16, 16
    ds.BitsAllocated, ds.BitsStored, ds.HighBit, ds.PixelRepresentation = 16, 16, 15, 0
    ds.PixelData = np.full((16, 16), 1000, "<u2").tobytes()
    if extra is not None:
        extra(ds, 0)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue()


def _read_both_ways(files: list[bytes]) -> None:
    reader = SeriesReader()
    for data in files:
        try:
            want: DicomImage | str = load(io.BytesIO(data))
        except DecodeError as full:
            want = str(full)
        if isinstance(want, str):
            with pytest.raises(DecodeError) as ours:
                reader.read(io.BytesIO(data))
            assert str(ours.value) == want
        else:
            _assert_same(reader.read(io.BytesIO(data)), want)


def test_a_per_slice_first_element_gives_no_template(full_reads: list[int]) -> None:
    # pydicom tells implicit from explicit VR by the first element's bytes 4-5 (in implicit
    # VR the low half of its length): a later slice's length "DA" would switch it
    first = _implicit_slice(f"{ROOT}9.1")
    header = b"\x08\x00\x12\x00\x08\x00\x00\x0020261201"
    at = first.index(header)
    later = bytearray(_implicit_slice(f"{ROOT}9.2"))
    value = b"2" * 0x4144
    later[at : at + len(header)] = b"\x08\x00\x12\x00" + (0x4144).to_bytes(4, "little") + value
    _read_both_ways([first, bytes(later)])
    assert len(full_reads) == 2


def test_a_vr_that_is_not_one_gives_no_template(full_reads: list[int]) -> None:
    # pydicom reads an element whose VR bytes are not a VR as implicit, with a 4-byte length
    files = [bytearray(data) for data in _series(count=3)]
    for data in files:
        at = data.index(b"\x08\x00\x33\x00TM")  # Content Time
        data[at + 4 : at + 6] = b"\x00\x00"
    assert element_scan.scan(bytes(files[0])) is None
    _read_both_ways([bytes(d) for d in files])
    assert len(full_reads) == 3


def test_an_undefined_length_that_pydicom_ends_elsewhere_gives_no_template(
    full_reads: list[int],
) -> None:
    # implicit VR: Series Date of undefined length holding an item; pydicom does not read a
    # DA as a sequence but searches for the sequence delimiter, found inside a value the
    # scan skips, and reads a hidden element there
    def crafted(uid: str) -> bytes:
        plain = _implicit_slice(uid)
        series_date = b"\x08\x00\x21\x00\x08\x00\x00\x0020261201"
        inner = b"\xfe\xff\xdd\xe0\x00\x00\x00\x00" + b"\x08\x00\x23\x00\x08\x00\x00\x00"
        item = b"\x08\x00\x00\x01" + len(inner).to_bytes(4, "little") + inner
        undefined = (
            b"\x08\x00\x21\x00\xff\xff\xff\xff"
            + b"\xfe\xff\x00\xe0\xff\xff\xff\xff"
            + item
            + b"\xfe\xff\x0d\xe0\x00\x00\x00\x00"
            + b"\xfe\xff\xdd\xe0\x00\x00\x00\x00"
        )
        return plain.replace(series_date, undefined)

    files = [crafted(f"{ROOT}9.{n}") for n in (1, 2)]
    _read_both_ways(files)
    assert len(full_reads) == 2


def test_per_slice_elements_in_another_vr_give_no_template(full_reads: list[int]) -> None:
    def position_as_doubles(ds: Dataset, index: int) -> None:
        ds["ImagePositionPatient"] = DataElement(0x00200032, "FD", [0.0, 0.0, float(index)])

    _read_both_ways(_series(count=3, edit=position_as_doubles))
    assert len(full_reads) == 3


def test_an_instance_number_beyond_its_twelve_characters_is_read_the_full_way(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(config.settings, "writing_validation_mode", config.IGNORE)
    monkeypatch.setattr(config.settings, "reading_validation_mode", config.IGNORE)

    def huge(ds: Dataset, index: int) -> None:
        ds["InstanceNumber"] = DataElement(0x00200013, "IS", f"9999999999999999999{index}")

    _read_both_ways(_series(count=3, edit=huge))


def _mutated(data: bytes, rng: np.random.Generator, header_end: int) -> bytes:
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 4))):
        kind = int(rng.integers(0, 4))
        at = int(rng.integers(128, header_end))
        if kind == 0:  # a byte changed
            out[at] = int(rng.integers(0, 256))
        elif kind == 1:  # bytes inserted
            out[at:at] = bytes(rng.integers(0, 256, int(rng.integers(1, 9)), dtype=np.uint8))
        elif kind == 2:  # bytes removed
            del out[at : at + int(rng.integers(1, 9))]
        else:  # a length made another (the 2 bytes after a VR-like pair)
            out[at : at + 2] = int(rng.integers(0, 0x10000)).to_bytes(2, "little")
    return bytes(out)


@pytest.mark.parametrize("syntax", [ExplicitVRLittleEndian, ImplicitVRLittleEndian])
def test_randomly_damaged_slices_read_as_the_full_read_reads_them(
    syntax: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A differential check: slices (and first slices) damaged at random in their headers
    give, through the reader, exactly what the full read gives, image or error."""
    monkeypatch.setattr(config.settings, "reading_validation_mode", config.IGNORE)
    rng = np.random.default_rng(18)
    files = _series(syntax=syntax, edit=_undefined_sequences, count=4)
    header_end = files[0].index(b"\xe0\x7f\x10\x00")
    for case in range(150):
        damaged_first = case % 5 == 0
        series = [
            _mutated(f, rng, header_end) if (i == 0) == damaged_first else f
            for i, f in enumerate(files)
        ]
        _read_both_ways(series)
