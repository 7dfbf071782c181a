"""Which parts of a saved object can be drawn on the study on screen: a mark or key image on
an image the study does not have (or a frame it does not have) is listed as not shown, and
an object of another study shows nothing."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace

from workstation.annotations.model import NotShown, SavedObject, Why


def place_on_study(
    obj: SavedObject, study_uid: str, frames: Mapping[str, int | None]
) -> SavedObject:
    """``obj`` keeping only the marks and key images on images of ``frames`` (SOP Instance
    UID → number of frames, None when not known yet) with a frame in range; the rest moves
    to ``not_shown``. An object of another study keeps nothing."""
    if obj.study_instance_uid and obj.study_instance_uid != study_uid:
        return replace(
            obj,
            marks=(),
            key_images=(),
            window=None,
            windows=(),
            not_shown=(NotShown("the whole object", "it belongs to another study", Why.ELSEWHERE),),
        )
    not_shown = list(obj.not_shown)
    marks = []
    for mark in obj.marks:
        reason = _missing(mark.sop_instance_uid, mark.frame, frames)
        if reason:
            not_shown.append(NotShown(f"a {mark.kind.value}", reason, Why.ELSEWHERE))
        else:
            marks.append(mark)
    keys = []
    for uid, frame in obj.key_images:
        reason = _missing(uid, frame, frames)
        if reason:
            not_shown.append(NotShown("a key image", reason, Why.ELSEWHERE))
        else:
            keys.append((uid, frame))
    return replace(obj, marks=tuple(marks), key_images=tuple(keys), not_shown=tuple(not_shown))


def _missing(uid: str, frame: int, frames: Mapping[str, int | None]) -> str:
    if uid not in frames:
        return "it refers to an image that is not in this study"
    count = frames[uid]
    if count is not None and not 0 <= frame < max(count, 1):
        return f"it refers to frame {frame + 1} of an image with {count}"
    return ""
