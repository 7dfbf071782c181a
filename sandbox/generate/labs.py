"""Laboratory analytes, panels and per-hospital lab conventions for the demo data.

Each analyte has an SI unit (what Chinese laboratories print) and, where one exists, a
conventional unit (mg/dL, g/dL, …) with the LOINC code that matches each, and the published
factor between them (``value_si = value_conv * si_per_conv``). HbA1c is the exception: the
NGSP percentage and the IFCC mmol/mol are related by an affine formula, not a factor.

Each hospital prints its own local codes, Chinese names, unit spellings and reference
ranges; these are derived deterministically from the hospital id, so every run of the
generator gives the same laboratory "personality" to the same hospital.
"""

from __future__ import annotations

import functools
import math
import random
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from sandbox.generate.hospitals import HOSPITALS, Hospital

UnitSystem = Literal["si", "conv"]
Conversion = Literal["none", "linear", "hba1c"]
Interpretation = Literal["N", "H", "L", "HH", "LL"]

# IFCC (mmol/mol) = (NGSP % − 2.15) × 10.929 (IFCC–NGSP master equation).
HBA1C_NGSP_OFFSET = 2.15
HBA1C_IFCC_SLOPE = 10.929


@dataclass(frozen=True)
class Analyte:
    """One measured quantity, with its codes, units and typical adult values.

    Ranges and critical limits are in the SI unit. ``ref_si`` is the typical adult range;
    ``ref_si_m``/``ref_si_f`` override it by sex where the published ranges differ. With
    ``upper_only`` the range is printed as "< upper" (``ref_low`` is then None).

    ``default_system`` is the unit system Chinese laboratories print when they follow
    their usual (SI) practice; only HbA1c differs (NGSP % is the usual report).

    Generation parameters: a normal value is drawn around the middle of the range with a
    standard deviation of ``sd_fraction`` × the range width (for ``upper_only`` analytes,
    log-normally with median ``normal_median`` × the upper limit); an abnormal one lies
    beyond a limit by a log-normal excursion of spread ``abn_spread``, upward with
    probability ``high_share``.
    """

    key: str
    name_zh: str
    name_en: str
    loinc_si: str
    loinc_conv: str | None
    unit_si: str  # UCUM
    unit_conv: str | None  # UCUM
    si_per_conv: float | None
    ref_si: tuple[float, float]
    decimals_si: int
    decimals_conv: int | None = None
    conversion: Conversion = "linear"
    default_system: UnitSystem = "si"
    ref_si_m: tuple[float, float] | None = None
    ref_si_f: tuple[float, float] | None = None
    upper_only: bool = False
    critical_low_si: float | None = None
    critical_high_si: float | None = None
    aliases_zh: tuple[str, ...] = ()
    name_zh_conv: str | None = None  # printed name when reported in the conventional unit
    abbrevs: tuple[str, ...] = ()
    abbrev_conv: str | None = None
    sd_fraction: float = 0.18
    normal_median: float = 0.35
    high_share: float = 0.5
    abn_spread: float = 0.25

    def loinc(self, system: UnitSystem) -> str:
        """The LOINC code that matches a value reported in ``system``'s unit."""
        if system == "conv":
            if self.loinc_conv is None:
                raise ValueError(f"{self.key} has no conventional unit")
            return self.loinc_conv
        return self.loinc_si

    def unit(self, system: UnitSystem) -> str:
        """The UCUM unit of ``system``."""
        if system == "conv":
            if self.unit_conv is None:
                raise ValueError(f"{self.key} has no conventional unit")
            return self.unit_conv
        return self.unit_si

    def decimals(self, system: UnitSystem) -> int:
        """How many decimals a laboratory prints in ``system``'s unit."""
        if system == "conv" and self.decimals_conv is not None:
            return self.decimals_conv
        return self.decimals_si

    def ref_for(self, sex: str | None) -> tuple[float, float]:
        """The typical SI range for ``sex`` ("M", "F" or None for the unisex range)."""
        if sex == "M" and self.ref_si_m is not None:
            return self.ref_si_m
        if sex == "F" and self.ref_si_f is not None:
            return self.ref_si_f
        return self.ref_si


def conv_to_si(analyte: Analyte, value: float) -> float:
    """Convert a value in the conventional unit to the SI unit (unrounded)."""
    if analyte.conversion == "hba1c":
        return (value - HBA1C_NGSP_OFFSET) * HBA1C_IFCC_SLOPE
    if analyte.si_per_conv is None:
        raise ValueError(f"{analyte.key} has no conventional unit")
    return value * analyte.si_per_conv


def si_to_conv(analyte: Analyte, value: float) -> float:
    """Convert a value in the SI unit to the conventional unit (unrounded)."""
    if analyte.conversion == "hba1c":
        return value / HBA1C_IFCC_SLOPE + HBA1C_NGSP_OFFSET
    if analyte.si_per_conv is None:
        raise ValueError(f"{analyte.key} has no conventional unit")
    return value / analyte.si_per_conv


