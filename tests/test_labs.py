"""Lab normalization: units, published factors, the sandbox's hospitals, flags and trends."""

from __future__ import annotations

import datetime as dt
import json
import math
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sandbox.generate.hospitals import HOSPITALS, Hospital
from sandbox.generate.labs import (
    ANALYTES,
    PANELS,
    UNIT_SPELLINGS,
    LabValue,
    conv_to_si,
    generate_panel,
    hospital_tests,
    local_test,
    round_half_up,
    unit_system,
)
from workstation.fhir_systems import CS_LOCAL_LAB
from workstation.labs import (
    AnalyteTable,
    AnalyteTableError,
    UnconvertibleUnit,
    age_text_parts,
    display_unit,
    load_analyte_table,
    normalize,
    normalize_unit,
    recompute_flag,
    trend_series,
)
from workstation.labs.analytes import DEFAULT_DIRECTORY
from workstation.labs.flags import LabFlag, RangeCheck, compare_flag, lab_flag
from workstation.model import Interpretation, LabObservation

pytestmark = pytest.mark.unit

TABLE = load_analyte_table()
UTC = dt.UTC


def _obs(
    loinc: str = "14749-6",
    value: float | None = 5.0,
    unit: str = "mmol/L",
    unit_ucum: str = "mmol/L",
    *,
    ref: tuple[float | None, float | None] = (3.9, 6.1),
    oid: str = "o1",
    hospital_id: str = "scph",
    effective: dt.datetime | None = dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC),
    local_code: str = "",
    local_system: str = "",
    interpretation: Interpretation = Interpretation.UNKNOWN,
) -> LabObservation:
    return LabObservation(
        id=oid,
        name="",
        loinc=loinc,
        local_code=local_code,
        value=value,
        unit=unit,
        unit_ucum=unit_ucum,
        ref_low=ref[0],
        ref_high=ref[1],
        interpretation=interpretation,
        effective=effective,
        hospital_id=hospital_id,
        local_system=local_system,
    )


def _from_lab_value(
    hospital: Hospital, lab: LabValue, *, loinc: bool = True, ucum: bool = True
) -> LabObservation:
    """A LabObservation as the workstation parses one of the sandbox's reported values."""
    return LabObservation(
        id=f"{hospital.id}-{lab.analyte_key}",
        name=lab.name_zh,
        loinc=lab.loinc if loinc else "",
        local_code=lab.local_code,
        value=lab.value,
        unit=lab.unit_display,
        unit_ucum=lab.unit_ucum if ucum else "",
        ref_low=lab.ref_low,
        ref_high=lab.ref_high,
        interpretation=Interpretation(lab.interpretation),
        effective=dt.datetime(2026, 3, 1, tzinfo=UTC),
        hospital_id=hospital.id,
        local_system=f"{CS_LOCAL_LAB}/{hospital.id}",
    )


# --- (a) round trips ----------------------------------------------------------------------

UNIT_PAIRS = [
    (a.key, source, target)
    for a in TABLE.analytes
    for source in TABLE.units(a.key)
    for target in TABLE.units(a.key)
]


@settings(max_examples=500, deadline=None)
@given(
    pair=st.sampled_from(UNIT_PAIRS),
    value=st.floats(min_value=1e-3, max_value=1e6, allow_nan=False, allow_infinity=False),
)
def test_conversion_round_trip(pair: tuple[str, str, str], value: float) -> None:
    key, source, target = pair
    there = TABLE.convert(key, value, source, target)
    back = TABLE.convert(key, there, target, source)
    assert math.isclose(back, value, rel_tol=1e-9)


def test_every_convertible_unit_is_in_a_round_trip() -> None:
    pairs = {(k, s) for k, s, t in UNIT_PAIRS if s != t}
    assert ("HBA1C", "mmol/mol") in pairs
    assert ("CTNI", "pg/mL") in pairs
    assert len(pairs) >= 40


