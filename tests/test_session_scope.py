"""Scopes and lanes of the application layer, without Qt."""

from __future__ import annotations

import threading
import time

import pytest

from workstation.session.lanes import Lane, Lanes
from workstation.session.scope import Scope

pytestmark = pytest.mark.unit


def test_opening_a_scope_again_closes_the_previous_one_and_everything_inside_it() -> None:
    root = Scope("session")
    first = root.open("patient")
    study = first.open("study")
    cell = study.open("cell 1")
    token = threading.Event()
    cell.link(token)
    second = root.open("patient")
    assert [first.closed, study.closed, cell.closed, token.is_set()] == [True] * 4
    assert not second.closed
    assert root.current("patient") is second
    assert not root.closed


def test_a_scope_opened_inside_a_closed_one_is_closed_and_links_fire_at_once() -> None:
    root = Scope("session")
    patient = root.open("patient")
    patient.close()
    late = patient.open("result")
    assert late.closed
    token = threading.Event()
    late.link(token)
    assert token.is_set()
    assert root.current("patient") is None


def test_the_journal_lane_is_not_queued_behind_interactive_work() -> None:
    lanes = Lanes({Lane.INTERACTIVE: 2})
    release = threading.Event()
    try:
        for _ in range(6):  # six slow series downloads fill the interactive lane and queue
            lanes.submit(Lane.INTERACTIVE, release.wait, 5)
        start = time.perf_counter()
        lanes.submit(Lane.JOURNAL, lambda: None).result(timeout=1)
        assert time.perf_counter() - start < 0.1
    finally:
        release.set()
        lanes.shutdown()


def test_synced_scrolling_keeps_the_offset_she_aligned_and_picks_the_nearest_slice() -> None:
    from workstation.imaging.sync import nearest_slice, synced_position

    # current at −253 mm, prior at −86 mm when she tied them; the current moves 10 mm up
    wanted = synced_position(-253.0, -243.0, -86.0)
    assert wanted == -76.0
    assert nearest_slice([-90.0, None, -77.5, -70.0], wanted) == 2
    assert nearest_slice([None, None], 0.0) is None


def test_times_are_shown_in_beijing_time() -> None:
    import datetime as dt

    from workstation.clock import china_time

    utc = dt.datetime(2026, 11, 30, 17, 30, tzinfo=dt.UTC)
    assert china_time(utc).strftime("%Y-%m-%d %H:%M") == "2026-12-01 01:30"
    with pytest.raises(ValueError, match="zone"):
        china_time(dt.datetime(2026, 1, 1))


def test_a_cells_view_state_announces_only_real_changes() -> None:
    from workstation.imaging.voi import Window
    from workstation.session.cell import CellView

    cell = CellView()
    seen: list[str] = []
    cell.changed.connect(seen.append)
    cell.window = Window(40, 400)
    cell.window = Window(40, 400)  # the same window again: nothing to redraw
    cell.quarter_turns = 5  # turns wrap
    cell.flipped = True
    cell.index = 3
    cell.reset()
    assert seen == [
        "window",
        "quarter_turns",
        "flipped",
        "index",
        "window",
        "quarter_turns",
        "flipped",
    ]
    assert cell.quarter_turns == 0
    assert cell.index == 3  # reset keeps the slice