def from_si(analyte: Analyte, value: float, system: UnitSystem) -> float:
    """Express an SI value in ``system``'s unit (unrounded)."""
    return si_to_conv(analyte, value) if system == "conv" else value


def loinc_check_digit(base: str) -> str:
    """The LOINC mod-10 check digit of the digits before the dash (e.g. "2345" → "7")."""
    if not base.isascii() or not base.isdigit():
        raise ValueError(f"not a LOINC base number: {base!r}")
    total = 0
    for position, ch in enumerate(reversed(base)):
        digit = int(ch)
        if position % 2 == 0:  # 1st, 3rd, … digit from the right is doubled
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return str((10 - total % 10) % 10)


def round_half_up(value: float, decimals: int) -> float:
    """Round as a laboratory prints: half away from zero at ``decimals`` places."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


_ANALYTE_LIST: tuple[Analyte, ...] = (
    # --- 血常规 -----------------------------------------------------------------------
    Analyte(
        key="WBC", name_zh="白细胞计数", name_en="White blood cell count",
        loinc_si="6690-2", loinc_conv="6690-2", unit_si="10*9/L", unit_conv="10*3/uL",
        si_per_conv=1.0, ref_si=(3.5, 9.5), decimals_si=2,
        critical_low_si=2.0, critical_high_si=30.0,
        aliases_zh=("白细胞",), abbrevs=("WBC",), sd_fraction=0.2, abn_spread=0.35,
    ),
    Analyte(
        key="RBC", name_zh="红细胞计数", name_en="Red blood cell count",
        loinc_si="789-8", loinc_conv="789-8", unit_si="10*12/L", unit_conv="10*6/uL",
        si_per_conv=1.0, ref_si=(3.8, 5.8), ref_si_m=(4.3, 5.8), ref_si_f=(3.8, 5.1),
        decimals_si=2, aliases_zh=("红细胞",), abbrevs=("RBC",), high_share=0.2,
    ),
    Analyte(
        key="HGB", name_zh="血红蛋白", name_en="Haemoglobin",
        loinc_si="718-7", loinc_conv="718-7", unit_si="g/L", unit_conv="g/dL",
        si_per_conv=10.0, ref_si=(115.0, 175.0), ref_si_m=(130.0, 175.0),
        ref_si_f=(115.0, 150.0), decimals_si=0, decimals_conv=1,
        critical_low_si=50.0, critical_high_si=200.0,
        aliases_zh=("血红蛋白浓度",), abbrevs=("HGB", "HB", "Hb"), high_share=0.15,
        abn_spread=0.3,
    ),
    Analyte(
        key="HCT", name_zh="红细胞压积", name_en="Haematocrit",
        loinc_si="4544-3", loinc_conv="4544-3", unit_si="L/L", unit_conv="%",
        si_per_conv=0.01, ref_si=(0.35, 0.50), ref_si_m=(0.40, 0.50),
        ref_si_f=(0.35, 0.45), decimals_si=3, decimals_conv=1,
        aliases_zh=("红细胞比容",), abbrevs=("HCT",),
    ),
    Analyte(
        key="PLT", name_zh="血小板计数", name_en="Platelet count",
        loinc_si="777-3", loinc_conv="777-3", unit_si="10*9/L", unit_conv="10*3/uL",
        si_per_conv=1.0, ref_si=(125.0, 350.0), decimals_si=0,
        critical_low_si=30.0, critical_high_si=1000.0,
        aliases_zh=("血小板",), abbrevs=("PLT",), high_share=0.35, abn_spread=0.45,
    ),
    # --- 肝功能 -----------------------------------------------------------------------
    Analyte(
        key="ALT", name_zh="丙氨酸氨基转移酶", name_en="Alanine aminotransferase",
        loinc_si="1742-6", loinc_conv=None, unit_si="U/L", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(7.0, 40.0), ref_si_m=(9.0, 50.0),
        ref_si_f=(7.0, 40.0), decimals_si=0, aliases_zh=("谷丙转氨酶",),
        abbrevs=("ALT", "GPT"), high_share=0.95, abn_spread=0.8,
    ),
    Analyte(
        key="AST", name_zh="天门冬氨酸氨基转移酶", name_en="Aspartate aminotransferase",
        loinc_si="1920-8", loinc_conv=None, unit_si="U/L", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(13.0, 40.0), ref_si_m=(15.0, 40.0),
        ref_si_f=(13.0, 35.0), decimals_si=0, aliases_zh=("谷草转氨酶",),
        abbrevs=("AST", "GOT"), high_share=0.95, abn_spread=0.7,
    ),
    Analyte(
        key="TBIL", name_zh="总胆红素", name_en="Bilirubin, total",
        loinc_si="14631-6", loinc_conv="1975-2", unit_si="umol/L", unit_conv="mg/dL",
        si_per_conv=17.1, ref_si=(3.4, 20.5), decimals_si=1, decimals_conv=2,
        aliases_zh=("血清总胆红素",), abbrevs=("TBIL", "T-BIL", "TB"), high_share=0.9,
        abn_spread=0.6,
    ),
    Analyte(
        key="DBIL", name_zh="直接胆红素", name_en="Bilirubin, direct",
        loinc_si="14629-0", loinc_conv="1968-7", unit_si="umol/L", unit_conv="mg/dL",
        si_per_conv=17.1, ref_si=(0.0, 6.8), decimals_si=1, decimals_conv=2,
        aliases_zh=("结合胆红素",), abbrevs=("DBIL", "D-BIL", "DB"), high_share=1.0,
        abn_spread=0.7,
    ),
    Analyte(
        key="TP", name_zh="总蛋白", name_en="Protein, total",
        loinc_si="2885-2", loinc_conv="2885-2", unit_si="g/L", unit_conv="g/dL",
        si_per_conv=10.0, ref_si=(65.0, 85.0), decimals_si=1, decimals_conv=1,
        aliases_zh=("血清总蛋白",), abbrevs=("TP",), high_share=0.25, abn_spread=0.12,
    ),
    Analyte(
        key="ALB", name_zh="白蛋白", name_en="Albumin",
        loinc_si="1751-7", loinc_conv="1751-7", unit_si="g/L", unit_conv="g/dL",
        si_per_conv=10.0, ref_si=(40.0, 55.0), decimals_si=1, decimals_conv=1,
        critical_low_si=20.0, aliases_zh=("血清白蛋白",), abbrevs=("ALB",),
        high_share=0.05, abn_spread=0.15,
    ),
    # --- 肾功能 -----------------------------------------------------------------------
    Analyte(
        key="UREA", name_zh="尿素", name_en="Urea",
        loinc_si="22664-7", loinc_conv="3094-0", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.357, ref_si=(2.6, 8.0), ref_si_m=(3.1, 8.0), ref_si_f=(2.6, 7.5),
        decimals_si=2, decimals_conv=0, critical_high_si=35.7,
        name_zh_conv="尿素氮", abbrevs=("UREA", "Urea"), abbrev_conv="BUN",
        high_share=0.85, abn_spread=0.45,
    ),
    Analyte(
        key="CREA", name_zh="肌酐", name_en="Creatinine",
        loinc_si="14682-9", loinc_conv="2160-0", unit_si="umol/L", unit_conv="mg/dL",
        si_per_conv=88.4, ref_si=(44.0, 106.0), ref_si_m=(53.0, 106.0),
        ref_si_f=(44.0, 97.0), decimals_si=0, decimals_conv=2, critical_high_si=707.0,
        aliases_zh=("血清肌酐",), abbrevs=("CREA", "CR", "Cr"), high_share=0.85,
        abn_spread=0.6,
    ),
    Analyte(
        key="UA", name_zh="尿酸", name_en="Uric acid",
        loinc_si="14933-6", loinc_conv="3084-1", unit_si="umol/L", unit_conv="mg/dL",
        si_per_conv=59.48, ref_si=(155.0, 428.0), ref_si_m=(208.0, 428.0),
        ref_si_f=(155.0, 357.0), decimals_si=0, decimals_conv=1,
        aliases_zh=("血尿酸",), abbrevs=("UA", "URIC"), high_share=0.9, abn_spread=0.25,
    ),
    # --- 血糖 / 糖化血红蛋白 ------------------------------------------------------------
    Analyte(
        key="GLU", name_zh="葡萄糖", name_en="Glucose",
        loinc_si="14749-6", loinc_conv="2345-7", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.0555, ref_si=(3.9, 6.1), decimals_si=2, decimals_conv=0,
        critical_low_si=2.8, critical_high_si=22.2,
        aliases_zh=("空腹血糖", "血糖"), abbrevs=("GLU", "Glu"), high_share=0.85,
        abn_spread=0.45,
    ),
    Analyte(
        key="HBA1C", name_zh="糖化血红蛋白", name_en="Haemoglobin A1c",
        loinc_si="59261-8", loinc_conv="4548-4", unit_si="mmol/mol", unit_conv="%",
        si_per_conv=None, conversion="hba1c", default_system="conv",
        ref_si=(20.2, 42.1), decimals_si=0, decimals_conv=1,
        aliases_zh=("糖化血红蛋白A1c",), abbrevs=("HbA1c", "GHb", "HBA1C"),
        high_share=0.97, abn_spread=0.35,
    ),
    # --- 血脂 -------------------------------------------------------------------------
    Analyte(
        key="TC", name_zh="总胆固醇", name_en="Cholesterol, total",
        loinc_si="14647-2", loinc_conv="2093-3", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.02586, ref_si=(2.8, 5.2), decimals_si=2, decimals_conv=0,
        aliases_zh=("胆固醇",), abbrevs=("TC", "CHOL"), high_share=0.9, abn_spread=0.2,
    ),
    Analyte(
        key="TG", name_zh="甘油三酯", name_en="Triglycerides",
        loinc_si="14927-8", loinc_conv="2571-8", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.01129, ref_si=(0.45, 1.70), decimals_si=2, decimals_conv=0,
        aliases_zh=("三酰甘油",), abbrevs=("TG",), high_share=0.9, abn_spread=0.5,
    ),
    Analyte(
        key="HDL", name_zh="高密度脂蛋白胆固醇", name_en="HDL cholesterol",
        loinc_si="14646-4", loinc_conv="2085-9", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.02586, ref_si=(1.04, 2.00), decimals_si=2, decimals_conv=0,
        aliases_zh=("高密度脂蛋白",), abbrevs=("HDL-C", "HDL"), high_share=0.2,
        abn_spread=0.2,
    ),
    Analyte(
        key="LDL", name_zh="低密度脂蛋白胆固醇", name_en="LDL cholesterol",
        loinc_si="22748-8", loinc_conv="2089-1", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.02586, ref_si=(0.0, 3.4), upper_only=True, decimals_si=2,
        decimals_conv=0, aliases_zh=("低密度脂蛋白",), abbrevs=("LDL-C", "LDL"),
        normal_median=0.72, high_share=1.0, abn_spread=0.2,
    ),
    # --- 电解质 -----------------------------------------------------------------------
    Analyte(
        key="K", name_zh="钾", name_en="Potassium",
        loinc_si="2823-3", loinc_conv=None, unit_si="mmol/L", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(3.5, 5.3), decimals_si=2,
        critical_low_si=2.8, critical_high_si=6.2, aliases_zh=("血钾", "钾离子"),
        abbrevs=("K", "K+"), abn_spread=0.07,
    ),
    Analyte(
        key="NA", name_zh="钠", name_en="Sodium",
        loinc_si="2951-2", loinc_conv=None, unit_si="mmol/L", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(137.0, 147.0), decimals_si=1,
        critical_low_si=120.0, critical_high_si=160.0, aliases_zh=("血钠", "钠离子"),
        abbrevs=("Na", "NA", "Na+"), high_share=0.3, abn_spread=0.02,
    ),
    Analyte(
        key="CL", name_zh="氯", name_en="Chloride",
        loinc_si="2075-0", loinc_conv=None, unit_si="mmol/L", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(99.0, 110.0), decimals_si=1,
        critical_low_si=80.0, critical_high_si=120.0, aliases_zh=("血氯", "氯离子"),
        abbrevs=("Cl", "CL", "Cl-"), abn_spread=0.03,
    ),
    Analyte(
        key="CA", name_zh="钙", name_en="Calcium",
        loinc_si="2000-8", loinc_conv="17861-6", unit_si="mmol/L", unit_conv="mg/dL",
        si_per_conv=0.2495, ref_si=(2.11, 2.52), decimals_si=2, decimals_conv=1,
        critical_low_si=1.75, critical_high_si=3.5, aliases_zh=("总钙", "血钙"),
        abbrevs=("Ca", "CA"), high_share=0.35, abn_spread=0.08,
    ),
    # --- 心肌标志物 ---------------------------------------------------------------------
    Analyte(
        key="CTNI", name_zh="高敏心肌肌钙蛋白I", name_en="Troponin I, cardiac",
        loinc_si="89579-7", loinc_conv="10839-9", unit_si="ng/L", unit_conv="ng/mL",
        si_per_conv=1000.0, ref_si=(0.0, 26.2), upper_only=True, decimals_si=1,
        decimals_conv=3, critical_high_si=1000.0, aliases_zh=("超敏肌钙蛋白I",),
        name_zh_conv="心肌肌钙蛋白I", abbrevs=("hs-cTnI", "cTnI", "TNI"),
        normal_median=0.15, high_share=1.0, abn_spread=1.6,
    ),
    Analyte(
        key="CKMB", name_zh="肌酸激酶同工酶MB质量", name_en="Creatine kinase MB, mass",
        loinc_si="13969-1", loinc_conv="13969-1", unit_si="ug/L", unit_conv="ng/mL",
        si_per_conv=1.0, ref_si=(0.0, 5.0), upper_only=True, decimals_si=2,
        decimals_conv=2, aliases_zh=("CK-MB质量",), abbrevs=("CK-MB", "CKMB"),
        normal_median=0.35, high_share=1.0, abn_spread=1.0,
    ),
    Analyte(
        key="MYO", name_zh="肌红蛋白", name_en="Myoglobin",
        loinc_si="2639-3", loinc_conv="2639-3", unit_si="ug/L", unit_conv="ng/mL",
        si_per_conv=1.0, ref_si=(0.0, 70.0), upper_only=True, decimals_si=1,
        decimals_conv=1, aliases_zh=("血清肌红蛋白",), abbrevs=("MYO", "Mb"),
        normal_median=0.45, high_share=1.0, abn_spread=0.9,
    ),
    Analyte(
        key="NTPROBNP", name_zh="N末端B型利钠肽原", name_en="NT-proBNP",
        loinc_si="33762-6", loinc_conv="33762-6", unit_si="ng/L", unit_conv="pg/mL",
        si_per_conv=1.0, ref_si=(0.0, 125.0), upper_only=True, decimals_si=0,
        decimals_conv=0, aliases_zh=("N端脑钠肽前体",), abbrevs=("NT-proBNP", "NTBNP"),
        normal_median=0.35, high_share=1.0, abn_spread=1.5,
    ),
    # --- 凝血功能 -----------------------------------------------------------------------
    Analyte(
        key="PT", name_zh="凝血酶原时间", name_en="Prothrombin time",
        loinc_si="5902-2", loinc_conv=None, unit_si="s", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(10.0, 13.0), decimals_si=1,
        critical_high_si=30.0, abbrevs=("PT",), high_share=0.9, abn_spread=0.3,
    ),
    Analyte(
        key="INR", name_zh="国际标准化比值", name_en="INR",
        loinc_si="6301-6", loinc_conv=None, unit_si="{INR}", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(0.8, 1.2), decimals_si=2,
        critical_high_si=4.0, abbrevs=("INR", "PT-INR"), high_share=0.9,
    ),
    Analyte(
        key="APTT", name_zh="活化部分凝血活酶时间", name_en="Activated partial thromboplastin time",
        loinc_si="14979-9", loinc_conv=None, unit_si="s", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(25.0, 36.5), decimals_si=1,
        critical_high_si=70.0, abbrevs=("APTT",), high_share=0.85, abn_spread=0.3,
    ),
    Analyte(
        key="FIB", name_zh="纤维蛋白原", name_en="Fibrinogen",
        loinc_si="3255-7", loinc_conv="3255-7", unit_si="g/L", unit_conv="mg/dL",
        si_per_conv=0.01, ref_si=(2.0, 4.0), decimals_si=2, decimals_conv=0,
        critical_low_si=1.0, aliases_zh=("纤维蛋白原含量",), abbrevs=("FIB", "Fbg"),
        high_share=0.6, abn_spread=0.3,
    ),
    # --- 肿瘤标志物 ---------------------------------------------------------------------
    Analyte(
        key="AFP", name_zh="甲胎蛋白", name_en="Alpha-fetoprotein",
        loinc_si="1834-1", loinc_conv=None, unit_si="ng/mL", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(0.0, 7.0), upper_only=True,
        decimals_si=2, abbrevs=("AFP",), normal_median=0.35, high_share=1.0,
        abn_spread=1.4,
    ),
    Analyte(
        key="CEA", name_zh="癌胚抗原", name_en="Carcinoembryonic antigen",
        loinc_si="2039-6", loinc_conv=None, unit_si="ng/mL", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(0.0, 5.0), upper_only=True,
        decimals_si=2, abbrevs=("CEA",), normal_median=0.35, high_share=1.0,
        abn_spread=1.0,
    ),
    Analyte(
        key="CA125", name_zh="糖类抗原125", name_en="Cancer antigen 125",
        loinc_si="10334-1", loinc_conv=None, unit_si="U/mL", unit_conv=None,
        si_per_conv=None, conversion="none", ref_si=(0.0, 35.0), upper_only=True,
        decimals_si=1, aliases_zh=("癌抗原125",), abbrevs=("CA125", "CA-125"),
        normal_median=0.35, high_share=1.0, abn_spread=1.0,
    ),
)  # fmt: skip

ANALYTES: dict[str, Analyte] = {a.key: a for a in _ANALYTE_LIST}


@dataclass(frozen=True)
class Panel:
    """A group of analytes ordered together and recognized as one catalog item."""

    key: str
    name_zh: str
    name_en: str
    catalog_code: str
    analyte_keys: tuple[str, ...]


PANELS: dict[str, Panel] = {
    p.key: p
    for p in (
        Panel("cbc", "血常规", "Complete blood count", "JY001",
              ("WBC", "RBC", "HGB", "HCT", "PLT")),
        Panel("liver", "肝功能", "Liver function tests", "JY002",
              ("ALT", "AST", "TBIL", "DBIL", "TP", "ALB")),
        Panel("renal", "肾功能", "Renal function tests", "JY003", ("UREA", "CREA", "UA")),
        Panel("glucose", "血糖", "Fasting plasma glucose", "JY004", ("GLU",)),
        Panel("hba1c", "糖化血红蛋白", "Haemoglobin A1c", "JY005", ("HBA1C",)),
        Panel("lipids", "血脂", "Lipid profile", "JY006", ("TC", "TG", "HDL", "LDL")),
        Panel("electrolytes", "电解质", "Electrolytes", "JY007", ("K", "NA", "CL", "CA")),
        Panel("cardiac", "心肌标志物", "Cardiac markers", "JY008",
              ("CTNI", "CKMB", "MYO", "NTPROBNP")),
        Panel("coagulation", "凝血功能", "Coagulation screen", "JY009",
              ("PT", "INR", "APTT", "FIB")),
        Panel("tumour", "肿瘤标志物", "Tumour markers", "JY010", ("AFP", "CEA", "CA125")),
    )
}  # fmt: skip


# --- per-hospital conventions ---------------------------------------------------------

# Spellings of each UCUM unit as laboratory systems print them (µ as micro sign U+00B5 and
# μ as Greek mu U+03BC both occur).
UNIT_SPELLINGS: dict[str, tuple[str, ...]] = {
    "10*9/L": ("10^9/L", "×10⁹/L", "10*9/L", "10E9/L"),
    "10*12/L": ("10^12/L", "×10¹²/L", "10*12/L", "10E12/L"),
    "10*3/uL": ("10^3/uL", "K/uL", "x10³/µL"),
    "10*6/uL": ("10^6/uL", "M/uL", "x10⁶/µL"),
    "g/L": ("g/L", "g/l"),
    "g/dL": ("g/dL", "g/dl"),
    "L/L": ("L/L", "l/l"),
    "%": ("%",),
    "U/L": ("U/L", "IU/L", "U/l"),
    "umol/L": ("μmol/L", "µmol/L", "umol/L", "µmol/l"),
    "mmol/L": ("mmol/L", "mmol/l"),
    "mmol/mol": ("mmol/mol",),
    "mg/dL": ("mg/dL", "mg/dl"),
    "ng/L": ("ng/L", "ng/l"),
    "ng/mL": ("ng/mL", "ng/ml"),
    "ug/L": ("μg/L", "µg/L", "ug/L", "µg/l"),
    "pg/mL": ("pg/mL", "pg/ml"),
    "U/mL": ("U/mL", "U/ml"),
    "s": ("s", "秒", "sec"),
    "{INR}": ("INR",),
}

# Analytes a hospital reports in the SI unit although Chinese practice is the conventional
# one: this provincial hospital prints HbA1c in IFCC mmol/mol.
SI_OVERRIDES: frozenset[tuple[str, str]] = frozenset({("myzx", "HBA1C")})

CodeStyle = Literal["abbrev", "abbrev-num", "zh", "numeric", "prefixed"]
_CODE_STYLES: tuple[CodeStyle, ...] = ("abbrev", "abbrev-num", "zh", "numeric", "prefixed")


@dataclass(frozen=True)
class LocalTest:
    """How one hospital's laboratory reports one analyte.

    Ranges and critical limits are in the reported unit (``unit_ucum``), rounded the way
    that laboratory prints them. ``ref_low``/``ref_high`` is the range printed when the
    patient's sex is unknown; ``reference(sex)`` gives the sex-specific one. ``jitter``
    says where this laboratory's range sits against the typical one: for a two-sided
    range, each bound moved by that fraction of the range width; for a range with only an
    upper limit, the limit scaled by (1 + jitter[1]). Its analyser reads correspondingly
    higher or lower.
    """

    analyte_key: str
    local_code: str
    name_zh: str
    system: UnitSystem
    loinc: str
    unit_ucum: str
    unit_display: str
    decimals: int
    ref_low: float | None
    ref_high: float
    ref_m: tuple[float | None, float]
    ref_f: tuple[float | None, float]
    critical_low: float | None
    critical_high: float | None
    jitter: tuple[float, float]

    def reference(self, sex: str | None) -> tuple[float | None, float]:
        """The printed range (low or None, high) for a patient of ``sex`` ("M", "F", None)."""
        if sex == "M":
            return self.ref_m
        if sex == "F":
            return self.ref_f
        return (self.ref_low, self.ref_high)


@dataclass(frozen=True)
class LabValue:
    """One reported laboratory result as it appears on a hospital's report."""

    analyte_key: str
    loinc: str  # matches the unit actually reported
    local_code: str
    name_zh: str
    value: float  # rounded as the laboratory prints it
    unit_ucum: str
    unit_display: str
    ref_low: float | None
    ref_high: float | None
    interpretation: Interpretation