# --- (b) published factors, written here independently ---------------------------------

PUBLISHED = [
    # key, value, from, to, expected, tolerance
    ("GLU", 100.0, "mg/dL", "mmol/L", 5.55, 0.01),
    ("CREA", 1.0, "mg/dL", "umol/L", 88.4, 1e-9),
    ("UREA", 30.0, "mg/dL", "mmol/L", 5.0, 0.01),  # urea itself (BUN: test_lab_conversions)
    ("UA", 6.0, "mg/dL", "umol/L", 356.9, 0.5),
    ("TBIL", 1.0, "mg/dL", "umol/L", 17.1, 1e-9),
    ("DBIL", 1.0, "mg/dL", "umol/L", 17.1, 1e-9),
    ("TC", 200.0, "mg/dL", "mmol/L", 5.17, 0.01),
    ("HDL", 50.0, "mg/dL", "mmol/L", 1.29, 0.01),
    ("LDL", 130.0, "mg/dL", "mmol/L", 3.36, 0.01),
    ("TG", 150.0, "mg/dL", "mmol/L", 1.69, 0.01),
    ("HGB", 13.5, "g/dL", "g/L", 135.0, 1e-9),
    ("ALB", 4.0, "g/dL", "g/L", 40.0, 1e-9),
    ("TP", 7.0, "g/dL", "g/L", 70.0, 1e-9),
    ("CA", 10.0, "mg/dL", "mmol/L", 2.50, 0.01),
    ("HBA1C", 7.0, "%", "mmol/mol", 53.0, 1.0),
    ("HBA1C", 48.0, "mmol/mol", "%", 6.5, 0.05),
    ("CTNI", 0.04, "ng/mL", "ng/L", 40.0, 1e-9),
    ("CTNI", 26.0, "pg/mL", "ng/L", 26.0, 1e-9),
]


@pytest.mark.parametrize(("key", "value", "source", "target", "expected", "tol"), PUBLISHED)
def test_published_factors(
    key: str, value: float, source: str, target: str, expected: float, tol: float
) -> None:
    assert TABLE.convert(key, value, source, target) == pytest.approx(expected, abs=tol)


def test_conversion_accepts_printed_spellings() -> None:
    assert TABLE.convert("CREA", 1.0, "mg/dl", "μmol/L") == pytest.approx(88.4)
    assert TABLE.convert("GLU", 5.55, "mmol／L", "mg/dl") == pytest.approx(100.0)


@pytest.mark.parametrize(
    ("key", "source", "target"),
    [
        ("GLU", "g/L", "mmol/L"),  # a unit the table does not list for glucose
        ("GLU", "mg/dL", "furlong"),
        ("ALT", "mg/dL", "U/L"),
        ("NOPE", "mmol/L", "mmol/L"),
        ("PT", "s", "min"),
    ],
)
def test_unconvertible_pairs_raise(key: str, source: str, target: str) -> None:
    with pytest.raises(UnconvertibleUnit):
        TABLE.convert(key, 1.0, source, target)
    assert issubclass(UnconvertibleUnit, ValueError)


def test_table_agrees_with_the_sandbox_generator() -> None:
    """For every analyte, each unit the sandbox reports in converts like the sandbox does."""
    for key, analyte in ANALYTES.items():
        info = TABLE.analyte(key)
        assert info is not None, key
        assert analyte.loinc_si in info.loinc_codes
        if analyte.unit_conv is None:
            continue
        assert analyte.loinc_conv in info.loinc_codes
        code = info.code(analyte.loinc_conv)
        assert code is not None
        for value in (0.5, 7.0, 123.0):
            expected_si = conv_to_si(analyte, value)
            got_si = TABLE.convert(
                key, value, analyte.unit_conv, analyte.unit_si, component=code.component
            )
            assert got_si == pytest.approx(expected_si, rel=1e-9), key


