"""Lab normalization: analytes by LOINC and local code, units, conversions and trends.

No Qt here; the table is read from ``resources/labs`` (see ``load_analyte_table``).
"""

from workstation.labs.analytes import (
    AnalyteInfo,
    AnalyteTable,
    AnalyteTableError,
    UnconvertibleUnit,
    load_analyte_table,
)
from workstation.labs.flags import LabFlag, RangeCheck, lab_flag
from workstation.labs.normalize import NormalizedValue, normalize, recompute_flag
from workstation.labs.trends import TrendPoint, age_text_parts, trend_series
from workstation.labs.units import display_unit, normalize_unit

__all__ = [
    "AnalyteInfo",
    "AnalyteTable",
    "AnalyteTableError",
    "LabFlag",
    "NormalizedValue",
    "RangeCheck",
    "TrendPoint",
    "UnconvertibleUnit",
    "age_text_parts",
    "display_unit",
    "lab_flag",
    "load_analyte_table",
    "normalize",
    "normalize_unit",
    "recompute_flag",
    "trend_series",
]
