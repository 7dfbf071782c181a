"""Demo patients: Chinese names with pinyin, valid 居民身份证 numbers, ages and phones.

Identity numbers follow GB 11643-1999: six digits of administrative division (the
county-level code of the person's home region), eight digits of birth date, a three-digit
sequence whose last digit is odd for men and even for women, and an ISO 7064 MOD 11-2
check character.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal

from workstation.idcard import check_digit

Sex = Literal["M", "F"]

REFERENCE_DATE = date(2026, 11, 1)
"""The default "today" of the demo data set."""


def id_card_check_digit(first17: str) -> str:
    """Return the check character of an 18-character 居民身份证 number.

    ``first17`` is the first 17 digits. GB 11643-1999 (ISO 7064 MOD 11-2): the weighted
    sum of the digits modulo 11 indexes into ``"10X98765432"``.
    """
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError(f"expected 17 ASCII digits, got {first17!r}")
    return check_digit(first17)


def id_card_is_valid(number: str) -> bool:
    """Whether ``number`` is 18 characters with a correct check character and a real date."""
    if len(number) != 18 or not number[:17].isascii() or not number[:17].isdigit():
        return False
    if id_card_check_digit(number[:17]) != number[17]:
        return False
    try:
        date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return True


# County-level divisions (GB/T 2260) under each city region, used as the first six digits.
# fmt: off
DISTRICTS: dict[str, tuple[str, ...]] = {
    # 成都市: 锦江 青羊 金牛 武侯 成华 龙泉驿 青白江 新都 温江 双流 郫都 金堂 大邑 蒲江 都江堰 彭州
    #         邛崃 崇州 简阳
    "510100": (
        "510104", "510105", "510106", "510107", "510108", "510112", "510113", "510114",
        "510115", "510116", "510117", "510121", "510129", "510131", "510181", "510182",
        "510183", "510184", "510185",
    ),
    # 绵阳市: 涪城 游仙 安州 三台 盐亭 梓潼 北川 平武 江油
    "510700": (
        "510703", "510704", "510705", "510722", "510723", "510725", "510726", "510727",
        "510781",
    ),
}
# fmt: on

# Surnames with pinyin and an approximate share of the population (per mille), the most
# common first. 吕 is romanized "Lyu" as on passports.
_SURNAMES: tuple[tuple[str, str, float], ...] = (
    ("王", "Wang", 71.5), ("李", "Li", 70.0), ("张", "Zhang", 67.4), ("刘", "Liu", 51.0),
    ("陈", "Chen", 46.1), ("杨", "Yang", 32.2), ("黄", "Huang", 24.5), ("赵", "Zhao", 21.9),
    ("吴", "Wu", 20.0), ("周", "Zhou", 19.0), ("徐", "Xu", 14.5), ("孙", "Sun", 13.8),
    ("马", "Ma", 12.9), ("朱", "Zhu", 12.6), ("胡", "Hu", 11.6), ("郭", "Guo", 11.5),
    ("何", "He", 10.5), ("林", "Lin", 10.0), ("罗", "Luo", 9.8), ("高", "Gao", 9.8),
    ("郑", "Zheng", 8.9), ("梁", "Liang", 8.5), ("谢", "Xie", 8.1), ("宋", "Song", 7.0),
    ("唐", "Tang", 7.0), ("许", "Xu", 6.6), ("邓", "Deng", 6.6), ("韩", "Han", 6.5),
    ("冯", "Feng", 6.5), ("曹", "Cao", 5.6), ("彭", "Peng", 5.5), ("曾", "Zeng", 5.4),
    ("肖", "Xiao", 5.3), ("田", "Tian", 5.0), ("董", "Dong", 4.9), ("袁", "Yuan", 4.6),
    ("潘", "Pan", 4.5), ("蒋", "Jiang", 4.3), ("蔡", "Cai", 4.3), ("余", "Yu", 4.2),
    ("杜", "Du", 4.1), ("叶", "Ye", 4.0), ("程", "Cheng", 3.9), ("苏", "Su", 3.8),
    ("魏", "Wei", 3.7), ("吕", "Lyu", 3.6), ("丁", "Ding", 3.5), ("任", "Ren", 3.5),
    ("沈", "Shen", 3.3), ("姚", "Yao", 3.2), ("卢", "Lu", 3.2), ("钟", "Zhong", 3.0),
    ("姜", "Jiang", 3.0), ("崔", "Cui", 2.8), ("谭", "Tan", 2.8), ("廖", "Liao", 2.6),
    ("范", "Fan", 2.5), ("汪", "Wang", 2.5), ("陆", "Lu", 2.4), ("金", "Jin", 2.3),
    ("石", "Shi", 2.3), ("贾", "Jia", 2.2), ("付", "Fu", 2.2), ("夏", "Xia", 2.1),
    ("熊", "Xiong", 2.0), ("邹", "Zou", 2.0), ("方", "Fang", 2.0), ("白", "Bai", 1.9),
    ("雷", "Lei", 1.8), ("向", "Xiang", 1.5), ("黎", "Li", 1.2), ("龚", "Gong", 1.0),
    ("欧阳", "Ouyang", 0.5), ("司马", "Sima", 0.1),
)  # fmt: skip

_COMPOUND_SURNAMES = frozenset(s for s, _, _ in _SURNAMES if len(s) > 1)

# Given-name characters with pinyin, by sex and by the generation the name is typical of.
# Characters with a reading ambiguity in names are left out.
_Era = Literal["old", "middle", "young"]
_GIVEN: dict[tuple[Sex, _Era], tuple[tuple[str, str], ...]] = {
    ("M", "old"): (
        ("建", "jian"), ("国", "guo"), ("华", "hua"), ("明", "ming"), ("德", "de"),
        ("福", "fu"), ("贵", "gui"), ("荣", "rong"), ("强", "qiang"), ("军", "jun"),
        ("平", "ping"), ("文", "wen"), ("志", "zhi"), ("永", "yong"), ("庆", "qing"),
        ("春", "chun"), ("金", "jin"), ("海", "hai"), ("林", "lin"), ("成", "cheng"),
        ("安", "an"), ("宗", "zong"), ("兵", "bing"), ("东", "dong"), ("洪", "hong"),
    ),
    ("M", "middle"): (
        ("伟", "wei"), ("磊", "lei"), ("勇", "yong"), ("杰", "jie"), ("涛", "tao"),
        ("斌", "bin"), ("超", "chao"), ("刚", "gang"), ("辉", "hui"), ("鹏", "peng"),
        ("飞", "fei"), ("波", "bo"), ("健", "jian"), ("亮", "liang"), ("峰", "feng"),
        ("俊", "jun"), ("凯", "kai"), ("宁", "ning"), ("龙", "long"), ("阳", "yang"),
        ("明", "ming"), ("华", "hua"), ("军", "jun"), ("强", "qiang"), ("毅", "yi"),
    ),
    ("M", "young"): (
        ("浩", "hao"), ("宇", "yu"), ("轩", "xuan"), ("睿", "rui"), ("泽", "ze"),
        ("子", "zi"), ("梓", "zi"), ("天", "tian"), ("一", "yi"), ("嘉", "jia"),
        ("昊", "hao"), ("博", "bo"), ("晨", "chen"), ("铭", "ming"), ("鑫", "xin"),
        ("帆", "fan"), ("旭", "xu"), ("俊", "jun"), ("宏", "hong"), ("振", "zhen"),
        ("家", "jia"), ("文", "wen"), ("杰", "jie"), ("然", "ran"), ("航", "hang"),
    ),
    ("F", "old"): (
        ("秀", "xiu"), ("英", "ying"), ("桂", "gui"), ("兰", "lan"), ("凤", "feng"),
        ("珍", "zhen"), ("淑", "shu"), ("翠", "cui"), ("玉", "yu"), ("萍", "ping"),
        ("芳", "fang"), ("华", "hua"), ("琴", "qin"), ("梅", "mei"), ("红", "hong"),
        ("素", "su"), ("云", "yun"), ("莲", "lian"), ("芬", "fen"), ("群", "qun"),
    ),
    ("F", "middle"): (
        ("芳", "fang"), ("娜", "na"), ("敏", "min"), ("静", "jing"), ("丽", "li"),
        ("艳", "yan"), ("娟", "juan"), ("霞", "xia"), ("玲", "ling"), ("燕", "yan"),
        ("红", "hong"), ("梅", "mei"), ("琳", "lin"), ("雪", "xue"), ("婷", "ting"),
        ("慧", "hui"), ("倩", "qian"), ("颖", "ying"), ("莉", "li"), ("洁", "jie"),
    ),
    ("F", "young"): (
        ("欣", "xin"), ("怡", "yi"), ("悦", "yue"), ("萱", "xuan"), ("涵", "han"),
        ("雨", "yu"), ("诗", "shi"), ("梦", "meng"), ("思", "si"), ("晓", "xiao"),
        ("琪", "qi"), ("蕾", "lei"), ("璐", "lu"), ("瑶", "yao"), ("媛", "yuan"),
        ("佳", "jia"), ("可", "ke"), ("馨", "xin"), ("彤", "tong"), ("雯", "wen"),
    ),
}  # fmt: skip

# Share of two-character given names by generation (single names peaked around 1970–1995).
_TWO_CHAR_SHARE: dict[_Era, float] = {"old": 0.7, "middle": 0.45, "young": 0.85}

# Age bands (inclusive) and weights: a hospital population leans toward adults and the old.
_AGE_BANDS: tuple[tuple[int, int, float], ...] = (
    (1, 14, 0.07),
    (15, 29, 0.10),
    (30, 44, 0.16),
    (45, 59, 0.25),
    (60, 74, 0.27),
    (75, 90, 0.15),
)

MOBILE_PREFIXES: tuple[str, ...] = (
    *(f"13{d}" for d in range(10)),
    "150", "151", "152", "153", "155", "156", "157", "158", "159",
    *(f"18{d}" for d in range(10)),
)  # fmt: skip


@dataclass(frozen=True)
class Person:
    """A patient's demographic identity as the hospitals and the platform know it."""

    name_zh: str
    name_pinyin: str  # DICOM PN style, family name first: "Zhang^Wei"
    sex: Sex
    birth_date: date
    id_card: str
    phone: str
    region_code: str  # the city region of the person's home address

    @property
    def family_name_zh(self) -> str:
        """The family name (one character, or two for 欧阳, 司马 …)."""
        return self.name_zh[:2] if self.name_zh[:2] in _COMPOUND_SURNAMES else self.name_zh[:1]

    @property
    def given_name_zh(self) -> str:
        """The given name (one or two characters)."""
        return self.name_zh[len(self.family_name_zh) :]

    def age(self, on: date) -> int:
        """Age in completed years on the day ``on``."""
        had_birthday = (on.month, on.day) >= (self.birth_date.month, self.birth_date.day)
        return on.year - self.birth_date.year - (0 if had_birthday else 1)