def test_preferred_units() -> None:
    expected = {
        "GLU": "mmol/L",
        "CREA": "umol/L",
        "UREA": "mmol/L",
        "HGB": "g/L",
        "HBA1C": "%",
        "CTNI": "ng/L",
        "TC": "mmol/L",
    }
    for key, unit in expected.items():
        info = TABLE.analyte(key)
        assert info is not None
        assert info.preferred_unit == unit
    # cardiac troponin T is not in the sandbox's panel but is time-sensitive all the same
    assert {a.key for a in TABLE.analytes if a.time_sensitive} == set(
        PANELS["cardiac"].analyte_keys
    ) | {"CTNT"}


# --- (c) unit spellings -------------------------------------------------------------------

SPELLINGS = [
    ("umol/L", "umol/L"),
    ("μmol/L", "umol/L"),  # Greek mu U+03BC
    ("µmol/l", "umol/L"),  # micro sign U+00B5
    ("mmol/l", "mmol/L"),
    ("MMOL/L", "mmol/L"),
    ("g/dl", "g/dL"),
    ("mg/dl", "mg/dL"),
    ("ng/ml", "ng/mL"),
    ("pg/ml", "pg/mL"),
    ("U/L", "U/L"),
    ("IU/L", "[IU]/L"),
    ("10^9/L", "10*9/L"),
    ("×10^9/L", "10*9/L"),
    ("×10⁹/L", "10*9/L"),
    ("10*9/L", "10*9/L"),
    ("10E9/L", "10*9/L"),
    ("10^12/L", "10*12/L"),
    ("x10⁶/µL", "10*6/uL"),
    ("K/uL", "10*3/uL"),
    ("%", "%"),
    ("％", "%"),
    ("s", "s"),
    ("sec", "s"),
    ("秒", "s"),
    ("mmol/mol", "mmol/mol"),
    ("mmol／L", "mmol/L"),
    ("ｍｇ／ｄＬ", "mg/dL"),
    ("  mg/dL ", "mg/dL"),
    ("mEq/L", "meq/L"),
    ("INR", "{INR}"),
    ("", ""),
]


@pytest.mark.parametrize(("printed", "ucum"), SPELLINGS)
def test_normalize_unit(printed: str, ucum: str) -> None:
    assert normalize_unit(printed) == ucum


@pytest.mark.parametrize("printed", ["furlong", "mg%", "mmol", "个/HP", " 10^9个/L "])
def test_unknown_unit_is_returned_stripped_not_guessed(printed: str) -> None:
    assert normalize_unit(printed) == printed.strip()


@pytest.mark.parametrize(
    ("ucum", "shown"),
    [
        ("umol/L", "µmol/L"),
        ("10*9/L", "×10⁹/L"),
        ("10*12/L", "×10¹²/L"),
        ("10*3/uL", "×10³/µL"),
        ("[IU]/L", "IU/L"),
        ("u[IU]/mL", "µIU/mL"),
        ("{INR}", ""),
        ("mmol/L", "mmol/L"),
        ("furlong", "furlong"),
    ],
)
def test_display_unit(ucum: str, shown: str) -> None:
    assert display_unit(ucum) == shown


def test_every_table_unit_displays_and_reads_back() -> None:
    for analyte in TABLE.analytes:
        for unit in TABLE.units(analyte.key):
            if unit != "{INR}":
                assert normalize_unit(display_unit(unit)) == unit


def test_every_sandbox_spelling_is_understood() -> None:
    for ucum, spellings in UNIT_SPELLINGS.items():
        for spelling in spellings:
            got = normalize_unit(spelling)
            assert got == ("[IU]/L" if spelling == "IU/L" else ucum), spelling


def test_unknown_unit_is_flagged_with_the_value_as_reported() -> None:
    result = normalize(TABLE, _obs(value=90.0, unit="mg%", unit_ucum="", ref=(70.0, 110.0)))
    assert result.problem == "unknown_unit"
    assert (result.value, result.unit, result.ref_low, result.ref_high) == (
        90.0,
        "mg%",
        70.0,
        110.0,
    )
    assert not result.converted


