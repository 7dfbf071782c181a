"""The recognition catalog the sandbox platform publishes (互认项目目录).

It lists the recognized items with their validity windows, minimum hospital level, region
scope and typical price, and the repeat reasons a doctor may give. The platform serves it
as a versioned JSON document; the client caches it and shows which version it applied.

Validity windows (how long after the result a receiving hospital should still recognize
it) follow the deployed regional lists where they exist (Hubei: electrolytes 7 days,
chemistry and lipids 30 days, HbA1c 60 days) and clinical sense elsewhere:

- 血常规, 凝血功能, 电解质, 血糖: 7 days. They move with infection, bleeding,
  anticoagulation, fluids and diet within days.
- 心肌标志物: 24 hours. Troponin and NT-proBNP change within hours; a same-day result
  from the referring hospital is useful as a baseline (e.g. on transfer), anything older
  is not, and reason 2 (rapid change) still lets the doctor repeat inside the window.
- 肝功能, 肾功能, 血脂, 肿瘤标志物: 30 days. 糖化血红蛋白: 60 days (it reflects
  two to three months of glycaemia).
- CT and DR: 30 days; contrast-enhanced abdominal CT 60 days; MR: 90 days. A film can be
  re-read by anyone, so these are not operator dependent.
- Ultrasound: abdominal 14 days; echocardiography and thyroid 30 days. Operator dependent.

Minimum levels: laboratory items from 二级乙等 up (the 基层 laboratory is not in the
provincial EQA scheme); tumour markers and HbA1c from 二级甲等; plain CT and DR from
二级乙等 / 一级; MR, contrast CT and echocardiography from 三级乙等.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date
from typing import Literal

from sandbox.generate.hospitals import (
    LEVELS,
    PROVINCE,
    REGIONS,
    Hospital,
    meets_level,
    region_by_code,
)
from sandbox.generate.labs import ANALYTES, PANELS

CATALOG_VERSION = "2026.11-1"
CATALOG_PUBLISHED = date(2026, 11, 1)
CATALOG_ISSUER = "四川省检查检验结果互认平台"

Category = Literal["lab", "imaging"]

_DAY = 24


@dataclass(frozen=True)
class CatalogItem:
    """One recognized examination or laboratory item.

    ``regions`` lists the city region codes in which the item is recognized; empty means
    the whole province. ``min_level`` is the lowest hospital level (a Level code) whose
    results are recognized.
    """

    code: str
    name_zh: str
    name_en: str
    category: Category
    modality: str | None  # DICOM modality for imaging items
    panel_key: str | None  # the lab panel for lab items
    validity_hours: int
    min_level: str
    regions: tuple[str, ...]
    price_yuan: float
    operator_dependent: bool


@dataclass(frozen=True)
class RepeatReason:
    """A coded reason for ordering a repeat instead of recognizing a result."""

    code: str
    label_zh: str
    label_en: str
    counts_as_refusal: bool  # False: not counted as non-recognition in the statistics
    needs_note: bool
    order: int


def _lab(panel_key: str, validity_hours: int, min_level: str, price: float) -> CatalogItem:
    panel = PANELS[panel_key]
    return CatalogItem(
        code=panel.catalog_code,
        name_zh=panel.name_zh,
        name_en=panel.name_en,
        category="lab",
        modality=None,
        panel_key=panel.key,
        validity_hours=validity_hours,
        min_level=min_level,
        regions=(),
        price_yuan=price,
        operator_dependent=False,
    )


CATALOG_ITEMS: tuple[CatalogItem, ...] = (
    _lab("cbc", 7 * _DAY, "2B", 22.0),
    _lab("liver", 30 * _DAY, "2B", 68.0),
    _lab("renal", 30 * _DAY, "2B", 32.0),
    _lab("glucose", 7 * _DAY, "2B", 8.0),
    _lab("hba1c", 60 * _DAY, "2A", 60.0),
    _lab("lipids", 30 * _DAY, "2B", 42.0),
    _lab("electrolytes", 7 * _DAY, "2B", 24.0),
    _lab("cardiac", 24, "2B", 360.0),
    _lab("coagulation", 7 * _DAY, "2B", 72.0),
    _lab("tumour", 30 * _DAY, "2A", 150.0),
    CatalogItem("JC001", "头颅CT平扫", "CT head, non-contrast", "imaging", "CT", None,
                30 * _DAY, "2B", (), 180.0, False),
    CatalogItem("JC002", "胸部CT平扫", "CT chest, non-contrast", "imaging", "CT", None,
                30 * _DAY, "2B", (), 260.0, False),
    CatalogItem("JC003", "上腹部CT增强", "CT upper abdomen, contrast-enhanced", "imaging",
                "CT", None, 60 * _DAY, "3B", (), 720.0, False),
    CatalogItem("JC004", "头颅MR平扫", "MR brain, non-contrast", "imaging", "MR", None,
                90 * _DAY, "3B", (), 560.0, False),
    CatalogItem("JC005", "腰椎MR平扫", "MR lumbar spine, non-contrast", "imaging", "MR",
                None, 90 * _DAY, "3B", (), 540.0, False),
    CatalogItem("JC006", "膝关节MR平扫", "MR knee, non-contrast", "imaging", "MR", None,
                90 * _DAY, "3B", ("510100",), 540.0, False),
    CatalogItem("JC007", "胸部正位片（DR）", "Chest radiograph, PA (DR)", "imaging", "DX",
                None, 30 * _DAY, "1", (), 66.0, False),
    CatalogItem("JC008", "四肢关节X线摄影（CR）", "Limb and joint radiograph (CR)", "imaging",
                "CR", None, 30 * _DAY, "2B", ("510700",), 70.0, False),
    CatalogItem("JC009", "腹部彩超（肝胆胰脾）", "Ultrasound abdomen (liver, gallbladder, "
                "pancreas, spleen)", "imaging", "US", None, 14 * _DAY, "2B", (), 140.0,
                True),
    CatalogItem("JC010", "心脏彩超", "Echocardiography", "imaging", "US", None, 30 * _DAY,
                "3B", (), 230.0, True),
    CatalogItem("JC011", "甲状腺彩超", "Ultrasound thyroid", "imaging", "US", None,
                30 * _DAY, "2A", (), 110.0, True),
)  # fmt: skip
_ITEMS_BY_CODE: dict[str, CatalogItem] = {item.code: item for item in CATALOG_ITEMS}


def catalog_item(code: str) -> CatalogItem:
    """Return the catalog item with this code; KeyError if unknown."""
    return _ITEMS_BY_CODE[code]


def item_for_panel(panel_key: str) -> CatalogItem:
    """The catalog item of a lab panel."""
    return _ITEMS_BY_CODE[PANELS[panel_key].catalog_code]


def hr_mark_for(item: CatalogItem, hospital: Hospital) -> str | None:
    """The HR mark ``hospital`` prints on a report of ``item``, or None if not recognized.

    The item must be recognized where the hospital is and the hospital must reach the
    item's minimum level. Province-wide items carry the province mark (川HR), items
    recognized only in some cities carry the hospital's city mark (成都HR, …). The
    laboratory's EQA result does not remove the mark: a failed EQA is a reason the
    receiving doctor may give (P02).
    """
    if not meets_level(hospital.level, item.min_level):
        return None
    if not item.regions:
        return PROVINCE.hr_mark
    if hospital.region_code in item.regions:
        return region_by_code(hospital.region_code).hr_mark
    return None


REPEAT_REASONS: tuple[RepeatReason, ...] = (
    # The six situations of the national Measures (2022), in their official order.
    RepeatReason("R01", "病情变化，结果与临床表现、疾病诊断不符",
                 "Condition has changed; the result no longer fits the clinical picture or "
                 "diagnosis", True, False, 1),
    RepeatReason("R02", "在疾病发展演变过程中变化较快",
                 "The result changes quickly as the disease evolves", True, False, 2),
    RepeatReason("R03", "对诊疗意义重大（如手术、输血等重大医疗措施前）",
                 "Of major significance for treatment (e.g. before surgery or transfusion)",
                 True, False, 3),
    RepeatReason("R04", "急诊、急救等紧急状态", "Emergency or resuscitation", True, False, 4),
    RepeatReason("R05", "涉及司法、伤残及病退等鉴定",
                 "Forensic, disability or medical-retirement assessment", True, False, 5),
    RepeatReason("R06", "其他情形确需复查",
                 "Other situation in which a repeat is truly needed (explain in the note)",
                 True, True, 6),
    # Provincial additions.
    RepeatReason("P01", "患者或家属要求复查", "Patient or family asks for a repeat",
                 True, False, 7),
    RepeatReason("P02", "出具机构室间质评不合格",
                 "Issuing laboratory failed external quality assessment (EQA)", True, False,
                 8),
    RepeatReason("P03", "检查检验时间过久，已无参考价值",
                 "Result is too old to be of reference value", True, False, 9),
    RepeatReason("P04", "接诊医师判断确需复查",
                 "Receiving doctor judges a repeat necessary (explain in the note)", True,
                 True, 10),
    RepeatReason("P05", "影像资料未获取", "Images not received", False, False, 11),
    RepeatReason("P06", "连续动态监测需要", "Continuous monitoring", False, False, 12),
)  # fmt: skip


def _item_json(item: CatalogItem) -> dict[str, object]:
    doc: dict[str, object] = asdict(item)
    doc["regions"] = list(item.regions)
    doc["validity_days"] = item.validity_hours / _DAY
    if item.panel_key is not None:
        analytes = [ANALYTES[key] for key in PANELS[item.panel_key].analyte_keys]
        doc["analytes"] = [a.key for a in analytes]
        doc["loinc"] = sorted(
            {a.loinc_si for a in analytes} | {a.loinc_conv for a in analytes if a.loinc_conv}
        )
    return doc


def catalog_document(
    version: str = CATALOG_VERSION, published: date = CATALOG_PUBLISHED
) -> dict[str, object]:
    """The catalog as the platform publishes it: a JSON-ready dict with stable ordering.

    Keys: ``version``, ``published`` (ISO date), ``issuer``, ``regions`` (the province
    and its cities with their HR marks), ``levels`` (highest first), ``items`` (by code)
    and ``repeatReasons`` (in display order).
    """
    return {
        "version": version,
        "published": published.isoformat(),
        "issuer": CATALOG_ISSUER,
        "regions": [
            {
                "code": r.code,
                "name_zh": r.name_zh,
                "name_en": r.name_en,
                "hr_mark": r.hr_mark,
                "scope": r.scope,
            }
            for r in (PROVINCE, *REGIONS)
        ],
        "levels": [
            {"code": lv.code, "name_zh": lv.name_zh, "name_en": lv.name_en, "rank": lv.rank}
            for lv in sorted(LEVELS, key=lambda lv: -lv.rank)
        ],
        "items": [_item_json(item) for item in sorted(CATALOG_ITEMS, key=lambda i: i.code)],
        "repeatReasons": [
            asdict(reason) for reason in sorted(REPEAT_REASONS, key=lambda r: r.order)
        ],
    }
