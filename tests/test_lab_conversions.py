"""Lab conversions against an independent table worked out by hand from published factors.

Every expected number below was computed by hand (value × published factor, then rounded
to the measured precision) and is written as a literal; none comes from the program. The
factor's source is named in the comment of each group:

- SI conversion factors as tabulated in the AMA Manual of Style (SI units table) and in
  Young DS, "Implementation of SI units for clinical laboratory data", Ann Intern Med
  1987;106:114-129, which derive them from the molar masses given in each comment.
- HbA1c: the IFCC–NGSP master equation, NGSP % = IFCC mmol/mol / 10.929 + 2.15
  (Hoelzel W et al., Clin Chem 2004;50:166-174).
"""

from __future__ import annotations

import datetime as dt

import pytest

from workstation.labs import load_analyte_table, normalize
from workstation.labs.shown import converted_texts
from workstation.model import Interpretation, LabObservation

pytestmark = pytest.mark.unit

TABLE = load_analyte_table()

# (value, unit as printed, LOINC) → (expected value unrounded, as printed, unit as printed)
CASES: list[tuple[float, str, str, float, str, str]] = [
    # Urea, molar mass 60.06 g/mol: mmol/L = mg/dL / 6.006 (urea, not urea nitrogen).
    (30.0, "mg/dL", "22664-7", 4.99500, "5.0", "mmol/L"),
    (60.0, "mg/dL", "3091-6", 9.99001, "10", "mmol/L"),
    (5.2, "mmol/L", "22664-7", 5.2, "5.2", "mmol/L"),
    # Urea nitrogen (BUN): 28.014 g of nitrogen per mol of urea: urea mmol/L = mg/dL × 0.357.
    (14.0, "mg/dL", "3094-0", 4.998, "5.0", "mmol/L"),
    (20.0, "mg/dL", "3094-0", 7.14, "7.1", "mmol/L"),
    (7.0, "mg/dL", "3094-0", 2.499, "2.5", "mmol/L"),
    # Creatinine, 113.12 g/mol: µmol/L = mg/dL × 88.4; mmol/L × 1000.
    (1.23, "mg/dL", "2160-0", 108.732, "109", "µmol/L"),
    (0.8, "mg/dL", "2160-0", 70.72, "71", "µmol/L"),
    (2.5, "mg/dL", "2160-0", 221.0, "221", "µmol/L"),
    (0.09, "mmol/L", "14682-9", 90.0, "90", "µmol/L"),
    # Glucose, 180.16 g/mol: mmol/L = mg/dL × 0.0555.
    (100.0, "mg/dL", "2345-7", 5.55, "5.55", "mmol/L"),
    (126.0, "mg/dL", "2345-7", 6.993, "6.99", "mmol/L"),
    (70.0, "mg/dL", "2345-7", 3.885, "3.9", "mmol/L"),
    (200.0, "mg/dL", "1558-6", 11.1, "11.1", "mmol/L"),
    (90.0, "mg/dL", "2345-7", 4.995, "5.0", "mmol/L"),
    # Total cholesterol, 386.65 g/mol: mmol/L = mg/dL × 0.02586.
    (200.0, "mg/dL", "2093-3", 5.172, "5.17", "mmol/L"),
    (240.0, "mg/dL", "2093-3", 6.2064, "6.21", "mmol/L"),
    # HDL and LDL cholesterol: the cholesterol factor 0.02586.
    (50.0, "mg/dL", "2085-9", 1.293, "1.3", "mmol/L"),
    (40.0, "mg/dL", "2085-9", 1.0344, "1.0", "mmol/L"),
    (130.0, "mg/dL", "2089-1", 3.3618, "3.36", "mmol/L"),
    (100.0, "mg/dL", "18262-6", 2.586, "2.59", "mmol/L"),
    # Triglycerides, as triolein 885.4 g/mol: mmol/L = mg/dL × 0.01129.
    (150.0, "mg/dL", "2571-8", 1.6935, "1.69", "mmol/L"),
    (200.0, "mg/dL", "2571-8", 2.258, "2.26", "mmol/L"),
    (88.0, "mg/dL", "2571-8", 0.99352, "0.99", "mmol/L"),
    # Bilirubin, 584.66 g/mol: µmol/L = mg/dL × 17.1.
    (1.2, "mg/dL", "1975-2", 20.52, "21", "µmol/L"),
    (2.45, "mg/dL", "1975-2", 41.895, "41.9", "µmol/L"),
    (0.3, "mg/dL", "1968-7", 5.13, "5", "µmol/L"),  # one figure measured
    (0.35, "mg/dL", "1968-7", 5.985, "6.0", "µmol/L"),
    # Uric acid, 168.11 g/mol: µmol/L = mg/dL × 59.48; mmol/L × 1000.
    (6.0, "mg/dL", "3084-1", 356.88, "357", "µmol/L"),
    (4.5, "mg/dL", "3084-1", 267.66, "268", "µmol/L"),
    (0.36, "mmol/L", "14933-6", 360.0, "360", "µmol/L"),
    # Haemoglobin, albumin, total protein: g/L = g/dL × 10.
    (13.5, "g/dL", "718-7", 135.0, "135", "g/L"),
    (9.8, "g/dL", "718-7", 98.0, "98", "g/L"),
    (3.5, "g/dL", "1751-7", 35.0, "35", "g/L"),
    (7.2, "g/dL", "2885-2", 72.0, "72", "g/L"),
    # Calcium, 40.08 g/mol: mmol/L = mg/dL × 0.2495; mEq/L × 0.5 (divalent).
    (9.6, "mg/dL", "17861-6", 2.3952, "2.4", "mmol/L"),
    (8.5, "mg/dL", "17861-6", 2.12075, "2.1", "mmol/L"),
    (5.0, "mEq/L", "2000-8", 2.5, "2.5", "mmol/L"),
    # HbA1c: NGSP % = IFCC mmol/mol / 10.929 + 2.15.
    (48.0, "mmol/mol", "59261-8", 6.54198, "6.5", "%"),
    (53.0, "mmol/mol", "59261-8", 6.99948, "7.0", "%"),
    (64.0, "mmol/mol", "59261-8", 8.00598, "8.0", "%"),
    (42.0, "mmol/mol", "59261-8", 5.99299, "6.0", "%"),
    # Troponins, mass: ng/L = ng/mL × 1000 = µg/L × 1000 = pg/mL × 1.
    (0.04, "ng/mL", "10839-9", 40.0, "40", "ng/L"),
    (0.012, "ng/mL", "10839-9", 12.0, "12", "ng/L"),
    (0.009, "ng/mL", "10839-9", 9.0, "9", "ng/L"),  # one figure measured: not "9.0"
    (26.2, "ng/L", "89579-7", 26.2, "26.2", "ng/L"),
    (15.0, "pg/mL", "89579-7", 15.0, "15", "ng/L"),
    (0.01, "ng/mL", "6598-7", 10.0, "10", "ng/L"),
    (0.05, "ug/L", "6598-7", 50.0, "50", "ng/L"),
    (14.0, "ng/L", "67151-1", 14.0, "14", "ng/L"),
    # Counts, fractions, enzymes.
    (6.5, "10^3/uL", "6690-2", 6.5, "6.5", "×10⁹/L"),
    (42.0, "%", "4544-3", 0.42, "0.42", "L/L"),
    (0.5, "ukat/L", "1742-6", 30.0, "30", "U/L"),
    (300.0, "mg/dL", "3255-7", 3.0, "3.00", "g/L"),
]


