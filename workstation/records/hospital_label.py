"""The issuing hospital of a result as the doctor reads it, in one place for every header."""

from __future__ import annotations

from workstation.model import Hospital, Result


def with_level(hospital: Hospital) -> str:
    """ "绵阳市中心医院（三级甲等）"; the name alone when its grade is not known."""
    return hospital.name + (f"（{hospital.level_name}）" if hospital.level_name else "")


def hospital_label(result: Result, hospital: Hospital | None) -> str:
    """The hospital that issued ``result`` (``hospital``: the platform's entry for it, None
    when the platform does not list it): its name with its grade; for a paper result from a
    hospital not on the platform, the name as she typed it from the paper; else the
    platform's id of it ("" when there is none)."""
    if hospital is not None:
        return with_level(hospital)
    typed = result.paper.hospital_name if result.paper is not None else ""
    return typed or result.hospital_id
