"""Small DICOM files built in the test from the standard's rules (no copied data), and the
DCMTK tools that render or re-encode them as an independent reference."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import numpy as np
import numpy.typing as npt
from pydicom.dataset import Dataset, FileMetaDataset
from pydicom.uid import UID, ExplicitVRLittleEndian, generate_uid

from workstation.imaging.decode import DicomImage, load

DCMJ2PNM = shutil.which("dcmj2pnm")
DCMCONV = shutil.which("dcmconv")
DCMCRLE = shutil.which("dcmcrle")
SECONDARY_CAPTURE = "1.2.840.10008.5.1.4.1.1.7"


def image_dataset(
    pixels: npt.NDArray[np.integer],
    photometric: str = "MONOCHROME2",
    bits_stored: int | None = None,
    planar: int = 0,
    modality: str = "OT",
) -> Dataset:
    """A Secondary Capture dataset holding ``pixels`` (frames × rows × columns [× 3] or
    rows × columns [× 3]) natively in explicit VR little endian. Signedness and Bits
    Allocated follow the array's dtype; colour pixels are written with ``planar``."""
    color = photometric in ("RGB", "YBR_FULL", "YBR_FULL_422")
    frames = pixels if pixels.ndim == (4 if color else 3) else pixels[np.newaxis]
    ds = Dataset()
    ds.file_meta = FileMetaDataset()
    ds.file_meta.TransferSyntaxUID = ExplicitVRLittleEndian
    ds.file_meta.MediaStorageSOPClassUID = SECONDARY_CAPTURE
    ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SOPClassUID = SECONDARY_CAPTURE
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID
    ds.StudyInstanceUID = generate_uid()
    ds.SeriesInstanceUID = generate_uid()
    ds.Modality = modality
    ds.PatientName = "TEST^CONFORMANCE"
    ds.Rows, ds.Columns = int(frames.shape[1]), int(frames.shape[2])
    if len(frames) > 1:
        ds.NumberOfFrames = len(frames)
    ds.SamplesPerPixel = 3 if color else 1
    ds.PhotometricInterpretation = photometric
    allocated = frames.dtype.itemsize * 8
    ds.BitsAllocated = allocated
    ds.BitsStored = bits_stored or allocated
    ds.HighBit = ds.BitsStored - 1
    ds.PixelRepresentation = 1 if frames.dtype.kind == "i" else 0
    if color:
        ds.PlanarConfiguration = planar
        if planar == 1:
            frames = np.ascontiguousarray(frames.transpose(0, 3, 1, 2))
    data = np.ascontiguousarray(frames).astype(frames.dtype.newbyteorder("<")).tobytes()
    ds.PixelData = data + b"\0" * (len(data) % 2)
    ds["PixelData"].VR = "OB" if allocated == 8 else "OW"
    return ds


def save(ds: Dataset, path: Path) -> Path:
    """Write ``ds`` as a DICOM file in the transfer syntax of its file meta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds.save_as(path, enforce_file_format=True)
    return path


def dcmconv(source: Path, target: Path, option: str) -> Path:
    """Re-encode with DCMTK: ``+tb`` big endian, ``+ti`` implicit VR, ``+te`` explicit LE.
    DCMTK swaps every value by its VR, an independent check of our byte order."""
    assert DCMCONV is not None
    subprocess.run([DCMCONV, option, str(source), str(target)], check=True, capture_output=True)
    return target


def dcmcrle(source: Path, target: Path) -> Path:
    """RLE Lossless compression by DCMTK (one fragment per frame)."""
    assert DCMCRLE is not None
    subprocess.run([DCMCRLE, str(source), str(target)], check=True, capture_output=True)
    return target


def transfer_syntax(path: Path) -> UID:
    """The transfer syntax a file declares."""
    from pydicom import dcmread

    return UID(dcmread(path, stop_before_pixels=True).file_meta.TransferSyntaxUID)


def read_pnm(data: bytes) -> npt.NDArray[np.uint8]:
    """Parse binary PGM (P5) / PPM (P6) with maxval 255."""
    fields: list[bytes] = []
    pos = 0
    while len(fields) < 4:
        while data[pos : pos + 1].isspace():
            pos += 1
        if data[pos : pos + 1] == b"#":
            pos = data.index(b"\n", pos) + 1
            continue
        end = pos
        while not data[end : end + 1].isspace():
            end += 1
        fields.append(data[pos:end])
        pos = end
    magic, width, height, maxval = fields[0], int(fields[1]), int(fields[2]), int(fields[3])
    assert maxval == 255
    channels = 3 if magic == b"P6" else 1
    pixels = np.frombuffer(data, np.uint8, offset=pos + 1)[: width * height * channels]
    return pixels.reshape((height, width, 3) if channels == 3 else (height, width))


def dcmtk_render(path: Path, *options: str, frame: int = 0) -> npt.NDArray[np.uint8]:
    """What DCMTK's dcmj2pnm shows for one frame (0-based), as 8-bit grey or RGB."""
    assert DCMJ2PNM is not None
    out = path.with_suffix(f".f{frame}.pnm")
    args = [DCMJ2PNM, "--quiet", "+op", "+F", str(frame + 1), *options, str(path), str(out)]
    result = subprocess.run(args, capture_output=True, check=False)
    assert result.returncode == 0, result.stderr
    assert out.exists(), result.stderr
    return read_pnm(out.read_bytes())


def worst_difference(a: npt.NDArray[np.uint8], b: npt.NDArray[np.uint8]) -> int:
    """The largest absolute grey-level difference between two equal-shaped images."""
    assert a.shape == b.shape, (a.shape, b.shape)
    return int(np.max(np.abs(a.astype(np.int32) - b.astype(np.int32))))


def load_quietly(path: Path) -> DicomImage:
    """``load`` a test file without pydicom's warnings about the oddities it was built with."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return load(path)