def _obs(value: float, unit: str, loinc: str) -> LabObservation:
    return LabObservation(
        id="o1",
        name="",
        loinc=loinc,
        local_code="",
        value=value,
        unit=unit,
        unit_ucum="",
        ref_low=None,
        ref_high=None,
        interpretation=Interpretation.UNKNOWN,
        effective=dt.datetime(2026, 3, 1, tzinfo=dt.UTC),
    )


def test_the_table_is_large_enough() -> None:
    assert len(CASES) >= 40
    loincs = {case[2] for case in CASES}
    # urea and BUN in both unit systems, troponins conventional and high-sensitivity
    assert {"22664-7", "3091-6", "3094-0", "10839-9", "89579-7", "6598-7", "67151-1"} <= loincs


@pytest.mark.parametrize(("value", "unit", "loinc", "expected", "text", "shown_unit"), CASES)
def test_conversion(
    value: float, unit: str, loinc: str, expected: float, text: str, shown_unit: str
) -> None:
    obs = _obs(value, unit, loinc)
    norm = normalize(TABLE, obs)
    assert norm.problem == ""
    assert norm.value == pytest.approx(expected, rel=2e-5)
    shown = converted_texts(obs, norm)
    assert (shown.value, shown.unit) == (text, shown_unit)


def test_urea_and_bun_take_different_factors_for_the_same_printed_unit() -> None:
    urea = normalize(TABLE, _obs(30.0, "mg/dL", "22664-7"))
    bun = normalize(TABLE, _obs(30.0, "mg/dL", "3094-0"))
    assert urea.value == pytest.approx(4.995, rel=1e-4)  # not 10.71 (the BUN factor)
    assert bun.value == pytest.approx(10.71, rel=1e-4)


