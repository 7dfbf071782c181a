"""The analyte table: which LOINC and local codes mean which analyte, and its unit factors.

The table lives in two human-editable, versioned JSON files (``resources/labs``):
``analytes.json`` (analytes, their LOINC codes, preferred unit and published conversion
factors) and ``local_codes.json`` (each hospital's local laboratory codes mapped to LOINC).
Both are checked when loaded, so a typo in an edited file fails loudly instead of
converting a value wrongly.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from workstation.labs.units import PROPERTY_KINDS, normalize_unit, unit_kind

__all__ = [
    "ANALYTES_FILE",
    "DEFAULT_DIRECTORY",
    "LOCAL_CODES_FILE",
    "AnalyteInfo",
    "AnalyteTable",
    "AnalyteTableError",
    "LoincCode",
    "UnconvertibleUnit",
    "load_analyte_table",
]

DEFAULT_DIRECTORY = Path(__file__).resolve().parents[2] / "resources" / "labs"
ANALYTES_FILE = "analytes.json"
LOCAL_CODES_FILE = "local_codes.json"

_LOINC = re.compile(r"^(\d{1,7})-(\d)$")


class UnconvertibleUnit(ValueError):
    """A value cannot be converted: unknown analyte, unknown unit or no factor for the pair."""


class AnalyteTableError(ValueError):
    """The analyte table files are missing or malformed (the message names file and entry)."""


@dataclass(frozen=True)
class LoincCode:
    """What one LOINC code of an analyte measures: the quantity, not the label.

    ``property`` is the LOINC property ("MCnc" mass, "SCnc" substance concentration, …);
    ``component`` is "" for the analyte's own component, else the other one the code
    measures ("urea nitrogen" for BUN, converted with its own factor); ``method`` is "" or
    the assay when it is not interchangeable with the analyte's other codes ("高敏": a
    high-sensitivity troponin has its own cut-offs, so it is trended apart).
    """

    code: str
    property: str
    component: str = ""
    method: str = ""


@dataclass(frozen=True)
class AnalyteInfo:
    """One analyte: its names, the unit it is shown in and the LOINC codes that mean it.

    ``decimals`` is how many decimals laboratories customarily print in ``preferred_unit``
    (None: not given); a converted value never shows more.
    """

    key: str
    name_zh: str
    name_en: str
    preferred_unit: str  # UCUM
    loinc_codes: tuple[str, ...]
    time_sensitive: bool  # e.g. cardiac markers: only recent values are of use
    codes: tuple[LoincCode, ...] = ()
    decimals: int | None = None

    def code(self, loinc: str) -> LoincCode | None:
        """What ``loinc`` (one of this analyte's codes) measures; None if it is not one."""
        return next((c for c in self.codes if c.code == loinc.strip()), None)


@dataclass(frozen=True)
class _Conversion:
    """preferred = value × factor ÷ divisor + offset."""

    factor: float
    divisor: float
    offset: float

    def to_preferred(self, value: float) -> float:
        return value * self.factor / self.divisor + self.offset

    def from_preferred(self, value: float) -> float:
        return (value - self.offset) * self.divisor / self.factor


_IDENTITY = _Conversion(1.0, 1.0, 0.0)


class AnalyteTable:
    """Analytes by key, LOINC and local code, with their unit conversions (immutable).

    ``version`` is the version of ``analytes.json``; ``local_codes_version`` that of
    ``local_codes.json``. Build one with ``load_analyte_table``.
    """

    def __init__(
        self,
        version: str,
        analytes: tuple[AnalyteInfo, ...],
        conversions: Mapping[str, Mapping[tuple[str, str], _Conversion]],
        local_codes: Mapping[tuple[str, str], str],
        local_codes_version: str = "",
    ) -> None:
        self.version = version
        self.local_codes_version = local_codes_version
        self.analytes = analytes
        self._by_key = {a.key: a for a in analytes}
        self._by_loinc = {code: a for a in analytes for code in a.loinc_codes}
        # (component, unit) → conversion to the preferred unit; the analyte's own component
        # is "", and only it is already in the preferred unit.
        self._conversions: dict[str, dict[tuple[str, str], _Conversion]] = {
            a.key: {("", a.preferred_unit): _IDENTITY, **conversions.get(a.key, {})}
            for a in analytes
        }
        self._local_codes = dict(local_codes)

    def analyte(self, key: str) -> AnalyteInfo | None:
        """The analyte with ``key`` (e.g. "GLU"), if the table has it."""
        return self._by_key.get(key)

    def analyte_for(
        self, loinc: str, local_system: str = "", local_code: str = ""
    ) -> AnalyteInfo | None:
        """The analyte a result's codes mean: its LOINC code first, then its local code.

        ``local_system`` is the local code system URL (…/CodeSystem/local-lab/<hospital id>).
        None when neither code is known.
        """
        found = self._by_loinc.get(loinc.strip())
        if found is not None:
            return found
        mapped = self._local_codes.get((local_system.strip(), local_code.strip()))
        return None if mapped is None else self._by_loinc.get(mapped)

    def loinc_for_local(self, local_system: str, local_code: str) -> str | None:
        """The LOINC code a hospital's local code maps to, if the map has it."""
        return self._local_codes.get((local_system.strip(), local_code.strip()))

    def units(self, key: str, component: str = "") -> tuple[str, ...]:
        """The UCUM units values of ``key``'s ``component`` ("" its own) can be converted
        from (for its own component also to; preferred first).

        Raises UnconvertibleUnit for an unknown analyte key.
        """
        return tuple(u for c, u in self._analyte_conversions(key) if c == component)

    def convert(
        self,
        key: str,
        value: float,
        from_unit: str,
        to_unit: str,
        *,
        component: str = "",
        to_component: str = "",
    ) -> float:
        """``value`` of analyte ``key`` in ``from_unit`` expressed in ``to_unit`` (unrounded).

        ``component`` is what was measured when it is not the analyte's own ("urea
        nitrogen": a BUN value in mg/dL takes the urea-nitrogen factor, a urea value the
        urea factor); ``to_component`` is the component ``to_unit`` is of. Units may
        be printed spellings; they are normalized first (``normalize_unit``). Conversions
        use the component's published factor (HbA1c: the IFCC–NGSP equation). Raises
        UnconvertibleUnit when the analyte is unknown or a unit is not one the table lists
        for that component.
        """
        conversions = self._analyte_conversions(key)
        source, target = normalize_unit(from_unit), normalize_unit(to_unit)
        for where, unit in ((component, source), (to_component, target)):
            if (where, unit) not in conversions:
                what = f"{key} ({where})" if where else key
                raise UnconvertibleUnit(f"{what}: no conversion for unit {unit!r}")
        if source == target and component == to_component:
            return value
        preferred = conversions[(component, source)].to_preferred(value)
        return conversions[(to_component, target)].from_preferred(preferred)

    def _analyte_conversions(self, key: str) -> dict[tuple[str, str], _Conversion]:
        conversions = self._conversions.get(key)
        if conversions is None:
            raise UnconvertibleUnit(f"unknown analyte {key!r}")
        return conversions


def load_analyte_table(directory: Path | None = None) -> AnalyteTable:
    """Read and check ``analytes.json`` and ``local_codes.json`` from ``directory``.

    ``directory`` defaults to the repository's ``resources/labs``. Raises AnalyteTableError
    naming the file and the entry when a file is missing, is not JSON, or breaks the table's
    rules (unknown keys aside): a non-canonical unit spelling, a LOINC code with a wrong
    check digit or claimed by two analytes, a non-positive factor, a local code mapped to a
    LOINC code no analyte has, …
    """
    folder = DEFAULT_DIRECTORY if directory is None else directory
    analytes_path, local_path = folder / ANALYTES_FILE, folder / LOCAL_CODES_FILE
    version, analytes, conversions = _parse_analytes(analytes_path, _read_json(analytes_path))
    known_loinc = {code for a in analytes for code in a.loinc_codes}
    local_version, local_codes = _parse_local_codes(local_path, _read_json(local_path), known_loinc)
    return AnalyteTable(version, analytes, conversions, local_codes, local_version)


# --- reading and checking ---------------------------------------------------------------


def _read_json(path: Path) -> dict[str, object]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise AnalyteTableError(f"lab table file not found: {path}") from None
    except OSError as exc:
        raise AnalyteTableError(f"cannot read lab table file {path}: {exc}") from exc
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnalyteTableError(f"{path}: not valid JSON: {exc}") from exc
    if not isinstance(data, dict):
        raise AnalyteTableError(f"{path}: expected a JSON object at the top")
    return data


def _field(path: Path, where: str, obj: Mapping[str, object], name: str) -> object:
    if name not in obj:
        raise AnalyteTableError(f"{path}: {where}: missing {name!r}")
    return obj[name]


def _text(path: Path, where: str, obj: Mapping[str, object], name: str) -> str:
    value = _field(path, where, obj, name)
    if not isinstance(value, str) or not value.strip():
        raise AnalyteTableError(f"{path}: {where}: {name!r} must be a non-empty string")
    return value.strip()


def _number(
    path: Path, where: str, obj: Mapping[str, object], name: str, *, positive: bool
) -> float:
    value = _field(path, where, obj, name)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise AnalyteTableError(f"{path}: {where}: {name!r} must be a finite number")
    if positive and value <= 0:
        raise AnalyteTableError(f"{path}: {where}: {name!r} must be positive")
    return float(value)


def _objects(
    path: Path, where: str, obj: Mapping[str, object], name: str
) -> list[dict[str, object]]:
    value = _field(path, where, obj, name)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise AnalyteTableError(f"{path}: {where}: {name!r} must be a list of objects")
    return value


def _unit(path: Path, where: str, obj: Mapping[str, object], name: str) -> str:
    unit = _text(path, where, obj, name)
    if normalize_unit(unit) != unit:
        raise AnalyteTableError(
            f"{path}: {where}: unit {unit!r} is not in canonical UCUM spelling"
            f" (write {normalize_unit(unit)!r})"
        )
    return unit


def _loinc_ok(code: str) -> bool:
    """Whether ``code`` is a well-formed LOINC code with a correct mod-10 check digit."""
    match = _LOINC.match(code)
    if match is None:
        return False
    total = 0
    for position, char in enumerate(reversed(match.group(1))):
        digit = int(char) * (2 if position % 2 == 0 else 1)
        total += digit // 10 + digit % 10
    return (10 - total % 10) % 10 == int(match.group(2))


def _version(path: Path, data: Mapping[str, object]) -> str:
    return _text(path, "top level", data, "version")


def _parse_code(path: Path, where: str, entry: object) -> LoincCode:
    """One entry of an analyte's 'loinc' list: {"code", "property", "component"?, "method"?}."""
    if not isinstance(entry, dict):
        raise AnalyteTableError(f"{path}: {where}: each 'loinc' entry must be an object")
    code = _text(path, where, entry, "code")
    if not _loinc_ok(code):
        raise AnalyteTableError(f"{path}: {where}: {code!r} is not a valid LOINC code")
    prop = _text(path, f"{where}, LOINC {code}", entry, "property")
    if prop not in PROPERTY_KINDS:
        raise AnalyteTableError(
            f"{path}: {where}, LOINC {code}: unknown property {prop!r}"
            f" (one of {', '.join(sorted(PROPERTY_KINDS))})"
        )
    extra = {}
    for name in ("component", "method"):
        if name in entry:
            extra[name] = _text(path, f"{where}, LOINC {code}", entry, name)
    return LoincCode(code, prop, **extra)


def _parse_analytes(
    path: Path, data: Mapping[str, object]
) -> tuple[str, tuple[AnalyteInfo, ...], dict[str, dict[tuple[str, str], _Conversion]]]:
    version = _version(path, data)
    analytes: list[AnalyteInfo] = []
    conversions: dict[str, dict[tuple[str, str], _Conversion]] = {}
    claimed: dict[str, str] = {}
    for index, entry in enumerate(_objects(path, "top level", data, "analytes")):
        key = _text(path, f"analyte #{index + 1}", entry, "key")
        where = f"analyte {key!r}"
        if key in conversions:
            raise AnalyteTableError(f"{path}: {where}: key appears twice")
        preferred = _unit(path, where, entry, "preferred_unit")
        time_sensitive = _field(path, where, entry, "time_sensitive")
        if not isinstance(time_sensitive, bool):
            raise AnalyteTableError(f"{path}: {where}: 'time_sensitive' must be true or false")
        listed = _field(path, where, entry, "loinc")
        if not isinstance(listed, list) or not listed:
            raise AnalyteTableError(f"{path}: {where}: 'loinc' must be a non-empty list")
        codes = [_parse_code(path, where, item) for item in listed]
        for code in codes:
            if code.code in claimed:
                raise AnalyteTableError(
                    f"{path}: {where}: LOINC {code.code} already belongs to {claimed[code.code]!r}"
                )
            claimed[code.code] = key
        decimals: int | None = None
        if "decimals" in entry:
            raw = entry["decimals"]
            if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= 6:
                raise AnalyteTableError(f"{path}: {where}: 'decimals' must be an integer 0–6")
            decimals = raw
        own: dict[tuple[str, str], _Conversion] = {}
        components = {c.component for c in codes}
        for entry_conv in _objects(path, where, entry, "conversions"):
            unit = _unit(path, where, entry_conv, "unit")
            component = ""
            if "component" in entry_conv:
                component = _text(path, where, entry_conv, "component")
            conv_where = f"{where}, conversion from {unit!r}" + (
                f" of {component}" if component else ""
            )
            if component not in components:
                raise AnalyteTableError(
                    f"{path}: {conv_where}: no LOINC code of the analyte measures {component!r}"
                )
            if (not component and unit == preferred) or (component, unit) in own:
                raise AnalyteTableError(f"{path}: {conv_where}: unit listed twice")
            if unit_kind(unit) is None:
                raise AnalyteTableError(f"{path}: {conv_where}: unit of unknown kind")
            has_factor, has_divisor = "factor" in entry_conv, "divisor" in entry_conv
            if has_factor == has_divisor:
                raise AnalyteTableError(
                    f"{path}: {conv_where}: give exactly one of 'factor' and 'divisor'"
                )
            name = "factor" if has_factor else "divisor"
            amount = _number(path, conv_where, entry_conv, name, positive=True)
            offset = 0.0
            if "offset" in entry_conv:
                offset = _number(path, conv_where, entry_conv, "offset", positive=False)
            own[(component, unit)] = (
                _Conversion(amount, 1.0, offset) if has_factor else _Conversion(1.0, amount, offset)
            )
        conversions[key] = own
        analytes.append(
            AnalyteInfo(
                key=key,
                name_zh=_text(path, where, entry, "name_zh"),
                name_en=_text(path, where, entry, "name_en"),
                preferred_unit=preferred,
                loinc_codes=tuple(c.code for c in codes),
                time_sensitive=time_sensitive,
                codes=tuple(codes),
                decimals=decimals,
            )
        )
    if not analytes:
        raise AnalyteTableError(f"{path}: the table lists no analytes")
    return version, tuple(analytes), conversions


def _parse_local_codes(
    path: Path, data: Mapping[str, object], known_loinc: set[str]
) -> tuple[str, dict[tuple[str, str], str]]:
    version = _version(path, data)
    mapping: dict[tuple[str, str], str] = {}
    for index, entry in enumerate(_objects(path, "top level", data, "systems")):
        system = _text(path, f"system #{index + 1}", entry, "system")
        for code_entry in _objects(path, f"system {system!r}", entry, "codes"):
            code = _text(path, f"system {system!r}", code_entry, "code")
            where = f"system {system!r}, code {code!r}"
            loinc = _text(path, where, code_entry, "loinc")
            if loinc not in known_loinc:
                raise AnalyteTableError(
                    f"{path}: {where}: LOINC {loinc!r} is not in {ANALYTES_FILE}"
                )
            if (system, code) in mapping:
                raise AnalyteTableError(f"{path}: {where}: code listed twice")
            mapping[(system, code)] = loinc
    return version, mapping
