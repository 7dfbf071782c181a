"""Decisions on studies from a PACS or a disc, written to the decision authority.

A platform result's decision goes to that platform (``FhirPlatform.send_decision``). A
study from a PACS or the patient's disc is on no platform: its decision goes to the
configured decision authority (the province's or her own city's platform) as the same
Task, whose ``focus`` names the study by its StudyInstanceUID (a logical reference:
``{"type": "ImagingStudy", "identifier": {"system": "urn:dicom:uid", "value":
"urn:oid:<uid>"}}``) and whose ``for`` is the patient's record on the authority. Created
conditionally on the decision's identifier like every decision Task, so the outbox's
resends never make a second one.

``DecisionAuthority`` is the authority's FhirPlatform with that routing: the journal and
the outbox stay as they are, since a source study's result id (``base.result_id``) carries
its StudyInstanceUID.
"""

from __future__ import annotations

from typing import Any

from workstation import fhir_systems as systems
from workstation.logs import safe
from workstation.recognition.decisions import Decision, PlatformDecision, task_resource
from workstation.records.fhir_parse import MalformedResource, parse_task_decision
from workstation.records.platform import FhirPlatform, log

DICOM_UID_SYSTEM = "urn:dicom:uid"


def source_study_uid(result_id: str) -> str:
    """The StudyInstanceUID of a PACS or disc study's result id (``source:uid``), "" for
    a platform's own result id."""
    source, sep, uid = result_id.rpartition(":")
    return uid if sep and source and uid else ""


def study_focus(study_uid: str) -> dict[str, Any]:
    """A Task focus naming a study by its StudyInstanceUID."""
    return {
        "type": "ImagingStudy",
        "identifier": {"system": DICOM_UID_SYSTEM, "value": f"urn:oid:{study_uid}"},
    }


def study_task(decision: Decision, study_uid: str) -> dict[str, Any]:
    """The decision Task on a study the authority does not hold."""
    return {**task_resource(decision), "focus": study_focus(study_uid)}


class DecisionAuthority(FhirPlatform):
    """A FHIR platform that also takes the decisions on PACS and disc studies."""

    def send_decision(self, decision: Decision) -> str:
        """A platform result's decision as before; a source study's as a Task whose
        focus is its StudyInstanceUID. Idempotent on ``decision.id``."""
        study_uid = source_study_uid(decision.result_id)
        if not study_uid:
            return super().send_decision(decision)
        return self.create_task(study_task(decision, study_uid), decision.id)

    def decisions_on(self, result_id: str, patient_id: str = "") -> list[PlatformDecision]:
        """Every decision recorded on the result; for a source study, those on the
        patient ``patient_id`` whose focus is its StudyInstanceUID (reported with
        ``result_id`` as the result). A StudyInstanceUID is no patient: another patient's
        decision on a study with the same UID (a copied disc, a reused UID) is never
        hers, and without ``patient_id`` none is returned."""
        study_uid = source_study_uid(result_id)
        if not study_uid:
            return super().decisions_on(result_id, patient_id)
        if not patient_id:
            return []
        patient = f"Patient/{patient_id}"
        bundle = self._bundle(
            f"{self.fhir}/Task",
            {
                "focus-identifier": f"{DICOM_UID_SYSTEM}|urn:oid:{study_uid}",
                "patient": patient,
                "code": f"{systems.CS_TASK_CODE}|{systems.TASK_CODE_REVIEW}",
                "_sort": "authored-on",
                "_count": 200,
            },
        )
        found = []
        for entry in bundle.get("entry", []):
            task = entry.get("resource", {})
            if (task.get("for") or {}).get("reference") != patient:
                continue  # a server ignoring the patient parameter: filtered here
            as_report = {**task, "focus": {"reference": f"DiagnosticReport/{result_id}"}}
            try:
                found.append(parse_task_decision(as_report))
            except MalformedResource as exc:
                log.warning("skipping malformed decision Task: %s", safe(exc.problem))
        return found
