"""Who and which records the printed summary names: the patient's record numbers (病历号)
at the hospitals the summary concerns, and the doctor behind each decision by the name
the chart knows her by (not her login)."""

from __future__ import annotations

from workstation.model import MedicalRecordNumber
from workstation.recognition.decisions import Decision
from workstation.summary.model import SummaryInput


def record_numbers(summary: SummaryInput) -> list[tuple[str, str]]:
    """The patient's record numbers the summary prints, as (hospital name, number): first
    the printing hospital's (the chart the summary is filed in), then those of each
    hospital whose results are in the summary, in the order its results first appear.

    A number belongs to a hospital of the summary when its hospital id is that of one of
    the results (from any platform: the ids are federated) or when the hospital it names
    is called as a result's hospital is (a disc's hospital is known by its name only).
    Numbers at hospitals the summary does not concern are left out; a number is printed
    once. A number whose hospital is unknown by name is printed under its hospital id.
    """
    names = {h.id: h.name for h in summary.hospitals.values()}
    names.update({i.hospital.id: i.hospital.name for i in summary.items if i.hospital})
    order: list[str] = [summary.hospital_name] if summary.hospital_name else []
    ids: set[str] = set()
    for item in summary.items:
        ids.add(item.result.hospital_id)
        name = item.hospital.name if item.hospital else names.get(item.result.hospital_id, "")
        for known in (name, names.get(item.result.hospital_id, "")):
            if known and known not in order:
                order.append(known)

    def place(number: MedicalRecordNumber) -> int | None:
        name = names.get(number.hospital_id, number.hospital_id)
        if name in order:
            return order.index(name)
        return len(order) if number.hospital_id in ids else None

    listed: list[tuple[int, int, str, str]] = []
    seen: set[tuple[str, str]] = set()
    for position, number in enumerate(summary.patient.mrns):
        rank = place(number)
        shown = (names.get(number.hospital_id, number.hospital_id), number.value)
        if rank is None or shown in seen or not number.value:
            continue
        seen.add(shown)
        listed.append((rank, position, *shown))
    return [(name, value) for _rank, _position, name, value in sorted(listed)]


def decided_by(summary: SummaryInput, decision: Decision) -> str:
    """The doctor who made ``decision`` as the summary names her: the printing doctor's
    display name for her own decisions (``SummaryInput.doctor_username`` is her login),
    else the login the decision was recorded under."""
    if summary.doctor_name and summary.doctor_username == decision.username:
        return summary.doctor_name
    return decision.username