def _years_before(day: date, years: int) -> date:
    """The same calendar day ``years`` earlier (29 February falls back to the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _birth_date(rng: random.Random, age: int, today: date) -> date:
    """A birth date on which someone is exactly ``age`` years old on ``today``."""
    latest = _years_before(today, age)
    earliest = _years_before(today, age + 1) + timedelta(days=1)
    span = (latest - earliest).days
    return earliest + timedelta(days=rng.randint(0, span))


def _era(birth_year: int) -> _Era:
    if birth_year < 1970:
        return "old"
    if birth_year < 1995:
        return "middle"
    return "young"


def _join_pinyin(syllables: Sequence[str]) -> str:
    """Join given-name syllables, with the apostrophe before a, o, e (as in "Jian'an")."""
    out = syllables[0]
    for syllable in syllables[1:]:
        out += ("'" if syllable[0] in "aoe" else "") + syllable
    return out.capitalize()


def _name(rng: random.Random, sex: Sex, birth_year: int) -> tuple[str, str]:
    surname, surname_py, _ = rng.choices(_SURNAMES, weights=[s[2] for s in _SURNAMES])[0]
    era = _era(birth_year)
    pool = _GIVEN[(sex, era)]
    length = 2 if rng.random() < _TWO_CHAR_SHARE[era] else 1
    chars = rng.sample(pool, length)
    given_zh = "".join(c for c, _ in chars)
    given_py = _join_pinyin([p for _, p in chars])
    return surname + given_zh, f"{surname_py}^{given_py}"


def _age(rng: random.Random) -> int:
    low, high, _ = rng.choices(_AGE_BANDS, weights=[b[2] for b in _AGE_BANDS])[0]
    return rng.randint(low, high)


def _division(rng: random.Random, region_code: str) -> str:
    districts = DISTRICTS.get(region_code)
    if districts:
        return rng.choice(districts)
    if len(region_code) == 6 and region_code.isdigit():
        return region_code
    raise ValueError(f"not a six-digit region code: {region_code!r}")


def _id_card(rng: random.Random, division: str, birth: date, sex: Sex) -> str:
    sequence = rng.randrange(0, 500) * 2 + (1 if sex == "M" else 0)
    first17 = f"{division}{birth:%Y%m%d}{sequence:03d}"
    return first17 + id_card_check_digit(first17)


def _phone(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def generate_people(
    rng: random.Random,
    count: int,
    region_codes: Sequence[str],
    *,
    today: date = REFERENCE_DATE,
) -> list[Person]:
    """Draw ``count`` people living in the given city regions.

    Ages run from 1 to 90 years on ``today``, weighted toward adults and the elderly.
    Names need not be unique; identity numbers are. The same ``rng`` state always gives
    the same people.
    """
    if count < 0:
        raise ValueError("count must not be negative")
    if not region_codes:
        raise ValueError("at least one region code is needed")
    people: list[Person] = []
    seen: set[str] = set()
    while len(people) < count:
        region = rng.choice(region_codes)
        sex: Sex = "M" if rng.random() < 0.5 else "F"
        birth = _birth_date(rng, _age(rng), today)
        name_zh, name_py = _name(rng, sex, birth.year)
        id_card = _id_card(rng, _division(rng, region), birth, sex)
        if id_card in seen:
            continue
        seen.add(id_card)
        people.append(Person(name_zh, name_py, sex, birth, id_card, _phone(rng), region))
    return people
