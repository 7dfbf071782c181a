"""Bad DICOM never crashes or hangs the reader: mutated copies of pydicom's test files end in
an image or a DecodeError, quickly and with bounded memory."""

from __future__ import annotations

import io
import json
import os
import random
import resource
import subprocess
import sys
import time
import warnings
from pathlib import Path

import numpy as np
import pydicom
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from workstation.imaging.decode import DecodeError, load
from workstation.imaging.display import render_frame

pytestmark = pytest.mark.unit
TEST_FILES = sorted(
    p
    for p in (Path(pydicom.__file__).parent / "data" / "test_files").glob("*.dcm")
    if p.stat().st_size < 400_000
)
SEEDS = [p.read_bytes() for p in TEST_FILES]


def _outcome(data: bytes) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            image = load(io.BytesIO(data))
            render_frame(image, 0)
        except DecodeError:
            return "error"
    return "image"


@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow], derandomize=True
)
@given(
    seed=st.sampled_from(range(len(SEEDS))),
    cuts=st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8),
    truncate=st.one_of(st.none(), st.floats(0.05, 1.0)),
)
def test_mutated_files_end_in_an_image_or_a_clear_error(
    seed: int, cuts: list[tuple[float, int]], truncate: float | None
) -> None:
    data = bytearray(SEEDS[seed])
    for where, value in cuts:
        data[int(where * (len(data) - 1))] = value
    if truncate is not None:
        del data[int(len(data) * truncate) :]
    peak_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    start = time.perf_counter()
    assert _outcome(bytes(data)) in ("image", "error")
    assert time.perf_counter() - start < 5.0
    grown_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak_before
    assert grown_kib < 1_000_000  # never near the 2 GiB pixel cap


def test_header_claiming_huge_image_is_refused_fast() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ds = pydicom.dcmread(TEST_FILES[0], force=True)
    for path in TEST_FILES:
        if path.name == "CT_small.dcm":
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                ds = pydicom.dcmread(path)
    ds.Rows, ds.Columns, ds.NumberOfFrames = 65535, 65535, 100
    buffer = io.BytesIO()
    ds.save_as(buffer)
    start = time.perf_counter()
    with pytest.raises(DecodeError, match="too large"):
        load(io.BytesIO(buffer.getvalue()))
    assert time.perf_counter() - start < 1.0


# --- Mutated files, each decoded and rendered in its own forked process -------------------
#
# ~300 files, mutated deterministically (seeded) from pydicom's test files and from files
# built here with the features the decoders handle (palettes, LUTs, overlays, YCbCr, RLE,
# padding, big endian). Each runs in a child with a 3 GiB address space and 20 s: every
# one must end in an image or a clear DecodeError; no traceback, no abort, no hang.

FUZZ_CASES = 300
ADDRESS_SPACE = 3 * 1024**3
SECONDS = 20
WORKERS = 2
ROOT = Path(__file__).resolve().parent.parent
PHOTOMETRICS = ["MONOCHROME1", "MONOCHROME2", "RGB", "PALETTE COLOR", "YBR_FULL", "YBR_FULL_422"]
SYNTAXES = [
    "1.2.840.10008.1.2",
    "1.2.840.10008.1.2.1",
    "1.2.840.10008.1.2.2",
    "1.2.840.10008.1.2.5",
    "1.2.840.10008.1.2.4.50",
    "1.2.840.10008.1.2.4.80",
    "1.2.840.10008.1.2.4.90",
]
# Attributes a mutation may set, with the values it picks from: edges of their ranges,
# values the standard forbids, and junk.
EXTREMES: dict[str, list[object]] = {
    "Rows": [0, 1, 2, 255, 4096, 65535],
    "Columns": [0, 1, 3, 255, 4096, 65535],
    "BitsAllocated": [0, 1, 7, 8, 12, 16, 24, 32, 64, 255],
    "BitsStored": [0, 1, 7, 12, 16, 17, 40],
    "HighBit": [0, 7, 11, 15, 31, 200],
    "PixelRepresentation": [0, 1, 2],
    "SamplesPerPixel": [0, 1, 2, 3, 4, 255],
    "NumberOfFrames": ["0", "-1", "2", "1000000", "1A", "junk"],
    "PlanarConfiguration": [0, 1, 7],
    "PhotometricInterpretation": PHOTOMETRICS,
    "WindowWidth": [0, 0.5, -1, 1e308, float("nan")],
    "WindowCenter": [float("inf"), -1e308, 0],
    "RescaleSlope": [0, -1, 1e-300, 1e300, float("nan")],
    "RescaleIntercept": [1e300, float("nan")],
    "VOILUTFunction": ["SIGMOID", "LINEAR_EXACT", "BOGUS"],
    "PixelPaddingValue": [0, 65535, -32768],
    "PixelPaddingRangeLimit": [0, 65535],
    "PresentationLUTShape": ["INVERSE", "IDENTITY", "X"],
}
LUT_ITEM_VALUES: list[list[int]] = [
    [0, 0, 16],
    [65535, 65535, 16],
    [4096, 0, 40],
    [1, 0, 8],
    [4096, 32768, 0],
]


