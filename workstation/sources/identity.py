"""Whether two records of a patient, from two sources, are the same person.

The rules, explicit because a wrong-patient merge is the worst error a results viewer can
make (nothing here merges silently; the caller shows the verdict):

- the same 身份证 number on both = CONFIRMED, unless the names, the sex or the birth date
  disagree, or the number itself disagrees with a recorded sex or birth date: then
  CONFLICT (a newborn registered under her mother's number, 王芳 / 王芳之女, is not her
  mother). A name in Chinese on one side and in Latin letters (pinyin) on the other cannot
  be compared here: PROBABLE, never confirmed without her;
- different 身份证 numbers = CONFLICT when name, birth date and sex agree (the same person
  under two numbers, or two people: never merged, shown as a warning), else DIFFERENT;
- no 身份证 on at least one side: the same name, birth date and sex = PROBABLE (used only
  after the doctor confirms it); the same name and birth date with another sex = CONFLICT;
  a number on one side that encodes another sex or birth date than the other side records
  = CONFLICT; anything else = DIFFERENT.

Missing facts never count as agreement: a probable match needs name, birth date and sex
all present on both sides. A birth date or sex counts as agreed only when both records
state it: one derived from a 身份证 number may contradict the other side, never agree with
it (with equal numbers it would agree with the very number being compared).
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from enum import Enum

from workstation.idcard import birth_date as id_card_birth_date
from workstation.idcard import is_valid_id_card
from workstation.model import Gender, Patient


class Match(Enum):
    """How sure it is that two records are one person."""

    CONFIRMED = "confirmed"  # same 身份证
    PROBABLE = "probable"  # same name, birth date and sex, no 身份证 to compare
    CONFLICT = "conflict"  # looks like the same person but a fact contradicts it
    DIFFERENT = "different"  # another person


class Fact(Enum):
    """A fact of a patient record that the verdict rests on."""

    ID_CARD = "id_card"
    NAME = "name"
    BIRTH_DATE = "birth_date"
    SEX = "sex"


@dataclass(frozen=True)
class IdentityMatch:
    """The verdict, with the facts that agreed and those that contradicted each other."""

    match: Match
    agreed: tuple[Fact, ...] = ()
    contradicted: tuple[Fact, ...] = ()
    # present on both sides but not comparable here (a Chinese name and a pinyin one)
    uncompared: tuple[Fact, ...] = ()

    @property
    def merges(self) -> bool:
        """True only when the records may be shown as one patient without asking."""
        return self.match is Match.CONFIRMED


@dataclass(frozen=True)
class Identity:
    """The facts of a patient record that identity rests on, normalised for comparison."""

    id_card: str
    name: str
    birth_date: dt.date | None
    sex: Gender

    @classmethod
    def of(cls, patient: Patient) -> Identity:
        """The identity facts of ``patient`` (an invalid 身份证 number counts as none)."""
        card = patient.id_card.replace(" ", "").upper()
        return cls(
            card if is_valid_id_card(card) else "",
            normalise_name(patient.name),
            patient.birth_date,
            patient.gender,
        )

    def card_sex(self) -> Gender:
        """The sex the 身份证 number encodes (17th digit odd = male), UNKNOWN without one."""
        if not self.id_card:
            return Gender.UNKNOWN
        return Gender.MALE if int(self.id_card[16]) % 2 else Gender.FEMALE

    def card_birth_date(self) -> dt.date | None:
        """The birth date the 身份证 number encodes, None without one."""
        return id_card_birth_date(self.id_card) if self.id_card else None


def normalise_name(name: str) -> str:
    """A name as compared: NFKC (full-width letters), no spaces or DICOM ``^``, case-folded.
    DICOM's component group separator ``=`` is kept (``name_forms`` splits at it)."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "^·・.").casefold()


def _is_han(ch: str) -> bool:
    return unicodedata.name(ch, "").startswith(("CJK UNIFIED IDEOGRAPH", "CJK COMPATIBILITY"))


def name_forms(name: str, *, lost_is_absent: bool = False) -> tuple[str, str]:
    """(the name in Chinese characters, the name in other letters) of a normalised name,
    either "" when absent: a DICOM name ``zhangsan=张三`` has both. With
    ``lost_is_absent`` a group of only ``?`` (what a server writes for characters its
    character set lacks) counts as absent; otherwise it is a name in other letters."""
    han = latin = ""
    for group in name.split("="):
        if not group:
            continue
        if lost_is_absent and all(ch == "?" for ch in group):
            continue
        if any(_is_han(ch) for ch in group):
            han = han or group
        else:
            latin = latin or group
    return han, latin


class NameComparison(Enum):
    """How two names compare (``compare_names``)."""

    ABSENT = "absent"
    AGREE = "agree"
    CONTRADICT = "contradict"
    UNCOMPARED = "uncompared"


