"""Tests for the sandbox's synthetic DICOM generator (sandbox/generate/imaging.py)."""

from __future__ import annotations

import datetime
import shutil
import subprocess
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pydicom
import pytest
from pydicom.data import get_testdata_file
from pydicom.dataset import FileDataset
from pydicom.tag import Tag
from pydicom.uid import (
    JPEG2000,
    ComputedRadiographyImageStorage,
    CTImageStorage,
    DeflatedExplicitVRLittleEndian,
    DigitalXRayImageStorageForPresentation,
    ExplicitVRBigEndian,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    MRImageStorage,
    RLELossless,
    UltrasoundMultiFrameImageStorage,
)

from sandbox.generate.imaging import (
    _CT_LANDMARKS,
    InstanceInfo,
    PatientTags,
    StudyTags,
    write_ct_series,
    write_mr_series,
    write_radiograph,
    write_transfer_syntax_set,
    write_ultrasound_cine,
)
from workstation.imaging import gdcm_jpeg
from workstation.imaging.decode import load

PATIENT = PatientTags(
    patient_id="WH0012345",
    name_zh="张伟",
    name_pinyin="Zhang^Wei",
    birth_date=datetime.date(1968, 5, 3),
    sex="M",
    id_card="42010219680503123X",
)
STUDY = StudyTags(
    study_uid="1.2.826.0.1.3680043.8.498.4242",
    accession="A2024030500017",
    study_date=datetime.date(2024, 3, 5),
    institution="武汉市第一医院",
    description="胸部CT平扫",
    referring="李^明",
)
CT_SLICES, CT_SIZE, CT_THICKNESS = 16, 128, 1.25


def _read(info: InstanceInfo) -> FileDataset:
    return pydicom.dcmread(info.path)


def _modality_values(ds: FileDataset) -> npt.NDArray[np.float64]:
    slope = float(ds.get("RescaleSlope", 1.0))
    intercept = float(ds.get("RescaleIntercept", 0.0))
    return ds.pixel_array.astype(np.float64) * slope + intercept


@pytest.fixture(scope="module")
def ct_series(tmp_path_factory: pytest.TempPathFactory) -> list[InstanceInfo]:
    out = tmp_path_factory.mktemp("ct")
    return write_ct_series(
        out, PATIENT, STUDY, slices=CT_SLICES, size=CT_SIZE, slice_thickness_mm=CT_THICKNESS
    )


@pytest.fixture(scope="module")
def ct_datasets(ct_series: list[InstanceInfo]) -> list[FileDataset]:
    """All slices, sorted by position along the slice normal (ascending)."""
    datasets = [_read(info) for info in ct_series]
    normal = np.cross(
        np.array(datasets[0].ImageOrientationPatient[:3], dtype=float),
        np.array(datasets[0].ImageOrientationPatient[3:], dtype=float),
    )
    return sorted(
        datasets,
        key=lambda ds: float(np.dot(normal, np.array(ds.ImagePositionPatient, dtype=float))),
    )


@pytest.fixture(scope="module")
def ts_set(tmp_path_factory: pytest.TempPathFactory) -> list[InstanceInfo]:
    return write_transfer_syntax_set(tmp_path_factory.mktemp("ts"), PATIENT, STUDY, seed=1)