def _feature_seeds(folder: Path) -> list[Path]:
    """Small files with the features the decoders handle, in both byte orders."""
    from pydicom.dataset import Dataset
    from pydicom.sequence import Sequence

    from tests.dicom_builders import dcmconv, dcmcrle, image_dataset, save

    rng = np.random.default_rng(9)
    folder.mkdir(parents=True, exist_ok=True)
    made: list[Path] = []

    def keep(ds: Dataset, name: str, big_endian: bool = True) -> None:
        path = save(ds, folder / f"{name}.dcm")
        made.append(path)
        if big_endian:
            made.append(dcmconv(path, folder / f"{name}_be.dcm", "+tb"))

    grey = rng.integers(0, 4096, (2, 24, 32)).astype("<u2")
    ds = image_dataset(grey, "MONOCHROME1", bits_stored=12, modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept, ds.WindowCenter, ds.WindowWidth = 1, -1024, 40, 400
    ds.PixelPaddingValue = 0
    item = Dataset()
    item.LUTDescriptor = [4096, 0, 8]
    item.LUTData = np.arange(2048, dtype="<u2").tobytes()
    item["LUTData"].VR = "OW"
    ds.VOILUTSequence = Sequence([item])
    keep(ds, "ct_voi_lut")
    ds = image_dataset(grey[0], bits_stored=12)
    item = Dataset()
    item.LUTDescriptor = [4096, 0, 16]
    item.LUTData = (np.arange(4096, dtype="<u2") * 16).tobytes()
    item["LUTData"].VR = "OW"
    ds.ModalityLUTSequence = Sequence([item])
    keep(ds, "modality_lut")
    indices = rng.integers(0, 256, (24, 32)).astype(np.uint8)
    for bits in (8, 16):
        ds = image_dataset(indices, "PALETTE COLOR")
        for channel in ("Red", "Green", "Blue"):
            setattr(ds, f"{channel}PaletteColorLookupTableDescriptor", [256, 0, bits])
            table = rng.integers(0, 2**bits, 256).astype("u1" if bits == 8 else "<u2")
            setattr(ds, f"{channel}PaletteColorLookupTableData", table.tobytes())
            ds[f"{channel}PaletteColorLookupTableData"].VR = "OW"
        keep(ds, f"palette_{bits}")
    ds = image_dataset(indices, "PALETTE COLOR")
    for channel in ("Red", "Green", "Blue"):
        setattr(ds, f"{channel}PaletteColorLookupTableDescriptor", [256, 0, 16])
        segments = np.array([0, 1, 0, 1, 127, 65535, 2, 1, 0, 0, 0, 128, *range(128)], "<u2")
        setattr(ds, f"Segmented{channel}PaletteColorLookupTableData", segments.tobytes())
    keep(ds, "palette_segmented")
    rgb = rng.integers(0, 256, (2, 24, 32, 3)).astype(np.uint8)
    keep(image_dataset(rgb, "YBR_FULL", planar=1), "ybr_full")
    ybr = save(image_dataset(rgb, "YBR_FULL"), folder / "ybr_rle_source.dcm")
    made.append(dcmcrle(ybr, folder / "ybr_rle.dcm"))
    ds = image_dataset(grey | (rng.integers(0, 2, grey.shape) << 15).astype("<u2"), bits_stored=12)
    for element, vr, value in [
        (0x60000010, "US", 24),
        (0x60000011, "US", 32),
        (0x60000050, "SS", [1, 1]),
        (0x60000100, "US", 16),
        (0x60000102, "US", 15),
        (0x60020010, "US", 8),
        (0x60020011, "US", 8),
        (0x60020050, "SS", [2, 2]),
        (0x60020100, "US", 1),
        (0x60020102, "US", 0),
        (0x60020015, "IS", 2),
        (0x60020051, "US", 1),
        (0x60023000, "OW", b"\xaa\x55" * 8),
    ]:
        ds.add_new(element, vr, value)
    keep(ds, "overlays")
    return made


def fuzz_seeds(folder: Path) -> list[bytes]:
    """pydicom's test files that hold pixels, and the feature files built here."""
    seeds = [data for data in SEEDS if b"\xe0\x7f\x10\x00" in data]
    return seeds + [p.read_bytes() for p in _feature_seeds(folder)]


def _pixel_data_offset(data: bytes) -> int | None:
    at = data.rfind(b"\xe0\x7f\x10\x00")
    return at if at >= 0 else None


def _structured(seed: bytes, rnd: random.Random) -> bytes | None:
    """The seed with one header attribute (or a LUT descriptor) set to an extreme value;
    None when pydicom cannot write the result."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            ds = pydicom.dcmread(io.BytesIO(seed), force=True)
            choice = rnd.random()
            if choice < 0.1 and getattr(ds, "file_meta", None) is not None:
                ds.file_meta.TransferSyntaxUID = rnd.choice(SYNTAXES)
            elif choice < 0.15:  # a bomb: a small file that claims a huge image
                ds.Rows, ds.Columns = rnd.choice([4096, 12000, 46340, 65535]), 65535 // 2
                ds.NumberOfFrames = rnd.choice(["1", "3", "100"])
            elif choice < 0.25:
                for keyword in ("ModalityLUTSequence", "VOILUTSequence"):
                    for item in ds.get(keyword) or []:
                        item.LUTDescriptor = rnd.choice(LUT_ITEM_VALUES)
                ds.RedPaletteColorLookupTableDescriptor = rnd.choice(LUT_ITEM_VALUES)
            elif choice < 0.35:
                group = 0x6000 + 2 * rnd.randrange(2)
                element = rnd.choice([0x0010, 0x0011, 0x0015, 0x0051, 0x0100, 0x0102])
                vr = "IS" if element == 0x0015 else "US"
                value = rnd.choice([0, 1, 15, 16, 255, 65535])
                ds.add_new((group << 16) | element, vr, str(value) if vr == "IS" else value)
            else:
                keyword = rnd.choice(sorted(EXTREMES))
                setattr(ds, keyword, rnd.choice(EXTREMES[keyword]))
            buffer = io.BytesIO()
            ds.save_as(buffer, enforce_file_format=False)
        except Exception:
            return None
    return buffer.getvalue()


def mutate(seed: bytes, case: int) -> bytes:
    """A deterministic mutant of ``seed`` for case number ``case``."""
    rnd = random.Random(case)
    data = bytearray(seed)
    kind = rnd.random()
    if kind < 0.5:
        structured = _structured(seed, rnd)
        if structured is not None:
            return structured
    if kind < 0.7:  # bytes near the start of the pixel data: RLE header, JPEG markers
        start = _pixel_data_offset(seed) or 0
        for _ in range(rnd.randint(1, 6)):
            data[min(start + rnd.randrange(256), len(data) - 1)] = rnd.randrange(256)
    else:
        for _ in range(rnd.randint(1, 8)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
    if rnd.random() < 0.15:
        del data[rnd.randint(1, len(data)) :]
    return bytes(data)


def _run_workers(paths: list[Path], folder: Path) -> list[dict[str, object]]:
    """Decode and render every file in forked children, ``WORKERS`` servers in parallel."""
    env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])
    workers = []
    for index in range(WORKERS):
        listing = folder / f"worker_{index}.txt"
        listing.write_text("".join(f"{p}\n" for p in paths[index::WORKERS]), encoding="utf-8")
        command = [sys.executable, "-m", "tests.fuzz_worker"]
        command += [str(ADDRESS_SPACE), str(SECONDS), str(listing)]
        workers.append(
            subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
        )
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=SECONDS * len(paths))
        assert worker.returncode == 0, "a fuzz worker died"
        results.extend(json.loads(line) for line in out.splitlines())
    return results


def test_mutated_files_in_child_processes_end_in_an_image_or_a_clear_error(
    tmp_path: Path,
) -> None:
    seeds = fuzz_seeds(tmp_path / "seeds")
    paths = []
    for case in range(FUZZ_CASES):
        path = tmp_path / f"case_{case:03d}.dcm"
        path.write_bytes(mutate(seeds[case % len(seeds)], case))
        paths.append(path)
    results = _run_workers(paths, tmp_path)
    assert len(results) == FUZZ_CASES
    crashes = [r for r in results if r["outcome"] == "crash"]
    details = "\n".join(
        f"{Path(str(r['path'])).name}: status {r['status']}\n{r['message']}" for r in crashes
    )
    assert crashes == [], details
    outcomes = {o: sum(r["outcome"] == o for r in results) for o in ("image", "error")}
    assert outcomes["image"] > 30, outcomes  # the mutants are not all trivially broken
    assert outcomes["error"] > 30, outcomes
    assert all(str(r["message"]).strip() for r in results if r["outcome"] == "error")


HARNESS_PROBE = """
import json, os, sys, time
import tests.fuzz_worker as worker
behaviour = sys.argv[1]
def load(path):
    if behaviour == "abort":
        os.abort()
    if behaviour == "hang":
        time.sleep(60)
    if behaviour == "memory":
        return bytearray(4 * 1024**3)
    raise TypeError("a defect")
worker.load = load
print(json.dumps(worker.run_case("x.dcm", 3 * 1024**3, 2)))
"""


@pytest.mark.parametrize(
    ("behaviour", "status"), [("abort", -6), ("hang", -14), ("memory", 1), ("defect", 1)]
)
def test_the_fuzz_harness_sees_aborts_hangs_and_tracebacks(behaviour: str, status: int) -> None:
    result = subprocess.run(
        [sys.executable, "-c", HARNESS_PROBE, behaviour],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    report = json.loads(result.stdout)
    assert report["outcome"] == "crash"
    assert report["status"] == status
    if status == 1:
        assert "Traceback" in report["message"]