def test_coded_and_printed_units_that_disagree_are_flagged() -> None:
    result = normalize(TABLE, _obs(value=100.0, unit="mmol/L", unit_ucum="mg/dL"))
    assert result.problem == "unknown_unit"
    # "U/L" coded and "IU/L" printed mean the same.
    same = normalize(TABLE, _obs("1742-6", 30.0, "IU/L", "U/L", ref=(9.0, 50.0)))
    assert same.problem == ""
    assert same.value == 30.0


def test_unknown_analyte_and_no_value() -> None:
    unknown = normalize(TABLE, _obs("99999-9", 1.0))
    assert unknown.problem == "unknown_analyte"
    assert unknown.value == 1.0
    empty = normalize(TABLE, _obs(value=None))
    assert empty.problem == "no_value"
    assert empty.value is None


def test_normalize_converts_value_and_range() -> None:
    result = normalize(TABLE, _obs("2345-7", 126.0, "mg/dl", "mg/dL", ref=(70.0, 110.0)))
    assert result.problem == ""
    assert result.converted
    assert result.unit == "mmol/L"
    assert result.value == pytest.approx(6.99, abs=0.01)
    assert result.ref_low == pytest.approx(3.885, abs=0.001)
    assert result.ref_high == pytest.approx(6.105, abs=0.001)
    same = normalize(TABLE, _obs())
    assert not same.converted
    assert same.value == 5.0


# --- (d) the sandbox's hospitals ----------------------------------------------------------


def test_every_hospital_analyte_maps_by_loinc_and_by_local_code() -> None:
    for hospital in HOSPITALS:
        system = f"{CS_LOCAL_LAB}/{hospital.id}"
        for key, test in hospital_tests(hospital).items():
            by_loinc = TABLE.analyte_for(test.loinc)
            by_local = TABLE.analyte_for("", system, test.local_code)
            assert by_loinc is not None, (hospital.id, key)
            assert by_loinc.key == key
            assert by_local is not None, (hospital.id, key, test.local_code)
            assert by_local.key == key
    # A local code of another hospital means nothing here.
    assert TABLE.analyte_for("", f"{CS_LOCAL_LAB}/nowhere", "GLU") is None


@pytest.mark.parametrize("hospital", HOSPITALS, ids=lambda h: h.id)
def test_generated_values_normalize_without_problem(hospital: Hospital) -> None:
    rng = random.Random(f"test-labs:{hospital.id}")
    for panel in PANELS:
        for bias in (0.0, 1.0):
            for lab in generate_panel(panel, hospital, rng, abnormal_bias=bias):
                for variant in (
                    _from_lab_value(hospital, lab),
                    _from_lab_value(hospital, lab, loinc=False),  # local code map alone
                    _from_lab_value(hospital, lab, ucum=False),  # printed unit alone
                ):
                    result = normalize(TABLE, variant)
                    assert result.problem == "", (hospital.id, lab)
                    assert result.analyte is not None
                    assert result.analyte.key == lab.analyte_key
                    assert result.unit == result.analyte.preferred_unit
                    assert result.value is not None
                    # The hospital's own flag survives conversion (criticals aside).
                    flag = recompute_flag(result.value, result.ref_low, result.ref_high)
                    expected = {"HH": "H", "LL": "L"}.get(lab.interpretation, lab.interpretation)
                    assert flag.value == expected, (hospital.id, lab, flag)


def _pairs_in_different_units() -> list[tuple[str, Hospital, Hospital]]:
    pairs = []
    for key, analyte in ANALYTES.items():
        if analyte.unit_conv is None:
            continue
        by_system: dict[str, Hospital] = {}
        for hospital in HOSPITALS:
            by_system.setdefault(unit_system(hospital, analyte), hospital)
        if len(by_system) == 2:
            pairs.append((key, by_system["si"], by_system["conv"]))
    return pairs


