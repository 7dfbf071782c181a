"""Disc studies kept on this computer (workstation/sources/kept.py), Qt-free: sealed files
that come back with the same pixels for the same patient only, a copy cut short never
listed, another key or an altered or swapped file never shown."""

from __future__ import annotations

import datetime as dt
import os
import threading
from pathlib import Path

import numpy as np
import pytest
from pydicom import dcmread

from tests.multi_series import dcmmkdir_disc, write_multi_series_ct
from tests.pacs_data import ZHANG_WEI
from workstation.at_rest import FieldCipher
from workstation.services import LoadedImage
from workstation.sources.base import Cancelled, SourceKind
from workstation.sources.disc import DiscSource
from workstation.sources.kept import KeptStudies

pytestmark = pytest.mark.unit
STUDY = "1.2.826.0.1.3680043.8.498.331"
SERIES = ((1, "软组织 5mm", 3, 5.0), (2, "肺窗 1.25mm", 5, 1.25))


@pytest.fixture
def disc(tmp_path: Path) -> DiscSource:
    written = write_multi_series_ct(tmp_path / "ct", ZHANG_WEI, STUDY, dt.date(2026, 11, 2), SERIES)
    root = dcmmkdir_disc(tmp_path / "disc", [p for s in written for p in s.files])
    source = DiscSource("光盘", root)
    source.read()
    return source


def test_a_kept_study_comes_back_for_her_with_its_pixels(tmp_path: Path, disc: DiscSource) -> None:
    store = KeptStudies(tmp_path / "kept", FieldCipher(os.urandom(32)))
    (study,) = disc.find_studies()
    assert store.keep("p0001", disc, study) == 8
    assert store.studies_of("p0002") == []  # another patient: nothing
    (back,) = store.studies_of("p0001")
    assert back == study  # the listing as it was read from the disc
    source = store.source("p0001", "患者自带")
    assert source.kind is SourceKind.DISC
    assert source.find_studies() == [back]
    original = {
        str(ds.SOPInstanceUID): ds.pixel_array
        for ds in map(dcmread, (p for p in disc.root.rglob("I*") if p.is_file()))
    }
    got: list[LoadedImage] = []
    assert source.load_series(back, back.series[1], got.append) == 5
    for loaded in got:
        assert loaded.image is not None
        assert np.array_equal(loaded.image.pixels[0], original[loaded.sop_instance_uid])
    store.forget("p0001", STUDY)
    assert store.studies_of("p0001") == []


def test_another_key_an_altered_or_swapped_file_is_never_shown(
    tmp_path: Path, disc: DiscSource
) -> None:
    key = os.urandom(32)
    store = KeptStudies(tmp_path / "kept", FieldCipher(key))
    (study,) = disc.find_studies()
    store.keep("p0001", disc, study)
    other = KeptStudies(tmp_path / "kept", FieldCipher(os.urandom(32)))
    assert other.studies_of("p0001") == []  # the keyring was reset: not readable, kept
    folder = store.folder("p0001", STUDY)
    first, second = sorted(folder.glob("[0-9]*.bin"), key=lambda p: int(p.stem))[:2]
    first.write_bytes(second.read_bytes())  # one sealed file put in another's place
    altered = bytearray(second.read_bytes())
    altered[-1] ^= 1
    second.write_bytes(bytes(altered))
    got: list[LoadedImage] = []
    source = store.source("p0001", "患者自带")
    source.load_series(study, study.series[0], got.append)
    assert len(got) == 3
    assert [g.image is None for g in got[:2]] == [True, True]  # refused, not shown
    assert got[2].image is not None


def test_a_copy_cut_short_is_never_listed(tmp_path: Path, disc: DiscSource) -> None:
    store = KeptStudies(tmp_path / "kept", FieldCipher(os.urandom(32)))
    (study,) = disc.find_studies()
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        store.keep("p0001", disc, study, cancel=cancel)
    assert store.studies_of("p0001") == []
    assert not store.folder("p0001", STUDY).exists()
