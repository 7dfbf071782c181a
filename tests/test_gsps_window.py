"""A presentation state's window (Softcopy VOI LUT module) is read in full and put in the
units of the image it is shown on; the shown state she turned on last is the one in effect,
and turning it off gives her own window back."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
from pydicom import dcmread
from pydicom.dataset import Dataset
from pydicom.uid import generate_uid

from tests.dicom_builders import image_dataset
from tests.gsps_builders import complete_state, hospital_gsps, lut_item, voi_item, voi_table_item
from workstation.annotations.gsps_writer import presentation_state
from workstation.annotations.measure import mark_to_save
from workstation.annotations.model import Author, Rendering, SavedObject
from workstation.annotations.reader import read_object
from workstation.annotations.service import part10
from workstation.annotations.softcopy_voi import state_on_image, window_on_image
from workstation.imaging.decode import decode
from workstation.imaging.display import StateSteps
from workstation.imaging.marks import Mark, MarkKind
from workstation.imaging.voi import PresentationLutShape, VoiFunction, Window
from workstation.session.annotations import StatePart, StudyAnnotations, parts_on_image
from workstation.session.cell import CellView

CT = "1.2.840.10008.5.1.4.1.1.2"
STUDY, SERIES = generate_uid(), generate_uid()
A, B, C = generate_uid(), generate_uid(), generate_uid()


def _read(
    images: list[str], *items: Dataset, rescale: tuple[float, float] | None = None
) -> SavedObject:
    ds = hospital_gsps(STUDY, [(SERIES, CT, uid) for uid in images], items, rescale)
    return read_object(dcmread(io.BytesIO(part10(ds))))


def test_her_own_presentation_states_window_comes_back_in_her_units() -> None:
    ds = image_dataset((np.arange(64 * 80, dtype=np.int16) % 2000).reshape(64, 80), modality="CT")
    ds.RescaleSlope, ds.RescaleIntercept = 1, -1024
    ds.PixelSpacing = [0.7, 0.7]
    image = decode(ds)
    saved = [mark_to_save(image, 0, Mark(1, MarkKind.LENGTH, ((3.0, 2.0), (30.0, 20.0))))]
    rendering = Rendering((-600.0, 1500.0), (1.0, -1024.0), "CT")
    ds = presentation_state(saved, rendering, Author("李明", "dr.li"), dt.datetime.now(dt.UTC))
    obj = read_object(dcmread(io.BytesIO(part10(ds))))
    window = window_on_image(obj.windows, image.sop_instance_uid, (1.0, -1024.0))
    assert window is not None
    assert (window.center, window.width) == (-600.0, 1500.0)
    assert window_on_image(obj.windows, generate_uid(), (1.0, -1024.0)) is None


def test_a_window_after_the_states_own_rescale_is_carried_into_the_images_units() -> None:
    # the state's modality LUT: value = stored × 2 − 2048; the image's: stored − 1024
    obj = _read([A], voi_item(-1248.0, 3000.0, "SIGMOID", "LUNG"), rescale=(2.0, -2048.0))
    window = window_on_image(obj.windows, A, (1.0, -1024.0))
    # −1248 in the state's units is stored 400, which the image calls −624; 3000 wide is 1500
    assert window == Window(-624.0, 1500.0, VoiFunction.SIGMOID, "LUNG")
    assert obj.window == (-1248.0, 3000.0)  # the list names the numbers as written


def test_a_state_without_a_modality_lut_windows_the_stored_values() -> None:
    obj = _read([A], voi_item(1064.0, 400.0))
    assert window_on_image(obj.windows, A, (1.0, -1024.0)) == Window(
        40.0, 400.0, explanation="GSPS"
    )


def test_each_image_takes_the_window_meant_for_it() -> None:
    only_b = voi_item(40.0, 400.0, only=[(CT, B)])
    every = voi_item(-600.0, 1500.0)
    obj = _read([A, B], only_b, every, rescale=(1.0, -1024.0))
    on_a, on_b = (window_on_image(obj.windows, uid, (1.0, -1024.0)) for uid in (A, B))
    assert on_a == Window(-600.0, 1500.0, explanation="GSPS")
    assert on_b == Window(40.0, 400.0, explanation="GSPS")
    assert window_on_image(obj.windows, C, (1.0, -1024.0)) is None  # not named by the state


def test_what_of_the_window_cannot_be_applied_is_listed() -> None:
    lut = voi_item(0.0, 1.0)
    del lut.WindowCenter, lut.WindowWidth
    lut.VOILUTSequence = []
    obj = _read([A], lut, voi_item(40.0, 0.0), voi_item(40.0, 400.0, "CUBIC"))
    assert obj.windows == ()
    assert obj.window is None
    assert len(obj.not_shown) == 3


def test_the_state_turned_on_last_is_in_effect_and_turning_it_off_gives_the_one_before() -> None:
    lung = _read([A], voi_item(-600.0, 1500.0), rescale=(1.0, -1024.0))
    soft = _read([A], voi_item(40.0, 400.0), rescale=(1.0, -1024.0))
    model = StudyAnnotations("dr.li")
    model.set_objects(STUDY, [lung, soft])
    first, second = model.objects
    assert model.window_in_effect() is second  # both shown: the last listed
    model.set_visible(1, False)
    assert model.window_in_effect() is first
    model.set_visible(1, True)
    assert model.window_in_effect() is second
    model.set_visible(0, False)
    model.set_visible(1, False)
    assert model.window_in_effect() is None  # her own window


def test_a_state_with_tables_or_a_shape_is_in_effect_and_says_what_of_it_is_used() -> None:
    film = image_dataset(
        (np.arange(32 * 32, dtype=np.uint16) % 4096).reshape(32, 32), "MONOCHROME1"
    )
    film.BitsStored = 12
    image = decode(film)
    named = [(film.SeriesInstanceUID, film.SOPClassUID, film.SOPInstanceUID)]
    table = voi_table_item(lut_item(list(range(0, 4096, 16)), 0, 8))
    with_table = hospital_gsps(film.StudyInstanceUID, named, [table], None)
    complete_state(with_table, 32, 32, shape="IDENTITY")
    shape_only = complete_state(
        hospital_gsps(film.StudyInstanceUID, named, [], None), 32, 32, "INVERSE"
    )
    first, second = (
        read_object(dcmread(io.BytesIO(part10(ds)))) for ds in (with_table, shape_only)
    )
    on = state_on_image(first, image)
    assert on is not None
    # a VOI table, and IDENTITY on a MONOCHROME1 film: not inverted as the film itself is
    assert parts_on_image(on, image) == {StatePart.VOI_TABLE, StatePart.NOT_INVERTED}
    on = state_on_image(second, image)
    assert on is not None
    assert on.voi is None  # no VOI named: the viewer keeps the image's window
    assert parts_on_image(on, image) == frozenset()  # INVERSE on MONOCHROME1: as the film is
    model = StudyAnnotations("dr.li")
    model.set_objects(film.StudyInstanceUID, [first, second])
    assert model.window_in_effect() is model.objects[1]
    model.set_visible(1, False)
    assert model.window_in_effect() is model.objects[0]
    model.set_visible(0, False)
    assert model.window_in_effect() is None
    other = decode(image_dataset(np.zeros((4, 4), np.uint16)))
    assert state_on_image(first, other) is None  # an image it does not name


def test_a_cell_gives_the_states_steps_only_to_the_images_the_state_names() -> None:
    cell = CellView()
    steps = StateSteps(presentation=PresentationLutShape.INVERSE)
    cell.state_steps, cell.state_images = steps, frozenset({A})
    assert cell.state_on(A) == (steps, None)
    assert cell.state_on(B) == (None, None)  # another slice of the cell: its own display


def test_a_window_after_a_damaged_modality_lut_table_is_not_applied() -> None:
    state = hospital_gsps(STUDY, [(SERIES, CT, A)], [voi_item(40.0, 400.0)], None)
    broken = lut_item([1, 2, 3], 0, 12)
    broken.LUTDescriptor = [3, 0, 40]  # 40 bits an entry: C.11.1.1 allows 8 … 16
    complete_state(state, 8, 8, modality_lut=broken)
    obj = read_object(dcmread(io.BytesIO(part10(state))))
    assert obj.windows == ()
    assert obj.luts.modality is None
    assert any("modality LUT" in n.what for n in obj.not_shown)
