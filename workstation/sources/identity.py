"""Whether two records of a patient, from two sources, are the same person.

The rules, explicit because a wrong-patient merge is the worst error a results viewer can
make (nothing here merges silently; the caller shows the verdict):

- the same 身份证 number on both = CONFIRMED, unless the sex or birth date disagree, or
  the number itself disagrees with a recorded sex or birth date: then CONFLICT;
- different 身份证 numbers = CONFLICT when name, birth date and sex agree (the same person
  under two numbers, or two people: never merged, shown as a warning), else DIFFERENT;
- no 身份证 on at least one side: the same name, birth date and sex = PROBABLE (used only
  after the doctor confirms it); the same name and birth date with another sex = CONFLICT;
  a number on one side that encodes another sex or birth date than the other side records
  = CONFLICT; anything else = DIFFERENT.

Missing facts never count as agreement: a probable match needs name, birth date and sex
all present on both sides.
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
    """A name as compared: NFKC (full-width letters), no spaces or DICOM ``^``, case-folded."""
    text = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in text if not ch.isspace() and ch not in "^·・.").casefold()


def _known_sex(sex: Gender) -> bool:
    return sex in (Gender.MALE, Gender.FEMALE)


def match_patients(a: Patient, b: Patient) -> IdentityMatch:
    """The verdict on whether ``a`` and ``b`` (from two sources) are one person."""
    return match_identities(Identity.of(a), Identity.of(b))


def match_identities(a: Identity, b: Identity) -> IdentityMatch:
    """The verdict on two sets of identity facts (the rules are in the module docstring)."""
    agreed: list[Fact] = []
    contradicted: list[Fact] = []

    def compare(fact: Fact, x: object, y: object) -> None:
        if x is not None and y is not None:
            (agreed if x == y else contradicted).append(fact)

    compare(Fact.NAME, a.name or None, b.name or None)
    compare(Fact.BIRTH_DATE, _born(a), _born(b))
    compare(Fact.SEX, _sex(a), _sex(b))
    # A record contradicting its own 身份证 number is contradicted whatever the other says.
    contradicted += [f for f in (*_own_contradictions(a), *_own_contradictions(b))]
    if a.id_card and b.id_card:
        if a.id_card == b.id_card:
            agreed.insert(0, Fact.ID_CARD)
            hard = {Fact.SEX, Fact.BIRTH_DATE} & set(contradicted)
            verdict = Match.CONFLICT if hard else Match.CONFIRMED
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
    return IdentityMatch(verdict, tuple(dict.fromkeys(agreed)), tuple(dict.fromkeys(contradicted)))


def _sex(who: Identity) -> Gender | None:
    """The side's sex as recorded, else as its 身份证 number encodes it; None when unknown."""
    if _known_sex(who.sex):
        return who.sex
    card = who.card_sex()
    return card if _known_sex(card) else None


def _born(who: Identity) -> dt.date | None:
    """The side's birth date as recorded, else as its 身份证 number encodes it."""
    return who.birth_date or who.card_birth_date()


def _own_contradictions(who: Identity) -> list[Fact]:
    """The facts a record states otherwise than its own 身份证 number encodes them."""
    found = []
    card_sex, card_born = who.card_sex(), who.card_birth_date()
    if _known_sex(who.sex) and _known_sex(card_sex) and who.sex != card_sex:
        found.append(Fact.SEX)
    if who.birth_date is not None and card_born is not None and who.birth_date != card_born:
        found.append(Fact.BIRTH_DATE)
    return found
