"""The x labels of a printed trend: a date each (the year where it starts or changes), the
hour where two points share a day, side by side and never over one another."""

from __future__ import annotations

import datetime as dt
import itertools

from workstation.summary.time_axis import label_lines, lay_out

CST = dt.timezone(dt.timedelta(hours=8))


def _at(day: int, hour: int = 8, month: int = 3, year: int = 2026) -> dt.datetime:
    return dt.datetime(year, month, day, hour, tzinfo=CST)


def _width(text: str) -> float:
    return 3.5 * len(text)  # 7 pt digits are about half as wide as high


def test_a_day_apart_is_two_dates_and_one_day_is_told_apart_by_the_hour() -> None:
    times = [_at(30, month=12, year=2025), _at(1), _at(2, 9), _at(2, 15)]
    assert label_lines(times, range(4)) == [
        ("2025-12-30",),
        ("2026-03-01",),  # the year again where it changes
        ("03-02", "09:00"),
        ("03-02", "15:00"),
    ]


def test_china_time_decides_the_day() -> None:
    late = dt.datetime(2026, 3, 1, 17, 0, tzinfo=dt.UTC)  # 01:00 on 2 March in China
    assert label_lines([_at(1), late], range(2)) == [("2026-03-01",), ("03-02",)]


def test_labels_crowded_together_are_moved_apart_and_none_overlaps() -> None:
    times = [_at(1), _at(2), _at(3), _at(3, 15)]
    xs = [400.0, 402.0, 404.0, 406.0]
    labels = lay_out(xs, times, _width, 0.0, 500.0)
    assert [label.lines[0] for label in labels] == ["2026-03-01", "03-02", "03-03", "03-03"]
    assert [label.tick for label in labels] == xs
    edges = [(label.x - _width(label.lines[0]) / 2, label.x + _width(label.lines[0]) / 2)
             for label in labels]  # fmt: skip
    assert all(a[1] + 4.0 <= b[0] + 1e-9 for a, b in itertools.pairwise(edges))
    assert edges[0][0] >= 0.0
    assert edges[-1][1] <= 500.0


def test_the_same_minute_is_labelled_once_and_too_many_labels_are_thinned() -> None:
    assert len(lay_out([10.0, 10.0], [_at(1), _at(1)], _width, 0.0, 100.0)) == 1
    times = [_at(1) + dt.timedelta(days=n) for n in range(30)]
    xs = [10.0 + 3.0 * n for n in range(30)]
    labels = lay_out(xs, times, _width, 0.0, 120.0)
    assert 1 < len(labels) < 30
    assert labels[0].tick == xs[0]
    assert labels[-1].tick == xs[-1]
    assert labels[0].lines == ("2026-03-01",)