@pytest.mark.parametrize(("key", "si_hospital", "conv_hospital"), _pairs_in_different_units())
def test_si_and_conventional_hospitals_agree_after_normalization(
    key: str, si_hospital: Hospital, conv_hospital: Hospital
) -> None:
    analyte = ANALYTES[key]
    low, high = analyte.ref_si
    rng = random.Random(key)
    for _ in range(50):
        true_si = rng.uniform(max(low, 0.01), high * 2)
        reported = []
        for hospital in (si_hospital, conv_hospital):
            test = local_test(hospital, key)
            printed_unit = analyte.unit(test.system)
            info = TABLE.analyte(key)
            code = info.code(test.loinc) if info is not None else None
            component = code.component if code is not None else ""
            exact = TABLE.convert(
                key, true_si, analyte.unit_si, printed_unit, to_component=component
            )
            printed = round_half_up(exact, test.decimals)
            obs = _obs(test.loinc, printed, test.unit_display, test.unit_ucum, ref=(None, None))
            result = normalize(TABLE, obs)
            assert result.problem == ""
            assert result.value is not None
            # Half of the last printed digit, in the preferred unit.
            half = 0.5 * 10.0**-test.decimals
            step = abs(
                TABLE.convert(key, printed + half, printed_unit, result.unit, component=component)
                - TABLE.convert(key, printed, printed_unit, result.unit, component=component)
            )
            reported.append((result.value, step))
        (a, step_a), (b, step_b) = reported
        assert abs(a - b) <= step_a + step_b + 1e-9, (key, true_si, a, b)


# --- (e) flags against this hospital's range ---------------------------------------------


def test_recompute_flag() -> None:
    assert recompute_flag(5.0, 3.9, 6.1) is Interpretation.NORMAL
    assert recompute_flag(6.1, 3.9, 6.1) is Interpretation.NORMAL  # a bound is normal
    assert recompute_flag(3.9, 3.9, 6.1) is Interpretation.NORMAL
    assert recompute_flag(6.11, 3.9, 6.1) is Interpretation.HIGH
    assert recompute_flag(3.89, 3.9, 6.1) is Interpretation.LOW
    assert recompute_flag(30.0, None, 26.2) is Interpretation.HIGH
    assert recompute_flag(0.0, None, 26.2) is Interpretation.NORMAL
    assert recompute_flag(1.0, 2.0, None) is Interpretation.LOW
    assert recompute_flag(1.0, None, None) is Interpretation.UNKNOWN
    assert recompute_flag(None, 1.0, 2.0) is Interpretation.UNKNOWN


def test_flag_uses_each_hospitals_own_range() -> None:
    # The same 6.2 mmol/L is high at a lab whose range ends at 6.1, normal at one ending at 6.4.
    strict = normalize(TABLE, _obs(value=6.2, ref=(3.9, 6.1)))
    lenient = normalize(TABLE, _obs(value=6.2, ref=(4.1, 6.4)))
    assert recompute_flag(strict.value, strict.ref_low, strict.ref_high) is Interpretation.HIGH
    assert recompute_flag(lenient.value, lenient.ref_low, lenient.ref_high) is (
        Interpretation.NORMAL
    )
    # A bound stays a bound after conversion: 110 mg/dL against "70-110 mg/dL" is normal.
    conv = normalize(TABLE, _obs("2345-7", 110.0, "mg/dL", "mg/dL", ref=(70.0, 110.0)))
    assert recompute_flag(conv.value, conv.ref_low, conv.ref_high) is Interpretation.NORMAL


# --- (f) trends ---------------------------------------------------------------------------


