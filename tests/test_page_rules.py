"""The page-level rules without a window: where the window opens on a 1366×768 laptop and how
the patient page shares its width, the saved window geometry, the summary's file name, why
"accept all eligible" accepts nothing, the region's statistics (server and CSV), and that
the demo thyroid ultrasound shows a thyroid."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import numpy as np
import pytest

from sandbox.generate.catalog import catalog_document
from sandbox.generate.us_thyroid import linear_geometry, thyroid_frames
from sandbox.region_report import latest_decisions, region_breakdown
from sandbox.store import CATALOG_META_KEY, Store
from ui.window_fit import FRAME_ALLOWANCE, NARROW_WINDOW, Rect, initial_placement, page_widths
from workstation import fhir_systems as systems
from workstation.config import Settings, settings_from_json, settings_to_json
from workstation.model import Category, Result
from workstation.recognition.region_stats import parse_region_statistics, region_csv
from workstation.recognition.validity import Assessment, Eligibility
from workstation.summary.naming import summary_file_name
from workstation.timeline import SkipReason, bulk_accept_plan

LAPTOP = Rect(0, 0, 1366, 768)
DESKTOP = Rect(0, 0, 1920, 1040)  # 1920×1080 less a task bar


# --- window and page --------------------------------------------------------------------------
def test_on_a_1366x768_laptop_the_window_fits_and_opens_maximized() -> None:
    placement = initial_placement(LAPTOP, None, False)
    assert placement.maximized
    rect = placement.rect
    # the frame's allowance included, nothing (status bar) falls below the screen's edge
    assert rect.y + rect.height + FRAME_ALLOWANCE[0] <= LAPTOP.height
    assert rect.x >= 0
    assert rect.x + rect.width <= LAPTOP.width
    assert rect.height <= 768 - FRAME_ALLOWANCE[1]


def test_on_a_large_screen_the_window_opens_at_most_of_it_centred() -> None:
    placement = initial_placement(DESKTOP, None, False)
    assert not placement.maximized
    assert (placement.rect.width, placement.rect.height) == (1728, 936)
    assert abs(placement.rect.x - (1920 - 1728) // 2) <= 1
    assert DESKTOP.contains(placement.rect)


def test_the_saved_placement_is_kept_when_it_fits_and_refitted_when_not() -> None:
    kept = initial_placement(DESKTOP, (100, 80, 1500, 900), True)
    assert kept.rect == Rect(100, 80, 1500, 900)
    assert kept.maximized
    # saved on a second monitor that is gone: back on this screen, fitted
    moved = initial_placement(LAPTOP, (2000, 80, 1500, 900), False)
    assert LAPTOP.contains(moved.rect)
    assert moved.rect.height <= 768 - FRAME_ALLOWANCE[1]


def test_window_geometry_is_kept_in_the_settings_and_bad_values_are_forgotten() -> None:
    settings = Settings(window_geometry=(10, 20, 1300, 700), window_maximized=True)
    again = settings_from_json(settings_to_json(settings))
    assert again.window_geometry == (10, 20, 1300, 700)
    assert again.window_maximized
    broken = json.loads(settings_to_json(settings))
    broken["window_geometry"] = [10, 20, "wide", 700]
    assert settings_from_json(json.dumps(broken)).window_geometry is None


def test_images_get_at_least_60_percent_of_a_laptop_window_beside_the_report_column() -> None:
    widths = page_widths(1362, images=True)
    assert widths.timeline == 0  # folded; its button brings it back
    assert widths.images >= 0.7 * 1362
    assert 300 <= widths.side <= 420
    wide = page_widths(1920, images=True)
    assert wide.timeline > 0
    assert wide.images >= 0.55 * 1920
    assert NARROW_WINDOW > 1366
    labs = page_widths(1362, images=False)
    assert labs.timeline >= 360


# --- summary file name ------------------------------------------------------------------------
def test_the_summary_is_offered_under_the_masked_id_and_the_date() -> None:
    name = summary_file_name("互认摘要", "110101199003071234", "p0001", dt.date(2026, 12, 1))
    # the on-screen mask, in the full-width ＊ that Windows allows in a file name
    assert name == "互认摘要_1101＊＊＊＊＊＊＊＊＊＊1234_2026-12-01.pdf"
    assert "199003" not in name
    without = summary_file_name("互认摘要", "", "p0001", dt.date(2026, 12, 1))
    assert without == "互认摘要_p0001_2026-12-01.pdf"
    odd = summary_file_name("a/b", "", "x:y", dt.date(2026, 12, 1))
    assert "/" not in odd
    assert ":" not in odd


# --- accept all eligible ------------------------------------------------------------------------
def _lab(rid: str, hour: int) -> Result:
    return Result(
        rid,
        "p1",
        Category.LAB,
        "JY001",
        "血常规",
        "h1",
        dt.datetime(2026, 12, 1, hour, tzinfo=dt.UTC),
    )


def test_bulk_accept_says_why_each_result_of_the_visit_is_left_out() -> None:
    results = [_lab("r1", 1), _lab("r2", 2), _lab("r3", 3), _lab("r4", 4)]
    valid = Assessment(Eligibility.VALID, "v", dt.timedelta(hours=3))
    expired = Assessment(Eligibility.EXPIRED, "v", dt.timedelta(days=40))
    no_mark = Assessment(Eligibility.NO_MARK, "v", dt.timedelta(hours=3))
    assessments = {"r1": valid, "r2": expired, "r3": no_mark}  # r4: not checked
    plan = bulk_accept_plan(results, results[0], assessments, {"r1": "accepted"})
    assert plan.accept == []
    reasons = {r.id: (why, rule) for r, why, rule in plan.skipped}
    assert reasons == {
        "r1": (SkipReason.DECIDED, None),
        "r2": (SkipReason.NOT_ELIGIBLE, Eligibility.EXPIRED),
        "r3": (SkipReason.NOT_ELIGIBLE, Eligibility.NO_MARK),
        "r4": (SkipReason.NOT_CHECKED, None),
    }
    assert plan.skip_counts() == {
        SkipReason.DECIDED: 1,
        Eligibility.EXPIRED: 1,
        Eligibility.NO_MARK: 1,
        SkipReason.NOT_CHECKED: 1,
    }
    undecided = bulk_accept_plan(results, results[0], assessments, {})
    assert [r.id for r in undecided.accept] == ["r1"]


# --- region statistics --------------------------------------------------------------------------
def _task(focus: str, owner: str, decision: str, reason: str = "") -> dict[str, object]:
    task: dict[str, object] = {
        "resourceType": "Task",
        "id": f"t-{focus}-{owner}-{decision}-{reason}",
        "focus": {"reference": f"DiagnosticReport/{focus}"},
        "owner": {"reference": f"Practitioner/{owner}"},
        "authoredOn": "2000-01-01T00:00:00+08:00",  # the client's clock is not believed
        "businessStatus": {"coding": [{"system": systems.CS_DECISION, "code": decision}]},
    }
    if reason:
        task["reasonCode"] = {"coding": [{"system": systems.CS_REPEAT_REASON, "code": reason}]}
    return task


def _report(rid: str, hospital: str, item: str) -> dict[str, object]:
    return {
        "resourceType": "DiagnosticReport",
        "id": rid,
        "code": {"coding": [{"system": systems.CS_RECOGNITION_ITEM, "code": item}]},
        "performer": [{"reference": f"Organization/{hospital}", "display": f"医院{hospital}"}],
    }


def test_each_doctors_latest_decision_counts_by_receipt_time() -> None:
    first = {**_task("r1", "d1", "accepted"), "meta": {"lastUpdated": "2026-12-01T01:00:00Z"}}
    later = {
        **_task("r1", "d1", "repeat-ordered", "R01"),
        "meta": {"lastUpdated": "2026-12-01T02:00:00Z"},
    }
    other = {**_task("r1", "d2", "accepted"), "meta": {"lastUpdated": "2026-12-01T00:30:00Z"}}
    chosen = latest_decisions([later, first, other])  # order of the rows does not matter
    codes = sorted(t["businessStatus"]["coding"][0]["code"] for t, _ in chosen)  # type: ignore[index]
    assert codes == ["accepted", "repeat-ordered"]


def test_region_breakdown_by_hospital_item_and_reason(tmp_path: Path) -> None:
    store = Store(tmp_path / "sandbox.sqlite")
    catalog = catalog_document()
    store.set_meta(CATALOG_META_KEY, json.dumps(catalog, ensure_ascii=False))
    prices = {i["code"]: i["price_yuan"] for i in catalog["items"]}  # type: ignore[index, union-attr]
    for resource in (
        _report("r1", "h1", "JC001"),
        _report("r2", "h1", "JC001"),
        _report("r3", "h2", "JY001"),
        _task("r1", "d1", "accepted"),
        _task("r2", "d1", "repeat-ordered", "R01"),
        _task("r3", "d1", "repeat-ordered", "P05"),  # images not received: not a refusal
        _task("r3", "d2", "accepted"),
        _task("r3", "d2", "withdrawn"),  # written after her accept: takes it back
    ):
        store.put_resource(resource)
    today = dt.datetime.now(dt.timezone(dt.timedelta(hours=8))).date()
    doc = region_breakdown(store, catalog, today, today)
    assert doc["totals"] == {
        "decided": 3,
        "accepted": 1,
        "repeated": 2,
        "refusals": 1,
        "savedYuan": prices["JC001"],
    }
    hospitals = {g["id"]: g for g in doc["byHospital"]}
    assert hospitals["h1"]["decided"] == 2
    assert hospitals["h1"]["accepted"] == 1
    assert hospitals["h1"]["name"] == "医院h1"
    assert hospitals["h2"]["repeated"] == 1
    assert hospitals["h2"]["refusals"] == 0
    items = {g["code"]: g for g in doc["byItem"]}
    assert items["JC001"]["name"] == "头颅CT平扫"
    assert items["JC001"]["decided"] == 2
    reasons = {r["code"]: r for r in doc["byReason"]}
    assert reasons["R01"]["count"] == 1
    assert reasons["R01"]["countsAsRefusal"]
    assert not reasons["P05"]["countsAsRefusal"]
    # outside the period: nothing (the platform's receipt day, not the client's 2000-01-01)
    assert (
        region_breakdown(store, catalog, None, today - dt.timedelta(days=1))["totals"]["decided"]
        == 0
    )
    assert (
        region_breakdown(store, catalog, today + dt.timedelta(days=1), None)["totals"]["decided"]
        == 0
    )

    stats = parse_region_statistics(doc)
    text = region_csv(stats, {"hospital": "医院", "name": "名称"})
    assert text.startswith("\ufeff")  # Excel reads the file as UTF-8
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[1][:3] == ["section", "名称", "decided"]
    assert rows[2][0] == "total"
    assert rows[2][2:5] == ["3", "1", "2"]
    hospital_rows = [r for r in rows if r[0] == "医院"]
    assert {r[1] for r in hospital_rows} == {"医院h1", "医院h2"}
    assert all(len(r) == 9 for r in rows[1:])


def test_region_statistics_refuse_another_shape() -> None:
    with pytest.raises(ValueError, match="JSON object"):
        parse_region_statistics([])
    with pytest.raises(ValueError, match="not an object"):
        parse_region_statistics({"byHospital": [1]})


# --- the demo thyroid ultrasound ------------------------------------------------------------
def test_the_thyroid_ultrasound_shows_lobes_either_side_of_the_tracheal_shadow() -> None:
    rows, columns = 480, 640
    frame = thyroid_frames(1, rows, columns, seed=7)[0, :, :, 0].astype(float)
    geo = linear_geometry(rows, columns)
    cm = geo.cm_per_pixel

    def mean_at(x_cm: float, depth_cm: float, half: float = 0.12) -> float:
        x = geo.left + geo.width / 2 + x_cm / cm
        y = geo.top + depth_cm / cm
        r = half / cm
        return float(frame[int(y - r) : int(y + r), int(x - r) : int(x + r)].mean())

    lobe_right, lobe_left = mean_at(-0.85, 1.6), mean_at(0.85, 1.6)
    trachea_shadow = mean_at(0.0, 2.3)
    carotid_right, carotid_left = mean_at(-2.02, 1.62, 0.1), mean_at(2.02, 1.62, 0.1)
    strap_muscle = mean_at(-1.2, 0.52, 0.06)
    # two echogenic lobes, brighter than the muscle over them
    assert lobe_right > 1.3 * strap_muscle
    assert lobe_left > 1.3 * strap_muscle
    # the trachea's air casts a shadow between them; carotids are anechoic rounds
    assert trachea_shadow < 0.4 * min(lobe_right, lobe_left)
    assert max(carotid_right, carotid_left) < 0.25 * min(lobe_right, lobe_left)
    # speckle: the gland is textured, not flat
    x0 = int(geo.left + geo.width / 2 - 1.0 / cm)
    patch = frame[int(geo.top + 1.4 / cm) : int(geo.top + 1.7 / cm), x0 : x0 + int(0.3 / cm)]
    assert patch.std() > 10
    # outside the probe's rectangle the frame is black (apart from the scale and marker)
    assert np.all(frame[geo.top + 10 : geo.top + geo.height - 10, : geo.left - 2] == 0)