@pytest.mark.unit
def test_ct_hounsfield_units_at_known_points(ct_datasets: list[FileDataset]) -> None:
    # The middle two slices straddle the phantom's anatomical centre (h = 0).
    ds = ct_datasets[len(ct_datasets) // 2]
    assert ds.RescaleIntercept == -1024
    assert ds.RescaleSlope == 1
    assert ds.PixelRepresentation == 1
    assert ds.pixel_array.dtype == np.int16
    hu = _modality_values(ds)
    x0, y0 = float(ds.ImagePositionPatient[0]), float(ds.ImagePositionPatient[1])
    row_mm, col_mm = (float(v) for v in ds.PixelSpacing)
    specs = {"air": (-1000, -1000), "fat": (-100, -100), "lung": (-850, -850)}
    specs |= {"soft_tissue": (0, 60), "bone": (700, 1000)}
    for name, (x, y, expected) in _CT_LANDMARKS.items():
        lo, hi = specs[name]
        assert lo <= expected <= hi, name
        col, row = round((x - x0) / col_mm), round((y - y0) / row_mm)
        patch = hu[row - 2 : row + 3, col - 2 : col + 3]  # median: robust to lung vessels
        assert abs(float(np.median(patch)) - expected) <= 20, (name, float(np.median(patch)))
    air = hu[:12, :12]  # corner of the field of view: air only
    assert abs(float(air.mean()) + 1000) <= 20
    assert 2.0 <= float(air.std()) <= 10.0


@pytest.mark.unit
def test_ct_geometry_is_consistent(ct_datasets: list[FileDataset]) -> None:
    assert len(ct_datasets) == CT_SLICES
    z = np.array([float(ds.ImagePositionPatient[2]) for ds in ct_datasets])
    np.testing.assert_allclose(np.diff(z), CT_THICKNESS, atol=1e-4)
    # InstanceNumber 1 is the most cranial slice; numbers follow the geometry
    numbers = [int(ds.InstanceNumber) for ds in ct_datasets]
    assert numbers == list(range(CT_SLICES, 0, -1))
    for ds in ct_datasets:
        assert [float(v) for v in ds.ImageOrientationPatient] == [1, 0, 0, 0, 1, 0]
        assert float(ds.SliceLocation) == pytest.approx(float(ds.ImagePositionPatient[2]))
        assert float(ds.SliceThickness) == pytest.approx(CT_THICKNESS)
        assert float(ds.SpacingBetweenSlices) == pytest.approx(CT_THICKNESS)
        assert [float(v) for v in ds.PixelSpacing] == pytest.approx([360 / CT_SIZE] * 2)
        assert ds.SOPClassUID == CTImageStorage
        assert list(ds.WindowCenter) == [40, -600]
        assert list(ds.WindowWidth) == [400, 1500]
        assert len(ds.WindowCenterWidthExplanation) == 2
    assert len({ds.FrameOfReferenceUID for ds in ct_datasets}) == 1
    assert len({ds.SeriesInstanceUID for ds in ct_datasets}) == 1
    assert len({ds.SOPInstanceUID for ds in ct_datasets}) == CT_SLICES


@pytest.mark.unit
def test_ct_file_order_is_shuffled(ct_series: list[InstanceInfo]) -> None:
    written = [info.instance_number for info in ct_series]
    assert sorted(written) == list(range(1, CT_SLICES + 1))
    assert written != sorted(written)
    assert written != sorted(written, reverse=True)
    by_name = [info.instance_number for info in sorted(ct_series, key=lambda i: i.path.name)]
    assert by_name != sorted(by_name)
    assert by_name != sorted(by_name, reverse=True)


@pytest.mark.unit
def test_files_are_part10_with_layout(ct_series: list[InstanceInfo]) -> None:
    for info in ct_series[:3]:
        raw = info.path.read_bytes()
        assert raw[:128] == b"\x00" * 128
        assert raw[128:132] == b"DICM"
        assert info.path.parent.name == info.series_uid
        assert info.path.name == f"{info.sop_instance_uid}.dcm"
        ds = _read(info)
        meta = ds.file_meta
        assert meta.MediaStorageSOPClassUID == ds.SOPClassUID == info.sop_class_uid
        assert meta.MediaStorageSOPInstanceUID == ds.SOPInstanceUID
        assert meta.TransferSyntaxUID == ExplicitVRLittleEndian == info.transfer_syntax_uid
        assert meta.ImplementationClassUID.is_valid
        assert ds.Manufacturer == "HR-Sandbox"
        assert ds.StudyInstanceUID == STUDY.study_uid
        assert ds.AccessionNumber == STUDY.accession
        assert (info.rows, info.columns, info.number_of_frames) == (CT_SIZE, CT_SIZE, 1)


@pytest.mark.unit
def test_same_seed_same_bytes_other_seed_other_uids(tmp_path: Path) -> None:
    def run(out: Path, seed: int) -> dict[str, bytes]:
        infos = write_ct_series(out, PATIENT, STUDY, slices=3, size=64, seed=seed)
        infos += write_ultrasound_cine(out, PATIENT, STUDY, frames=2, rows=120, columns=160)
        return {info.sop_instance_uid: info.path.read_bytes() for info in infos}

    first, second = run(tmp_path / "a", 5), run(tmp_path / "b", 5)
    assert first == second  # identical UIDs and byte-identical files
    other = run(tmp_path / "c", 6)
    ct_uids = set(list(first)[:3])
    assert ct_uids.isdisjoint(other)


@pytest.mark.unit
def test_chinese_patient_name_round_trips(ct_series: list[InstanceInfo]) -> None:
    ds = _read(ct_series[0])
    assert ds.SpecificCharacterSet == "ISO_IR 192"
    assert ds.PatientName.alphabetic == "Zhang^Wei"
    assert ds.PatientName.ideographic == "张^伟"
    assert ds.InstitutionName == STUDY.institution
    assert ds.StudyDescription == STUDY.description
    assert "张^伟".encode() in ct_series[0].path.read_bytes()
    other = ds.OtherPatientIDsSequence[0]
    assert other.PatientID == PATIENT.id_card
    assert other.IssuerOfPatientID == "CN-RIC"
    dcmdump = shutil.which("dcmdump")
    if dcmdump is None:
        pytest.skip("dcmdump (dcmtk) not installed")
    out = subprocess.run(
        [dcmdump, "+P", "0010,0010", str(ct_series[0].path)], capture_output=True, check=True
    )
    assert "Zhang^Wei=张^伟" in out.stdout.decode("utf-8")


@pytest.mark.unit
def test_compound_surname_split(tmp_path: Path) -> None:
    patient = PatientTags(
        "WH7", "欧阳娜娜", "", datetime.date(1990, 1, 2), "F", "420102199001021245"
    )
    [info] = write_radiograph(tmp_path, patient, STUDY, rows=64, columns=64)
    name = _read(info).PatientName
    assert name.alphabetic == "欧阳^娜娜"
    assert name.family_name == "欧阳"


@pytest.mark.unit
def test_mr_series(tmp_path: Path) -> None:
    infos = write_mr_series(tmp_path, PATIENT, STUDY, slices=4, size=64, series_number=2)
    datasets = sorted((_read(i) for i in infos), key=lambda ds: int(ds.InstanceNumber))
    z = [float(ds.ImagePositionPatient[2]) for ds in datasets]
    np.testing.assert_allclose(np.diff(z), 6.0, atol=1e-4)
    for ds in datasets:
        assert ds.SOPClassUID == MRImageStorage
        assert ds.Modality == "MR"
        assert (ds.BitsAllocated, ds.BitsStored, ds.PixelRepresentation) == (16, 12, 0)
        assert ds.PhotometricInterpretation == "MONOCHROME2"
        assert float(ds.SliceThickness) == 5.0
        pixels = ds.pixel_array
        assert pixels.dtype == np.uint16
        assert int(pixels.max()) <= 4095
    centre = datasets[2].pixel_array
    assert float(centre[24:40, 24:40].mean()) > 5 * float(centre[:6, :6].mean())


@pytest.mark.unit
def test_radiograph_dx(tmp_path: Path) -> None:
    [info] = write_radiograph(tmp_path, PATIENT, STUDY, rows=600, columns=500, bits_stored=12)
    ds = _read(info)
    assert ds.SOPClassUID == DigitalXRayImageStorageForPresentation
    assert ds.Modality == "DX"
    assert ds.PresentationIntentType == "FOR PRESENTATION"
    assert (ds.Rows, ds.Columns, ds.BitsStored, ds.HighBit) == (600, 500, 12, 11)
    assert "PixelSpacing" not in ds
    assert [float(v) for v in ds.ImagerPixelSpacing] == pytest.approx([0.139 * 5] * 2)
    pixels = ds.pixel_array
    assert pixels.dtype == np.uint16
    assert int(pixels.max()) <= 4095
    spacing = 0.139 * 5

    def at(u_mm: float, v_mm: float) -> float:
        row, col = round(299.5 + v_mm / spacing), round(249.5 + u_mm / spacing)
        return float(np.median(pixels[row - 3 : row + 4, col - 3 : col + 4]))

    lung, heart, outside = at(-95, -20), at(20, 60), float(np.median(pixels[:20, :20]))
    assert outside < lung < heart  # MONOCHROME2: air black, lungs dark, mediastinum bright
    assert float(ds.WindowWidth) > 0


@pytest.mark.unit
def test_radiograph_monochrome1_is_inverted(tmp_path: Path) -> None:
    def make(photometric: str, modality: str) -> InstanceInfo:
        [info] = write_radiograph(
            tmp_path,
            PATIENT,
            STUDY,
            rows=300,
            columns=250,
            bits_stored=10,
            seed=4,
            photometric=photometric,
            modality=modality,
        )
        return info

    m2, m1 = make("MONOCHROME2", "DX"), make("MONOCHROME1", "CR")
    d2, d1 = _read(m2), _read(m1)
    assert d1.SOPClassUID == ComputedRadiographyImageStorage
    assert d1.Modality == "CR"
    assert "PresentationIntentType" not in d1
    assert "PixelSpacing" not in d1
    assert d1.PhotometricInterpretation == "MONOCHROME1"
    np.testing.assert_array_equal(d1.pixel_array.astype(int), 1023 - d2.pixel_array.astype(int))
    assert float(d1.WindowCenter) == 1024 - float(d2.WindowCenter)
    assert float(d1.WindowWidth) == float(d2.WindowWidth)


@pytest.mark.unit
@pytest.mark.parametrize(
    "kwargs",
    [{"photometric": "RGB"}, {"modality": "MG"}, {"bits_stored": 17}, {"seed": -1}],
)
def test_radiograph_rejects_bad_arguments(tmp_path: Path, kwargs: dict[str, object]) -> None:
    with pytest.raises(ValueError, match=r"\w"):
        write_radiograph(tmp_path, PATIENT, STUDY, rows=64, columns=64, **kwargs)  # type: ignore[arg-type]


@pytest.mark.unit
def test_invalid_tags_are_rejected(tmp_path: Path) -> None:
    long_accession = StudyTags("1.2.3", "A" * 17, STUDY.study_date, "医院", "CT")
    with pytest.raises(ValueError, match="accession"):
        write_mr_series(tmp_path, PATIENT, long_accession, slices=1, size=16)
    bad_sex = PatientTags("1", "张伟", "", PATIENT.birth_date, "X", PATIENT.id_card)
    with pytest.raises(ValueError, match="sex"):
        write_mr_series(tmp_path, bad_sex, STUDY, slices=1, size=16)


@pytest.mark.unit
def test_ultrasound_cine(tmp_path: Path) -> None:
    [info] = write_ultrasound_cine(tmp_path, PATIENT, STUDY, frames=6, rows=240, columns=320)
    ds = _read(info)
    assert ds.SOPClassUID == UltrasoundMultiFrameImageStorage
    assert ds.Modality == "US"
    assert info.number_of_frames == ds.NumberOfFrames == 6
    assert ds.PhotometricInterpretation == "RGB"
    assert ds.PlanarConfiguration == 0
    assert (ds.SamplesPerPixel, ds.BitsAllocated) == (3, 8)
    assert float(ds.FrameTime) == pytest.approx(1000 / 30, abs=0.01)
    assert ds.CineRate == 30
    assert ds.FrameIncrementPointer == Tag(0x0018, 0x1063)
    region = ds.SequenceOfUltrasoundRegions[0]
    assert region.PhysicalUnitsXDirection == 3
    assert region.PhysicalDeltaX > 0
    frames = ds.pixel_array
    assert frames.shape == (6, 240, 320, 3)
    assert frames.dtype == np.uint8
    assert not np.array_equal(frames[0], frames[3])  # the heart moves
    assert int(frames[0, 0, 0].max()) == 0  # black outside the sector
    assert float(np.mean(frames[0, 60:180, :, 0] > 20)) > 0.15  # grey speckle inside it
    colour = frames[0].astype(int)
    assert int(np.count_nonzero(colour[..., 1] - colour[..., 2] > 100)) > 20  # green ECG


EXPECTED_TS = [
    ImplicitVRLittleEndian,
    ExplicitVRLittleEndian,
    DeflatedExplicitVRLittleEndian,
    ExplicitVRBigEndian,
    RLELossless,
    JPEGBaseline8Bit,
    JPEGExtended12Bit,
    JPEGLosslessSV1,
    JPEGLSLossless,
    JPEGLSNearLossless,
    JPEG2000Lossless,
    JPEG2000,
]


@pytest.mark.unit
def test_transfer_syntax_set_decodes(ts_set: list[InstanceInfo]) -> None:
    gdcm_jpeg.register()  # pydicom reads 12-bit JPEG Extended only with it (no GPL libjpeg)
    assert [info.transfer_syntax_uid for info in ts_set] == EXPECTED_TS
    assert [info.series_number for info in ts_set] == list(range(1, 13))
    assert len({info.series_uid for info in ts_set}) == len(ts_set)
    pixels: dict[str, npt.NDArray[np.generic]] = {}
    for info in ts_set:
        ds = _read(info)
        assert ds.file_meta.TransferSyntaxUID == info.transfer_syntax_uid
        assert ds.StudyInstanceUID == STUDY.study_uid
        assert ds.PatientID == PATIENT.patient_id
        assert ds.PatientName.ideographic == "张^伟"
        array = ds.pixel_array
        shape = (ds.Rows, ds.Columns, 3) if ds.SamplesPerPixel == 3 else (ds.Rows, ds.Columns)
        assert array.shape == shape
        pixels[info.transfer_syntax_uid] = array
        lossy = info.transfer_syntax_uid in (JPEGBaseline8Bit, JPEGExtended12Bit, JPEG2000)
        lossy |= info.transfer_syntax_uid == JPEGLSNearLossless
        assert ds.LossyImageCompression == ("01" if lossy else "00")
    ct = pixels[ImplicitVRLittleEndian].astype(int)
    for ts in (ExplicitVRBigEndian, RLELossless, JPEGLosslessSV1, JPEG2000Lossless):
        np.testing.assert_array_equal(pixels[ts].astype(int), ct)
    assert int(np.abs(pixels[JPEGLSNearLossless].astype(int) - ct).max()) <= 3
    mr = pixels[DeflatedExplicitVRLittleEndian].astype(int)
    np.testing.assert_array_equal(pixels[JPEGLSLossless].astype(int), mr)
    rgb = pixels[ExplicitVRLittleEndian].astype(int)
    assert float(np.abs(pixels[JPEGBaseline8Bit].astype(int) - rgb).mean()) < 3.0


@pytest.mark.unit
def test_bundled_jpeg_extended_is_retagged_not_reencoded(ts_set: list[InstanceInfo]) -> None:
    [info] = [i for i in ts_set if i.transfer_syntax_uid == JPEGExtended12Bit]
    ds = _read(info)
    source_path = get_testdata_file("JPGExtended.dcm", download=False)
    assert isinstance(source_path, str)
    source = pydicom.dcmread(source_path)
    assert ds.PixelData == source.PixelData
    assert ds.SOPInstanceUID != source.SOPInstanceUID
    assert ds.PatientID == PATIENT.patient_id
    assert "Lestrade" not in str(ds.PatientName)
    assert not any(elem.tag.is_private for elem in ds)


@pytest.mark.unit
def test_the_workstation_decodes_the_set_as_the_uncompressed_originals(
    ts_set: list[InstanceInfo],
) -> None:
    # through its own decoders (GDCM for JPEG incl. signed 16-bit lossless, CharLS, OpenJPEG)
    by_syntax = {info.transfer_syntax_uid: load(info.path).pixels for info in ts_set}
    ct = by_syntax[ImplicitVRLittleEndian].astype(int)
    for ts in (ExplicitVRBigEndian, RLELossless, JPEGLosslessSV1, JPEG2000Lossless):
        np.testing.assert_array_equal(by_syntax[ts].astype(int), ct)
    np.testing.assert_array_equal(
        by_syntax[JPEGLSLossless].astype(int), by_syntax[DeflatedExplicitVRLittleEndian]
    )
    assert by_syntax[JPEGExtended12Bit].max() > 200  # the 12-bit bone scan, decoded
