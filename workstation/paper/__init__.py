"""Results the doctor was handed on paper: the draft she fills in, its checks, its picture
and its FHIR form (Qt-free)."""
