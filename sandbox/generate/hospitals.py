"""Regions, hospital levels and the demo hospitals of the sandbox province (四川省).

Everything here is fixed data: the generator draws patients, results and images for these
hospitals. Names are realistic in form but the hospitals are fictional demo sites.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import Literal

LabUnits = Literal["SI", "conventional"]
RegionScope = Literal["province", "city"]


@dataclass(frozen=True)
class Level:
    """A hospital grade (医院等级) as the recognition catalog publishes it."""

    code: str
    name_zh: str
    name_en: str
    rank: int  # higher is a higher grade; compare ranks, never codes


LEVELS: tuple[Level, ...] = (
    Level("3A", "三级甲等", "Tertiary, grade A", 5),
    Level("3B", "三级乙等", "Tertiary, grade B", 4),
    Level("2A", "二级甲等", "Secondary, grade A", 3),
    Level("2B", "二级乙等", "Secondary, grade B", 2),
    Level("1", "一级（基层）", "Primary care (level 1)", 1),
)
_LEVELS_BY_CODE: dict[str, Level] = {level.code: level for level in LEVELS}


def level_by_code(code: str) -> Level:
    """Return the level with this code (``"3A"``, ``"2B"``, ``"1"``, …); KeyError if unknown."""
    return _LEVELS_BY_CODE[code]


def meets_level(level_code: str, min_level_code: str) -> bool:
    """Whether a hospital of grade ``level_code`` reaches the minimum grade ``min_level_code``."""
    return level_by_code(level_code).rank >= level_by_code(min_level_code).rank


@dataclass(frozen=True)
class Region:
    """An area in which results are recognized, with the HR mark printed for it.

    The mark and its scope are kept apart (DESIGN.md): ``hr_mark`` is the printed text,
    ``scope`` says whether it is province-wide or city-wide.
    """

    code: str  # GB/T 2260 administrative division code
    name_zh: str
    name_en: str
    hr_mark: str
    scope: RegionScope = "city"


PROVINCE = Region("510000", "四川省", "Sichuan Province", "川HR", "province")

REGIONS: tuple[Region, ...] = (
    Region("510100", "成都市", "Chengdu", "成都HR"),
    Region("510700", "绵阳市", "Mianyang", "绵阳HR"),
)
_REGIONS_BY_CODE: dict[str, Region] = {r.code: r for r in (PROVINCE, *REGIONS)}


def region_by_code(code: str) -> Region:
    """Return the province or city region with this code; KeyError if unknown."""
    return _REGIONS_BY_CODE[code]


@dataclass(frozen=True)
class Hospital:
    """A hospital on the platform.

    Each hospital numbers its patients in its own scheme: ``mrn_prefix`` followed by
    ``mrn_digits`` digits. ``lab_units`` says whether its laboratory prints SI units (as
    nearly all Chinese laboratories do) or conventional units (mg/dL, g/dL, …).
    ``eqa_passed`` is the result of the latest provincial external quality assessment
    (室间质评) of its laboratory.
    """

    id: str
    name_zh: str
    name_en: str
    level: str  # a Level code
    region_code: str
    mrn_prefix: str
    mrn_digits: int
    lab_units: LabUnits
    eqa_passed: bool
    # The hospital's own GB/T 2260 division when it is a district's or county's (温江区
    # 510115, 三台县 510722); "" for a city-level hospital. The Organization publishes it;
    # ``region_code`` stays the city whose HR mark the hospital prints.
    district_code: str = ""

    @property
    def division_code(self) -> str:
        """The most precise division code the platform publishes for the hospital."""
        return self.district_code or self.region_code

    @property
    def mrn_regex(self) -> str:
        """A regular expression that matches exactly this hospital's MRNs."""
        return f"{re.escape(self.mrn_prefix)}[0-9]{{{self.mrn_digits}}}"


HOSPITALS: tuple[Hospital, ...] = (
    # 成都市
    Hospital(
        "scph",
        "四川省锦城人民医院",
        "Sichuan Jincheng Provincial People's Hospital",
        "3A",
        "510100",
        "ZY",
        8,
        "SI",
        True,
    ),
    Hospital(
        "cdfy",
        "成都市第一人民医院",
        "Chengdu First People's Hospital",
        "3A",
        "510100",
        "1000",
        6,
        "SI",
        True,
    ),
    Hospital(
        "cdtf",
        "成都天府国际医院",
        "Chengdu Tianfu International Hospital",
        "3B",
        "510100",
        "TF",
        7,
        "conventional",
        True,
    ),
    Hospital(
        "wjrm",
        "成都市温江区人民医院",
        "Wenjiang District People's Hospital, Chengdu",
        "2A",
        "510100",
        "WJ",
        8,
        "SI",
        True,
        "510115",
    ),
    Hospital(
        "ylsq",
        "成都市武侯区玉林社区卫生服务中心",
        "Yulin Community Health Service Centre, Wuhou District",
        "1",
        "510100",
        "YL",
        6,
        "SI",
        True,
        "510107",
    ),
    # 绵阳市
    Hospital(
        "myzx",
        "绵阳市中心医院",
        "Mianyang Central Hospital",
        "3A",
        "510700",
        "M",
        9,
        "SI",
        True,
    ),
    Hospital(
        "fcrm",
        "绵阳市涪城区人民医院",
        "Fucheng District People's Hospital, Mianyang",
        "2A",
        "510700",
        "20",
        8,
        "SI",
        True,
        "510703",
    ),
    Hospital(
        "stxr",
        "三台县人民医院",
        "Santai County People's Hospital",
        "2A",
        "510700",
        "",
        7,
        "SI",
        False,
        "510722",
    ),
    Hospital(
        "mybo",
        "绵阳博爱国际医院",
        "Mianyang Bo'ai International Hospital",
        "2B",
        "510700",
        "BA-",
        6,
        "conventional",
        True,
    ),
)
_HOSPITALS_BY_ID: dict[str, Hospital] = {h.id: h for h in HOSPITALS}


def hospital_by_id(hospital_id: str) -> Hospital:
    """Return the hospital with this id; KeyError if unknown."""
    return _HOSPITALS_BY_ID[hospital_id]


def hospitals_in(region_code: str) -> tuple[Hospital, ...]:
    """The hospitals of one city region, in table order."""
    return tuple(h for h in HOSPITALS if h.region_code == region_code)


def mrn_for(hospital: Hospital, rng: random.Random) -> str:
    """Draw a medical record number in ``hospital``'s own format.

    Numbers without a prefix never start with 0 (a LIS would drop it); uniqueness
    within a hospital is the caller's business.
    """
    low = 10 ** (hospital.mrn_digits - 1) if not hospital.mrn_prefix else 0
    number = rng.randrange(low, 10**hospital.mrn_digits)
    return f"{hospital.mrn_prefix}{number:0{hospital.mrn_digits}d}"