def test_trend_series_groups_sorts_and_normalizes() -> None:
    day = dt.datetime(2026, 3, 1, 8, 0, tzinfo=UTC)
    observations = [
        _obs("14749-6", 7.2, oid="g3", effective=day + dt.timedelta(days=30)),
        _obs(
            "2345-7",
            110.0,
            "mg/dl",
            "mg/dL",
            ref=(70.0, 100.0),
            oid="g1",
            hospital_id="cdtf",
            effective=day,
        ),
        _obs("14749-6", 5.0, oid="g2", effective=day + dt.timedelta(days=3)),
        _obs(
            "14682-9",
            80.0,
            "μmol/L",
            "umol/L",
            ref=(53.0, 106.0),
            oid="c1",
            effective=day,
        ),
        _obs("14749-6", None, oid="no-value"),
        _obs("14749-6", 5.0, oid="no-time", effective=None),
        _obs("14749-6", 5.0, "mg%", "", oid="bad-unit"),
        _obs("99999-9", 5.0, oid="unknown"),
    ]
    series = trend_series(TABLE, observations)
    assert set(series) == {"GLU", "CREA"}
    glucose = series["GLU"]
    assert [p.observation_id for p in glucose] == ["g1", "g2", "g3"]
    first = glucose[0]
    assert first.unit == "mmol/L"
    assert first.value == pytest.approx(6.105, abs=0.001)
    assert first.ref_high == pytest.approx(5.55, abs=0.001)
    assert (first.original_value, first.original_unit) == (110.0, "mg/dl")
    assert first.hospital_id == "cdtf"
    # unflagged by the hospital: above cdtf's own 70-100 mg/dL is questioned, not "H"
    assert first.flag == LabFlag(
        Interpretation.UNKNOWN, Interpretation.HIGH, RangeCheck.ABOVE_RANGE
    )
    assert first.flag.questioned
    assert glucose[1].flag.recomputed is Interpretation.NORMAL
    assert not glucose[1].flag.disagrees
    assert glucose[2].flag.check is RangeCheck.ABOVE_RANGE
    assert series["CREA"][0].unit == "umol/L"


def test_trend_keeps_the_hospitals_own_flag() -> None:
    obs = _obs(value=2.0, ref=(3.9, 6.1), interpretation=Interpretation.CRITICAL_LOW)
    (point,) = trend_series(TABLE, [obs])["GLU"]
    assert point.flag.reported is Interpretation.CRITICAL_LOW
    assert point.flag == lab_flag(obs)
    assert not point.flag.disagrees  # critical low and below the range agree


# --- (g) the flag a value shows -----------------------------------------------------------

FLAG = Interpretation
CHECK = RangeCheck


@pytest.mark.parametrize(
    ("reported", "value", "check"),
    [
        (FLAG.HIGH, 7.0, CHECK.AGREES),
        (FLAG.HIGH, 5.0, CHECK.WITHIN_RANGE),  # the hospital says H, its own range says normal
        (FLAG.HIGH, 3.0, CHECK.BELOW_RANGE),
        (FLAG.CRITICAL_HIGH, 7.0, CHECK.AGREES),
        (FLAG.CRITICAL_HIGH, 5.0, CHECK.WITHIN_RANGE),
        (FLAG.LOW, 3.0, CHECK.AGREES),
        (FLAG.LOW, 7.0, CHECK.ABOVE_RANGE),
        (FLAG.CRITICAL_LOW, 5.0, CHECK.WITHIN_RANGE),
        (FLAG.ABNORMAL, 7.0, CHECK.AGREES),
        (FLAG.ABNORMAL, 3.0, CHECK.AGREES),
        (FLAG.ABNORMAL, 5.0, CHECK.WITHIN_RANGE),
        (FLAG.NORMAL, 5.0, CHECK.AGREES),
        (FLAG.NORMAL, 7.0, CHECK.ABOVE_RANGE),  # flagged normal, above the range
        (FLAG.UNKNOWN, 7.0, CHECK.ABOVE_RANGE),  # not flagged, above the range
        (FLAG.UNKNOWN, 3.0, CHECK.BELOW_RANGE),
        (FLAG.UNKNOWN, 5.0, CHECK.AGREES),
        (FLAG.UNKNOWN, 6.1, CHECK.AGREES),  # a bound is within the range
    ],
)
def test_lab_flag_keeps_the_hospitals_flag_and_says_where_the_range_differs(
    reported: Interpretation, value: float, check: RangeCheck
) -> None:
    flag = lab_flag(_obs(value=value, ref=(3.9, 6.1), interpretation=reported))
    assert flag.reported is reported  # never replaced
    assert flag.check is check
    assert flag.disagrees is (check is not CHECK.AGREES)
    assert flag.flagged is (reported not in (FLAG.NORMAL, FLAG.UNKNOWN))
    assert flag.questioned is (not flag.flagged and flag.disagrees)