def compare_names(a: str, b: str, *, lost_is_absent: bool = False) -> NameComparison:
    """Two normalised names compared in the script both are written in (Chinese
    characters first); Chinese against pinyin only cannot be decided here.
    ``lost_is_absent`` as for ``name_forms``."""
    forms = {"lost_is_absent": lost_is_absent}
    (a_han, a_latin), (b_han, b_latin) = name_forms(a, **forms), name_forms(b, **forms)
    if a_han and b_han:
        return NameComparison.AGREE if a_han == b_han else NameComparison.CONTRADICT
    if a_latin and b_latin:
        return NameComparison.AGREE if a_latin == b_latin else NameComparison.CONTRADICT
    if (a_han or a_latin) and (b_han or b_latin):
        return NameComparison.UNCOMPARED
    return NameComparison.ABSENT


def _known_sex(sex: Gender) -> bool:
    return sex in (Gender.MALE, Gender.FEMALE)


def match_patients(a: Patient, b: Patient) -> IdentityMatch:
    """The verdict on whether ``a`` and ``b`` (from two sources) are one person."""
    return match_identities(Identity.of(a), Identity.of(b))


def match_identities(a: Identity, b: Identity) -> IdentityMatch:
    """The verdict on two sets of identity facts (the rules are in the module docstring)."""
    agreed: list[Fact] = []
    contradicted: list[Fact] = []
    uncompared: list[Fact] = []

    names = compare_names(a.name, b.name)
    if names is NameComparison.AGREE:
        agreed.append(Fact.NAME)
    elif names is NameComparison.CONTRADICT:
        contradicted.append(Fact.NAME)
    elif names is NameComparison.UNCOMPARED:
        uncompared.append(Fact.NAME)

    def compare(fact: Fact, x: object, y: object, x_card: object, y_card: object) -> None:
        # Agreement needs both records to state the fact; a fact derived from a 身份证
        # number only ever contradicts.
        if x is not None and y is not None:
            (agreed if x == y else contradicted).append(fact)
            return
        x, y = (x if x is not None else x_card), (y if y is not None else y_card)
        if x is not None and y is not None and x != y:
            contradicted.append(fact)

    compare(Fact.BIRTH_DATE, a.birth_date, b.birth_date, a.card_birth_date(), b.card_birth_date())
    compare(Fact.SEX, _recorded_sex(a), _recorded_sex(b), _card_sex(a), _card_sex(b))
    # A record contradicting its own 身份证 number is contradicted whatever the other says.
    contradicted += [f for f in (*_own_contradictions(a), *_own_contradictions(b))]
    if a.id_card and b.id_card:
        if a.id_card == b.id_card:
            agreed.insert(0, Fact.ID_CARD)
            hard = {Fact.NAME, Fact.SEX, Fact.BIRTH_DATE} & set(contradicted)
            if hard:
                verdict = Match.CONFLICT
            elif uncompared:
                verdict = Match.PROBABLE  # the same number, a name she must compare
            else:
                verdict = Match.CONFIRMED
        else:
            contradicted.insert(0, Fact.ID_CARD)
            same_person = {Fact.NAME, Fact.BIRTH_DATE, Fact.SEX} <= set(agreed)
            verdict = Match.CONFLICT if same_person else Match.DIFFERENT
    elif {Fact.NAME, Fact.BIRTH_DATE, Fact.SEX} <= set(agreed) and not contradicted:
        verdict = Match.PROBABLE
    elif {Fact.NAME, Fact.BIRTH_DATE} <= set(agreed) and Fact.SEX in contradicted:
        verdict = Match.CONFLICT
    elif {Fact.NAME, Fact.BIRTH_DATE, Fact.SEX} <= set(agreed):
        verdict = Match.CONFLICT  # agrees, but one record contradicts its own number
    else:
        verdict = Match.DIFFERENT
    return IdentityMatch(
        verdict,
        tuple(dict.fromkeys(agreed)),
        tuple(dict.fromkeys(contradicted)),
        tuple(uncompared),
    )


def _recorded_sex(who: Identity) -> Gender | None:
    """The side's sex as its record states it; None when unknown."""
    return who.sex if _known_sex(who.sex) else None


def _card_sex(who: Identity) -> Gender | None:
    """The sex the side's 身份证 number encodes; None without one."""
    card = who.card_sex()
    return card if _known_sex(card) else None


def _own_contradictions(who: Identity) -> list[Fact]:
    """The facts a record states otherwise than its own 身份证 number encodes them."""
    found = []
    card_sex, card_born = who.card_sex(), who.card_birth_date()
    if _known_sex(who.sex) and _known_sex(card_sex) and who.sex != card_sex:
        found.append(Fact.SEX)
    if who.birth_date is not None and card_born is not None and who.birth_date != card_born:
        found.append(Fact.BIRTH_DATE)
    return found
