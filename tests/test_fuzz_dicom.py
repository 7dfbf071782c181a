"""Bad DICOM never crashes or hangs the reader: mutated copies of pydicom's test files end in
an image or a DecodeError, quickly and with bounded memory."""

from __future__ import annotations

import io
import resource
import time
import warnings
from pathlib import Path

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
