"""Identity rules across sources: confirmed, probable, conflict, different, from the rules."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest

from workstation.model import Gender, Patient
from workstation.sources.identity import (
    Fact,
    Identity,
    Match,
    match_identities,
    match_patients,
    normalise_name,
)

pytestmark = pytest.mark.unit

BORN = dt.date(1980, 1, 1)
OTHER_DAY = dt.date(1981, 5, 6)
CARD_M = "510100198001011230"  # male (17th digit 3), born 1980-01-01
CARD_M2 = "510100198001011257"  # another man born the same day
CARD_F = "510700198001011241"  # a woman born the same day
CARD_M_1990 = "510100199001011235"  # a man born 1990-01-01

M, F, U = Gender.MALE, Gender.FEMALE, Gender.UNKNOWN


def who(
    card: str = "", name: str = "张伟", born: dt.date | None = BORN, sex: Gender = M
) -> Identity:
    return Identity(card, normalise_name(name), born, sex)


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        # the same 身份证
        (who(CARD_M), who(CARD_M), Match.CONFIRMED),
        (who(CARD_M), who(CARD_M, name="张 伟"), Match.CONFIRMED),
        (who(CARD_M), who(CARD_M, name="张卫"), Match.CONFLICT),  # another name, same number
        (who(CARD_M), who(CARD_M, name="李建国", born=None, sex=U), Match.CONFLICT),
        # a newborn registered under her mother's number, no birth date on the study
        (who(CARD_F, "王芳", sex=F), who(CARD_F, "王芳之女", born=None, sex=F), Match.CONFLICT),
        (who(CARD_M), who(CARD_M, name="ZHANG^WEI"), Match.PROBABLE),  # pinyin: she compares
        (who(CARD_M), who(CARD_M, name="Zhang^Wei=张^伟"), Match.CONFIRMED),
        (who(CARD_M, name="李强"), who(CARD_M, name="Zhang^Wei=张^伟"), Match.CONFLICT),
        (who(CARD_M, name="Ｚｈａｎｇ Ｗｅｉ"), who(CARD_M, name="ZHANG^WEI"), Match.CONFIRMED),
        (who(CARD_M, name="WANG^FANG"), who(CARD_M, name="LI^SI"), Match.CONFLICT),
        (who(CARD_M, name=""), who(CARD_M), Match.CONFIRMED),  # no name to contradict
        (who(CARD_M, name="?^?"), who(CARD_M), Match.PROBABLE),  # a lost name: she compares
        (who(CARD_M), who(CARD_M, born=None, sex=U), Match.CONFIRMED),
        (who(CARD_M), who(CARD_M, sex=F), Match.CONFLICT),  # record contradicts its number
        (who(CARD_M), who(CARD_M, born=OTHER_DAY), Match.CONFLICT),
        (who(CARD_M, sex=F), who(CARD_M, sex=F), Match.CONFLICT),  # both contradict it
        # two different 身份证 numbers
        (who(CARD_M), who(CARD_M2), Match.CONFLICT),  # same name, birth, sex: never merged
        (who(CARD_M), who(CARD_M2, name="李强"), Match.DIFFERENT),
        (who(CARD_M), who(CARD_F, sex=F), Match.DIFFERENT),
        (who(CARD_M), who(CARD_M_1990, born=None), Match.DIFFERENT),
        # no 身份证 on one side
        (who(CARD_M), who(), Match.PROBABLE),
        (who(), who(CARD_M), Match.PROBABLE),
        (who(CARD_M), who(sex=F), Match.CONFLICT),  # same name and birth, other sex
        (who(CARD_M), who(born=OTHER_DAY), Match.DIFFERENT),
        (who(CARD_M), who(name="李强"), Match.DIFFERENT),
        (who(CARD_M), who(sex=U), Match.DIFFERENT),  # the other side's sex is unknown
        # facts derived from the number contradict, never agree
        (who(CARD_M, born=None, sex=U), who(), Match.DIFFERENT),
        (who(CARD_M, born=None, sex=U), who(sex=F), Match.DIFFERENT),
        (who(CARD_F, sex=F), who(sex=F), Match.PROBABLE),
        (who(CARD_M_1990, born=BORN), who(), Match.CONFLICT),  # the number says 1990
        # no 身份证 on either side
        (who(), who(), Match.PROBABLE),
        (who(), who(name="ZHANG^WEI"), Match.DIFFERENT),  # another spelling is not a match
        (who(), who(sex=F), Match.CONFLICT),
        (who(), who(sex=U), Match.DIFFERENT),  # missing facts never count as agreement
        (who(sex=U), who(sex=U), Match.DIFFERENT),
        (who(), who(born=None), Match.DIFFERENT),
        (who(), who(name=""), Match.DIFFERENT),
        (who(), who(born=OTHER_DAY), Match.DIFFERENT),
        (who(), who(name="李强", sex=F), Match.DIFFERENT),
    ],
)
def test_rules(a: Identity, b: Identity, expected: Match) -> None:
    assert match_identities(a, b).match is expected
    assert match_identities(b, a).match is expected  # symmetric


def test_only_confirmed_merges_without_asking() -> None:
    assert match_identities(who(CARD_M), who(CARD_M)).merges
    for a, b in [(who(CARD_M), who()), (who(CARD_M), who(CARD_M2)), (who(), who(sex=F))]:
        assert not match_identities(a, b).merges


def test_every_combination_of_facts_is_decided_and_never_merges_a_contradiction() -> None:
    cards = ["", CARD_M, CARD_M2, CARD_F]
    names = ["", "张伟", "李强", "ZHANG^WEI", "Zhang^Wei=张^伟"]
    days = [None, BORN, OTHER_DAY]
    sexes = [M, F, U]
    sides = [who(c, n, d, s) for c, n, d, s in itertools.product(cards, names, days, sexes)]
    for a, b in itertools.product(sides, repeat=2):
        verdict = match_identities(a, b)
        assert verdict.match is match_identities(b, a).match
        assert set(verdict.contradicted) == set(match_identities(b, a).contradicted)
        if Fact.BIRTH_DATE in verdict.agreed:  # only when both records state it
            assert a.birth_date is not None
            assert b.birth_date is not None
        if Fact.SEX in verdict.agreed:
            assert a.sex is not U
            assert b.sex is not U
        if verdict.match is Match.CONFIRMED:
            assert a.id_card
            assert a.id_card == b.id_card
            assert not verdict.contradicted
            assert not verdict.uncompared
        if verdict.match is Match.PROBABLE:
            assert not verdict.contradicted
            if a.id_card and b.id_card:  # the same number, names in two scripts
                assert verdict.uncompared == (Fact.NAME,)
            else:
                assert {Fact.NAME, Fact.BIRTH_DATE, Fact.SEX} <= set(verdict.agreed)
        if verdict.match is Match.CONFLICT:
            assert verdict.contradicted


def test_the_verdict_names_the_facts() -> None:
    verdict = match_identities(who(CARD_M), who(CARD_M2))
    assert verdict.contradicted == (Fact.ID_CARD,)
    assert set(verdict.agreed) == {Fact.NAME, Fact.BIRTH_DATE, Fact.SEX}
    sex = match_identities(who(), who(sex=F))
    assert sex.contradicted == (Fact.SEX,)


def test_a_name_contradicting_the_same_number_is_named_in_the_verdict() -> None:
    mother = Patient("p1", "王芳", F, BORN, id_card=CARD_F)
    baby = Patient(CARD_F, "王芳之女", F, None, id_card=CARD_F)
    verdict = match_patients(mother, baby)
    assert verdict.match is Match.CONFLICT
    assert not verdict.merges
    assert verdict.contradicted == (Fact.NAME,)
    assert Fact.BIRTH_DATE not in verdict.agreed  # not "agreed" through the number itself


def test_patients_are_compared_by_their_facts() -> None:
    a = Patient("p1", "张伟", M, BORN, id_card=CARD_M)
    b = Patient("x9", "张伟", M, BORN, id_card=CARD_M)
    assert match_patients(a, b).match is Match.CONFIRMED
    invalid = Patient("x9", "张伟", M, BORN, id_card="510100198001011231")  # bad checksum
    assert match_patients(a, invalid).match is Match.PROBABLE  # an invalid number is none


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("张 伟", "张伟"),
        ("Ｚｈａｎｇ Ｗｅｉ", "zhangwei"),
        ("ZHANG^WEI", "zhangwei"),
        ("", ""),
        ("Zhang^Wei＝张^伟", "zhangwei=张伟"),
    ],
)
def test_names_are_normalised(raw: str, expected: str) -> None:
    assert normalise_name(raw) == expected