def unit_system(hospital: Hospital, analyte: Analyte) -> UnitSystem:
    """The unit system ``hospital`` reports ``analyte`` in."""
    if analyte.unit_conv is None:
        return "si"
    if (hospital.id, analyte.key) in SI_OVERRIDES:
        return "si"
    if hospital.lab_units == "conventional":
        return "conv"
    return analyte.default_system


def _ref_decimals(bound: float, decimals: int) -> int:
    """Print range bounds with one decimal fewer than values where that loses little."""
    if decimals < 2 or bound == 0:
        return decimals
    coarse = round_half_up(bound, decimals - 1)
    return decimals - 1 if abs(coarse - bound) <= 0.03 * abs(bound) else decimals


def _one_sided(analyte: Analyte) -> bool:
    return analyte.upper_only or analyte.ref_si[0] == 0


def _jittered(
    analyte: Analyte, typical: tuple[float, float], jitter: tuple[float, float]
) -> tuple[float, float]:
    """A typical SI range moved the way one laboratory's range is."""
    low, high = typical
    if _one_sided(analyte):
        return low, high * (1 + jitter[1])
    width = high - low
    return low + jitter[0] * width, high + jitter[1] * width


def _printed_range(
    analyte: Analyte,
    typical: tuple[float, float],
    jitter: tuple[float, float],
    system: UnitSystem,
) -> tuple[float | None, float]:
    decimals = analyte.decimals(system)
    low_si, high_si = _jittered(analyte, typical, jitter)
    low, high = from_si(analyte, low_si, system), from_si(analyte, high_si, system)
    printed_low = None if analyte.upper_only else round_half_up(low, _ref_decimals(low, decimals))
    return printed_low, round_half_up(high, _ref_decimals(high, decimals))