@pytest.mark.parametrize(
    ("value", "unit", "loinc"),
    [
        (5.0, "mmol/L", "3094-0"),  # urea nitrogen in moles: no published factor to urea
        (12.0, "U/L", "13969-1"),  # CK-MB activity on the CK-MB mass code
        (6.0, "%", "14749-6"),  # a percentage for a glucose concentration
        (5.0, "10*9/L", "2345-7"),  # a count for a concentration
        (30.0, "U/L", "2885-2"),  # an activity for total protein
    ],
)
def test_a_unit_that_does_not_fit_the_code_is_unknown_and_shown_as_reported(
    value: float, unit: str, loinc: str
) -> None:
    obs = _obs(value, unit, loinc)
    norm = normalize(TABLE, obs)
    assert norm.problem == "unknown_unit"
    assert (norm.value, norm.unit, norm.converted) == (value, unit, False)


def test_the_factor_follows_the_code_not_the_printed_name() -> None:
    obs = _obs(14.0, "mg/dL", "3094-0")
    named = LabObservation(**{**obs.__dict__, "name": "尿素"})  # BUN printed as 尿素
    assert normalize(TABLE, named).value == pytest.approx(4.998, rel=1e-4)


def test_troponin_assays_are_told_apart() -> None:
    conventional = normalize(TABLE, _obs(0.04, "ng/mL", "10839-9"))
    high_sensitivity = normalize(TABLE, _obs(40.0, "ng/L", "89579-7"))
    assert conventional.method == ""
    assert high_sensitivity.method == "高敏"
    assert conventional.analyte == high_sensitivity.analyte


def test_converted_reference_range_keeps_the_measured_precision() -> None:
    obs = LabObservation(
        **{**_obs(1.23, "mg/dL", "2160-0").__dict__, "ref_low": 0.57, "ref_high": 1.11}
    )
    shown = converted_texts(obs, normalize(TABLE, obs), gap=" ")
    # 0.57 × 88.4 = 50.388, 1.11 × 88.4 = 98.124; creatinine prints whole µmol/L
    assert (shown.value, shown.unit, shown.range) == ("109", "µmol/L", "50–98")


def test_a_reported_method_is_its_own_series() -> None:
    from workstation.labs import trend_series
    from workstation.records.fhir_parse import parse_observation

    resource = {
        "resourceType": "Observation",
        "id": "poct",
        "code": {"coding": [{"system": "http://loinc.org", "code": "14749-6"}]},
        "valueQuantity": {"value": 6.1, "unit": "mmol/L", "code": "mmol/L"},
        "effectiveDateTime": "2026-03-01T08:00:00+08:00",
        "method": {"text": "POCT"},
    }
    poct = parse_observation(resource)
    assert poct.method == "POCT"
    lab = LabObservation(**{**poct.__dict__, "id": "lab", "method": ""})
    series = trend_series(TABLE, [poct, lab])
    assert {key: [p.observation_id for p in points] for key, points in series.items()} == {
        "GLU·POCT": ["poct"],
        "GLU": ["lab"],
    }
