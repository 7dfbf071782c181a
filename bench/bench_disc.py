"""The patient's disc: a folder of 20,000 DICOM files without a DICOMDIR (the worst case: every
header is read), and how soon "取消" stops the reading."""

from __future__ import annotations

import tempfile
import threading
import time
from pathlib import Path

from bench.common import record

FILES = 20_000
PER_FOLDER = 500


def _template() -> tuple[bytes, bytes]:
    """A small CT file's bytes and the SOP Instance UID inside them (fixed length)."""
    import io

    from pydicom.dataset import Dataset, FileMetaDataset
    from pydicom.uid import UID, CTImageStorage, ExplicitVRLittleEndian

    uid = UID("1.2.826.0.1.3680043.8.498.9" + "0" * 20)  # 48 characters, even: no padding
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = CTImageStorage
    ds.file_meta.MediaStorageSOPInstanceUID = uid
    ds.SpecificCharacterSet = "ISO_IR 192"
    ds.SOPClassUID = CTImageStorage
    ds.SOPInstanceUID = uid
    ds.PatientName = "Zhang^Wei=张^伟"
    ds.PatientID = "MRN001"
    ds.PatientBirthDate = "19800101"
    ds.PatientSex = "M"
    ds.StudyInstanceUID = "1.2.826.0.1.3680043.8.498.1"
    ds.SeriesInstanceUID = "1.2.826.0.1.3680043.8.498.2"
    ds.StudyDate = "20261101"
    ds.Modality = "CT"
    ds.Rows = ds.Columns = 64
    ds.BitsAllocated = ds.BitsStored = 16
    ds.HighBit = 15
    ds.PixelRepresentation = 0
    ds.SamplesPerPixel = 1
    ds.PhotometricInterpretation = "MONOCHROME2"
    ds.PixelData = b"\0" * (64 * 64 * 2)
    out = io.BytesIO()
    ds.save_as(out, enforce_file_format=True)
    return out.getvalue(), uid.encode("ascii")


def _write_folder(root: Path) -> None:
    data, uid = _template()
    for n in range(FILES):
        unique = uid[: -len(str(n))] + str(n).encode("ascii")  # same length: no re-encoding
        folder = root / f"S{n // PER_FOLDER:04d}"
        folder.mkdir(exist_ok=True)
        (folder / f"I{n:07d}").write_bytes(data.replace(uid, unique))


def run(results: dict[str, float]) -> None:
    """Time a full read of the folder, and the time from 取消 to the reading stopping."""
    from workstation.sources.base import Cancelled
    from workstation.sources.disc import read_disc

    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        _write_folder(root)
        start = time.perf_counter()
        report = read_disc(root)
        record(results, "disc_folder_20000_files_s", time.perf_counter() - start)
        assert report.studies[0].instances == FILES
        cancel = threading.Event()
        stopped: list[float] = []

        def progress(done: int, _total: int | None) -> None:
            if done == 1000:
                stopped.append(time.perf_counter())
                cancel.set()

        try:
            read_disc(root, progress=progress, cancel=cancel)
        except Cancelled:
            record(results, "disc_cancel_latency_ms", (time.perf_counter() - stopped[0]) * 1000)