def test_lab_flag_without_a_value_or_range_checks_nothing() -> None:
    for obs in (
        _obs(value=None, interpretation=FLAG.HIGH),
        _obs(value=math.nan, interpretation=FLAG.HIGH),
        _obs(value=9.0, ref=(None, None), interpretation=FLAG.LOW),
    ):
        flag = lab_flag(obs)
        assert flag.reported is obs.interpretation
        assert flag.recomputed is FLAG.UNKNOWN
        assert flag.check is CHECK.AGREES
    assert lab_flag(_obs(value=9.0, ref=(None, None))).direction == 0


def test_lab_flag_direction() -> None:
    assert lab_flag(_obs(value=5.0, interpretation=FLAG.CRITICAL_HIGH)).direction == 1
    assert lab_flag(_obs(value=7.0, interpretation=FLAG.LOW)).direction == -1  # the hospital's
    assert lab_flag(_obs(value=7.0)).direction == 1  # questioned high
    assert lab_flag(_obs(value=3.0, interpretation=FLAG.NORMAL)).direction == -1
    assert lab_flag(_obs(value=5.0, interpretation=FLAG.ABNORMAL)).direction == 0
    assert compare_flag(FLAG.HIGH, FLAG.NORMAL) == lab_flag(
        _obs(value=5.0, interpretation=FLAG.HIGH)
    )


def test_the_trend_flag_is_the_tables_flag_in_any_unit() -> None:
    # the hospital printed mg/dL; the trend converts to mmol/L, the flag is the same
    obs = _obs("2345-7", 105.0, "mg/dL", "mg/dL", ref=(70.0, 100.0), interpretation=FLAG.NORMAL)
    (point,) = trend_series(TABLE, [obs])["GLU"]
    assert point.flag == lab_flag(obs)
    assert point.flag.check is CHECK.ABOVE_RANGE


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (dt.timedelta(seconds=20), (0, "minutes")),
        (dt.timedelta(minutes=59, seconds=59), (59, "minutes")),
        (dt.timedelta(hours=1), (1, "hours")),
        (dt.timedelta(hours=3, minutes=50), (3, "hours")),
        (dt.timedelta(hours=47), (47, "hours")),
        (dt.timedelta(hours=48), (2, "days")),
        (dt.timedelta(days=5, hours=23), (5, "days")),
        (dt.timedelta(minutes=-5), (0, "minutes")),
    ],
)
def test_age_text_parts(elapsed: dt.timedelta, expected: tuple[int, str]) -> None:
    now = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
    assert age_text_parts(now - elapsed, now) == expected


# --- (g) loading --------------------------------------------------------------------------


@pytest.fixture
def table_dir(tmp_path: Path) -> Path:
    for name in ("analytes.json", "local_codes.json"):
        shutil.copy(DEFAULT_DIRECTORY / name, tmp_path / name)
    return tmp_path


def _edit(path: Path, change: object) -> None:
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)  # type: ignore[operator]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def test_table_loads_with_versions(table_dir: Path) -> None:
    table = load_analyte_table(table_dir)
    assert isinstance(table, AnalyteTable)
    assert table.version == TABLE.version != ""
    assert table.local_codes_version != ""