def _code_token(abbrev: str) -> str:
    return "".join(ch for ch in abbrev.upper() if ch.isalnum())


@dataclass(frozen=True)
class _Style:
    code_style: CodeStyle
    abbrev_choice: int
    name_choice: int
    numeric_base: int
    spelling_choice: int


def _local_code(
    style: _Style, hospital: Hospital, analyte: Analyte, system: UnitSystem, index: int
) -> str:
    abbrev = analyte.abbrevs[style.abbrev_choice % len(analyte.abbrevs)]
    if system == "conv" and analyte.abbrev_conv is not None:
        abbrev = analyte.abbrev_conv
    if style.code_style == "abbrev":
        return abbrev
    if style.code_style == "abbrev-num":
        return f"{_code_token(abbrev)}-01"
    if style.code_style == "zh":
        if system == "conv" and analyte.name_zh_conv is not None:
            return analyte.name_zh_conv
        return analyte.name_zh
    if style.code_style == "numeric":
        return str(style.numeric_base + index)
    return f"{hospital.id.upper()}_{_code_token(abbrev)}"


def _code_style(hospital: Hospital, rng: random.Random) -> CodeStyle:
    """Spread the code styles over the demo hospitals; other hospitals draw one."""
    ids = [h.id for h in HOSPITALS]
    if hospital.id in ids:
        return _CODE_STYLES[ids.index(hospital.id) % len(_CODE_STYLES)]
    return rng.choice(_CODE_STYLES)


