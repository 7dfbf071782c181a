"""Identifier and code systems of the results platform protocol (FHIR URLs and codes).

The province publishes these; the sandbox serves them and the client reads them.
"""

BASE = "https://hr-platform.invalid/fhir"
SID_RESIDENT_ID = f"{BASE}/sid/resident-id"  # 居民身份证号码
SID_ORGANIZATION = f"{BASE}/sid/organization"
SID_PRACTITIONER = f"{BASE}/sid/practitioner"
SID_TASK = f"{BASE}/sid/recognition-decision"  # client-generated decision identifiers


def sid_mrn(hospital_id: str) -> str:
    """The identifier system of one hospital's medical record numbers."""
    return f"{BASE}/sid/mrn/{hospital_id}"


CS_HOSPITAL_LEVEL = f"{BASE}/CodeSystem/hospital-level"
CS_RECOGNITION_ITEM = f"{BASE}/CodeSystem/recognition-item"
CS_TASK_CODE = f"{BASE}/CodeSystem/task-code"
CS_DECISION = f"{BASE}/CodeSystem/recognition-decision"
CS_REPEAT_REASON = f"{BASE}/CodeSystem/repeat-reason"
CS_LOCAL_LAB = f"{BASE}/CodeSystem/local-lab"  # + "/<hospital id>"
EXT_HOSPITAL_LEVEL = f"{BASE}/StructureDefinition/hospital-level"
EXT_REGION = f"{BASE}/StructureDefinition/region"
EXT_RECOGNITION_MARK = f"{BASE}/StructureDefinition/recognition-mark"
EXT_CATALOG_VERSION = f"{BASE}/StructureDefinition/catalog-version"
EXT_PATIENT_INFORMED = f"{BASE}/StructureDefinition/patient-informed"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
DICOM_UID = "urn:dicom:uid"
DCM = "http://dicom.nema.org/resources/ontology/DCM"
V2_0074 = "http://terminology.hl7.org/CodeSystem/v2-0074"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
OBS_INTERPRETATION = "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation"
OBS_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"

TASK_CODE_REVIEW = "recognition-review"
DECISION_CODES = ("viewed", "accepted", "repeat-ordered", "withdrawn")

# Results transcribed from a paper report the patient brought (纸质报告).
SID_PAPER_REPORT = f"{BASE}/sid/paper-report"  # client-generated id of the transcription
CS_RESULT_SOURCE = f"{BASE}/CodeSystem/result-source"  # meta.tag: where a result came from
RESULT_SOURCE_PAPER = "paper"
EXT_TRANSCRIBED = f"{BASE}/StructureDefinition/transcribed-from-paper"  # by / at / document