def test_missing_file_is_a_clear_error(table_dir: Path) -> None:
    (table_dir / "local_codes.json").unlink()
    with pytest.raises(AnalyteTableError, match=r"not found: .*local_codes\.json"):
        load_analyte_table(table_dir)
    with pytest.raises(AnalyteTableError, match="not found"):
        load_analyte_table(table_dir / "nowhere")
    # Callers that guard with ValueError (a bad table is bad data) catch it too.
    assert issubclass(AnalyteTableError, ValueError)


def test_invalid_json_is_a_clear_error(table_dir: Path) -> None:
    (table_dir / "analytes.json").write_text("{ not json", encoding="utf-8")
    with pytest.raises(AnalyteTableError, match=r"analytes\.json: not valid JSON"):
        load_analyte_table(table_dir)


def _first_analyte(data: dict[str, list[dict[str, object]]]) -> dict[str, object]:
    return data["analytes"][0]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.pop("version"), "missing 'version'"),
        (lambda d: d.update(analytes={}), "'analytes' must be a list of objects"),
        (
            lambda d: _first_analyte(d).update(loinc=[{"code": "6690-3", "property": "NCnc"}]),
            "not a valid LOINC code",
        ),
        (
            lambda d: _first_analyte(d).update(loinc=[{"code": "718-7", "property": "MCnc"}]),
            "LOINC 718-7 already belongs to 'WBC'",
        ),
        (lambda d: _first_analyte(d).update(loinc=["6690-2"]), "must be an object"),
        (
            lambda d: _first_analyte(d).update(loinc=[{"code": "6690-2", "property": "Mass"}]),
            "unknown property 'Mass'",
        ),
        (
            lambda d: _first_analyte(d).update(
                conversions=[{"unit": "10*3/uL", "factor": 1, "component": "platelets"}]
            ),
            "no LOINC code of the analyte measures 'platelets'",
        ),
        (lambda d: _first_analyte(d).update(preferred_unit="10^9/L"), "write '10\\*9/L'"),
        (lambda d: _first_analyte(d).update(time_sensitive="no"), "'time_sensitive'"),
        (
            lambda d: _first_analyte(d).update(conversions=[{"unit": "10*3/uL", "factor": 0}]),
            "'factor' must be positive",
        ),
        (
            lambda d: _first_analyte(d).update(conversions=[{"unit": "10*3/uL"}]),
            "exactly one of 'factor' and 'divisor'",
        ),
        (lambda d: d["analytes"].append(d["analytes"][0]), "key appears twice"),
    ],
)
def test_malformed_analytes_are_clear_errors(table_dir: Path, change: object, message: str) -> None:
    _edit(table_dir / "analytes.json", change)
    with pytest.raises(AnalyteTableError, match=message):
        load_analyte_table(table_dir)


def test_local_code_to_unknown_loinc_is_a_clear_error(table_dir: Path) -> None:
    def change(data: dict[str, list[dict[str, list[dict[str, str]]]]]) -> None:
        data["systems"][0]["codes"][0]["loinc"] = "12345-6"

    _edit(table_dir / "local_codes.json", change)
    with pytest.raises(AnalyteTableError, match=r"LOINC '12345-6' is not in analytes\.json"):
        load_analyte_table(table_dir)


def test_local_codes_cover_every_sandbox_hospital() -> None:
    data = json.loads((DEFAULT_DIRECTORY / "local_codes.json").read_text(encoding="utf-8"))
    systems = {entry["system"] for entry in data["systems"]}
    assert systems == {f"{CS_LOCAL_LAB}/{h.id}" for h in HOSPITALS}


def test_reference_range_text() -> None:
    from workstation.labs.reference_range import range_text

    def plain(value: float) -> str:
        return f"{value:g}"

    assert range_text(3.5, 5.3, plain) == "3.5–5.3"
    assert range_text(None, 26.3, plain, gap=" ") == "≤ 26.3"
    assert range_text(60, None, plain) == "≥60"
    assert range_text(None, None, plain) == ""