@functools.cache
def hospital_tests(hospital: Hospital) -> dict[str, LocalTest]:
    """Every analyte as ``hospital``'s laboratory reports it, keyed by analyte key.

    Deterministic: derived only from the hospital's fields (its id seeds the choices).
    The returned dict is shared between calls; do not modify it.
    """
    rng = random.Random(f"sandbox-labs:{hospital.id}")  # noqa: S311 -- demo data, not secrets
    style = _Style(
        code_style=_code_style(hospital, rng),
        abbrev_choice=rng.randrange(3),
        name_choice=rng.randrange(2),
        numeric_base=rng.choice((1000, 2100, 30000, 600)),
        spelling_choice=rng.randrange(4),
    )
    tests: dict[str, LocalTest] = {}
    for index, analyte in enumerate(_ANALYTE_LIST):
        system = unit_system(hospital, analyte)
        spread = 0.06 if _one_sided(analyte) else 0.08
        jitter = (rng.uniform(-spread, spread), rng.uniform(-spread, spread))
        decimals = analyte.decimals(system)
        crit_low = crit_high = None
        if analyte.critical_low_si is not None:
            crit_low = round_half_up(from_si(analyte, analyte.critical_low_si, system), decimals)
        if analyte.critical_high_si is not None:
            crit_high = round_half_up(from_si(analyte, analyte.critical_high_si, system), decimals)
        if system == "conv" and analyte.name_zh_conv is not None:
            name_zh = analyte.name_zh_conv
        else:
            names = (analyte.name_zh, *analyte.aliases_zh)
            name_zh = names[style.name_choice % len(names)]
        unit_ucum = analyte.unit(system)
        spellings = UNIT_SPELLINGS[unit_ucum]
        ref_low, ref_high = _printed_range(analyte, analyte.ref_si, jitter, system)
        tests[analyte.key] = LocalTest(
            analyte_key=analyte.key,
            local_code=_local_code(style, hospital, analyte, system, index),
            name_zh=name_zh,
            system=system,
            loinc=analyte.loinc(system),
            unit_ucum=unit_ucum,
            unit_display=spellings[style.spelling_choice % len(spellings)],
            decimals=decimals,
            ref_low=ref_low,
            ref_high=ref_high,
            ref_m=_printed_range(analyte, analyte.ref_for("M"), jitter, system),
            ref_f=_printed_range(analyte, analyte.ref_for("F"), jitter, system),
            critical_low=crit_low,
            critical_high=crit_high,
            jitter=jitter,
        )
    return tests


