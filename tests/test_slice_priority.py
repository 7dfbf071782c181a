"""The retrieval order model: the slice on screen first, then outward; a jump re-orders at
once; the link estimate that chooses compressed or stored bytes."""

from __future__ import annotations

import threading

import pytest

from workstation.dicomweb.parallel import COMPRESS_BELOW_BYTES_S, LinkEstimate
from workstation.dicomweb.priority import SlicePriority

pytestmark = pytest.mark.unit

UIDS = [f"1.2.{i}" for i in range(10)]


def _drain(queue: SlicePriority) -> list[int]:
    out = []
    while (uid := queue.take()) is not None:
        out.append(UIDS.index(uid))
    return out


def test_from_the_focus_outward_below_first() -> None:
    assert _drain(SlicePriority(UIDS, focus=4)) == [4, 5, 3, 6, 2, 7, 1, 8, 0, 9]
    assert _drain(SlicePriority(UIDS)) == list(range(10))
    assert _drain(SlicePriority(UIDS, focus=99)) == list(range(9, -1, -1))


def test_a_jump_reorders_at_once() -> None:
    queue = SlicePriority(UIDS)
    assert [queue.take(), queue.take()] == ["1.2.0", "1.2.1"]
    assert queue.focus_on("1.2.8")
    assert queue.take() == "1.2.8"
    assert queue.take() == "1.2.9"
    assert queue.take() == "1.2.7"
    assert not queue.focus_on("not in the series")
    queue.focus(0)
    assert _drain(queue) == [2, 3, 4, 5, 6]
    assert queue.jumps == 2


def test_put_back_waits_at_its_place_and_duplicates_are_one() -> None:
    queue = SlicePriority([*UIDS, "1.2.3"])
    assert len(queue) == 10
    first = queue.take()
    assert first == "1.2.0"
    queue.put_back(first)
    assert queue.waiting == 10
    assert queue.take() == "1.2.0"


def test_threads_take_each_instance_once() -> None:
    queue = SlicePriority([f"u{i}" for i in range(2000)], focus=1000)
    taken: list[str] = []

    def work() -> None:
        while (uid := queue.take()) is not None:
            taken.append(uid)
            if len(taken) % 100 == 0:
                queue.focus(len(taken))

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(taken) == sorted(f"u{i}" for i in range(2000))


def test_link_estimate_times_the_first_body_alone() -> None:
    now = [0.0]
    link = LinkEstimate(clock=lambda: now[0])
    assert not link.fast()  # unmeasured: treated as a remote platform
    now[0] = 5.0  # a long request latency is not counted
    link.body_started(50_000)  # nor what came at once in the first piece
    now[0] = 6.0
    link.body_received(50_000 + int(COMPRESS_BELOW_BYTES_S / 10))
    assert link.rate() == pytest.approx(COMPRESS_BELOW_BYTES_S / 10)
    assert not link.fast()
    link.body_started(1)
    link.body_received(10**12)  # later bodies (shared by parallel requests) do not count
    assert not link.fast()
    quick = LinkEstimate(clock=lambda: now[0])
    quick.body_started(1000)
    now[0] = 6.01
    quick.body_received(int(COMPRESS_BELOW_BYTES_S))
    assert quick.fast()
    whole = LinkEstimate(clock=lambda: now[0])
    whole.body_started(20_000)
    whole.body_received(20_000)  # one piece: loopback
    assert whole.fast()


def test_a_huge_listing_is_taken_nearest_first_to_the_last_instance() -> None:
    queue = SlicePriority([f"1.{i}" for i in range(100_000)], focus=50_000)
    first = [queue.take() for _ in range(5)]
    queue.focus(10)
    near_new_focus = queue.take()
    taken = 6
    while queue.take() is not None:
        taken += 1
    assert first == ["1.50000", "1.50001", "1.49999", "1.50002", "1.49998"]
    assert near_new_focus == "1.10"
    assert taken == 100_000