def local_test(hospital: Hospital, analyte_key: str) -> LocalTest:
    """How ``hospital`` reports the analyte ``analyte_key``."""
    return hospital_tests(hospital)[analyte_key]


def interpret(
    value: float,
    ref_low: float | None,
    ref_high: float | None,
    critical_low: float | None = None,
    critical_high: float | None = None,
) -> Interpretation:
    """Flag a value against one laboratory's range and critical limits (bounds are normal)."""
    if critical_low is not None and value < critical_low:
        return "LL"
    if critical_high is not None and value > critical_high:
        return "HH"
    if ref_low is not None and value < ref_low:
        return "L"
    if ref_high is not None and value > ref_high:
        return "H"
    return "N"


def _normal_si(rng: random.Random, analyte: Analyte, low: float, high: float) -> float:
    if analyte.upper_only:
        median = high * analyte.normal_median
        for _ in range(20):
            value = median * math.exp(rng.gauss(0.0, 0.55))
            if value < 0.97 * high:
                return value
        return median
    mid, width = (low + high) / 2, high - low
    value = rng.gauss(mid, width * analyte.sd_fraction)
    return min(max(value, low + 0.03 * width), high - 0.03 * width)


def _abnormal_si(rng: random.Random, analyte: Analyte, low: float, high: float) -> float:
    upward = analyte.upper_only or low <= 0 or rng.random() < analyte.high_share
    excursion = math.exp((abs(rng.gauss(0.0, 1.0)) + 0.15) * analyte.abn_spread)
    return high * excursion if upward else low / excursion


def _draw_si(rng: random.Random, analyte: Analyte, p_abnormal: float, sex: str | None) -> float:
    low, high = analyte.ref_for(sex)
    if rng.random() < p_abnormal:
        return _abnormal_si(rng, analyte, low, high)
    return _normal_si(rng, analyte, low, high)


def _follow_lab(analyte: Analyte, test: LocalTest, value_si: float, sex: str | None) -> float:
    """Move a value drawn on the typical scale onto one laboratory's scale."""
    if _one_sided(analyte):
        return value_si * (1 + test.jitter[1])
    low, high = analyte.ref_for(sex)
    return value_si + (test.jitter[0] + test.jitter[1]) / 2 * (high - low)


def _make_consistent(
    values: dict[str, float], rng: random.Random, tests: dict[str, LocalTest]
) -> None:
    """Tie related analytes of one specimen together (SI units, this lab's scale, in place)."""
    if "HGB" in values:
        hgb = values["HGB"]
        if "HCT" in values:
            values["HCT"] = hgb / rng.uniform(320.0, 355.0)  # MCHC, g/L
        if "RBC" in values:
            values["RBC"] = hgb / rng.uniform(27.0, 34.0)  # MCH, pg
    if "TBIL" in values and "DBIL" in values and values["DBIL"] > 0.6 * values["TBIL"]:
        values["DBIL"] = values["TBIL"] * rng.uniform(0.15, 0.45)
    if "TP" in values and "ALB" in values and values["TP"] - values["ALB"] < 18.0:
        values["TP"] = values["ALB"] + rng.uniform(20.0, 32.0)  # globulin, g/L
    if {"TC", "HDL", "LDL"} <= values.keys():
        # LDL is measured directly, but it is part of the non-HDL cholesterol.
        if values["TC"] - values["HDL"] < 1.0:
            values["TC"] = values["HDL"] + values["LDL"] + rng.uniform(0.3, 0.8)
        non_hdl = values["TC"] - values["HDL"]
        if values["LDL"] > 0.85 * non_hdl:
            values["LDL"] = non_hdl * rng.uniform(0.6, 0.8)
    if "PT" in values and "INR" in values:
        # INR = (PT / mean normal PT) ** ISI, the mean normal PT being this lab's own.
        pt = tests["PT"]
        mean_normal = ((pt.ref_low or pt.ref_high) + pt.ref_high) / 2
        values["INR"] = (values["PT"] / mean_normal) ** rng.uniform(1.0, 1.15)


def generate_panel(
    panel_key: str,
    hospital: Hospital,
    rng: random.Random,
    *,
    abnormal_bias: float = 0.0,
    sex: str | None = None,
) -> list[LabValue]:
    """Draw one specimen's results for a panel as ``hospital`` would report them.

    Values are mostly normal; each analyte is abnormal with probability 0.1, rising to
    0.8 as ``abnormal_bias`` goes from 0 to 1. Units, codes, names and ranges are the
    hospital's own, and each flag is computed against that hospital's range and critical
    limits. ``sex`` ("M"/"F") selects sex-specific ranges where they exist.
    """
    if not 0.0 <= abnormal_bias <= 1.0:
        raise ValueError("abnormal_bias must be between 0 and 1")
    panel = PANELS[panel_key]
    tests = hospital_tests(hospital)
    p_abnormal = 0.1 + 0.7 * abnormal_bias
    values_si: dict[str, float] = {}
    for key in panel.analyte_keys:
        # The draw follows this laboratory's scale, so "normal" is normal on its range too.
        analyte = ANALYTES[key]
        drawn = _draw_si(rng, analyte, p_abnormal, sex)
        values_si[key] = _follow_lab(analyte, tests[key], drawn, sex)
    _make_consistent(values_si, rng, tests)
    results: list[LabValue] = []
    for key in panel.analyte_keys:
        analyte, test = ANALYTES[key], tests[key]
        value = round_half_up(from_si(analyte, values_si[key], test.system), test.decimals)
        value = max(value, 10.0**-test.decimals)
        ref_low, ref_high = test.reference(sex)
        results.append(
            LabValue(
                analyte_key=key,
                loinc=test.loinc,
                local_code=test.local_code,
                name_zh=test.name_zh,
                value=value,
                unit_ucum=test.unit_ucum,
                unit_display=test.unit_display,
                ref_low=ref_low,
                ref_high=ref_high,
                interpretation=interpret(
                    value, ref_low, ref_high, test.critical_low, test.critical_high
                ),
            )
        )
    return results
