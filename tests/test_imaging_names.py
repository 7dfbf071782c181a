"""Names and descriptions as the viewer shows them: decoded by Specific Character Set
(PS3.3 C.12.1.1.2, PS3.5 6.1), ISO 2022 escapes removed, GB 18030 recognised when the file
does not declare it or declares it wrongly (flagged), the ideographic group of a person
name shown. Inputs are DICOM files written byte by byte (tests/dicom_bytes.py)."""

from __future__ import annotations

import io
import os
import warnings
from pathlib import Path
from typing import Any

import pydicom
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydicom import dcmread
from pydicom.dataset import Dataset

from tests.dicom_bytes import element, image, part10
from workstation.imaging.decode import DicomImage, load
from workstation.imaging.names import (
    character_sets,
    decode_text,
    display_texts,
    person_name_display,
)

pytestmark = pytest.mark.unit

CHARSET_FILES = Path(pydicom.__file__).parent / "data" / "charset_files"
SPECIFIC_CHARACTER_SET = 0x00080005
INSTITUTION = 0x00080080
STUDY_DESCRIPTION = 0x00081030
SERIES_DESCRIPTION = 0x0008103E
PATIENT_NAME = 0x00100010
G1_GB2312 = b"\x1b$)A"  # ESC $ ) A: ISO-IR 58 (GB 2312) designated to G1
G0_ASCII = b"\x1b(B"  # ESC ( B: ISO-IR 6 designated to G0
G0_JIS_X0208 = b"\x1b$B"  # ESC $ B: ISO-IR 87 designated to G0
G1_KS_X1001 = b"\x1b$)C"  # ESC $ ) C: ISO-IR 149 designated to G1


def gb(text: str) -> bytes:
    return text.encode("gb18030")


def shown(
    charset: str | None,
    name: bytes,
    institution: bytes = b"",
    series: bytes = b"",
    study: bytes = b"",
) -> DicomImage:
    """Load a file whose text elements hold exactly these bytes."""
    extra = [element(PATIENT_NAME, "PN", name)]
    if charset is not None:
        extra.append(element(SPECIFIC_CHARACTER_SET, "CS", charset))
    for tag, value in ((INSTITUTION, institution), (SERIES_DESCRIPTION, series)):
        if value:
            extra.append(element(tag, "LO", value))
    if study:
        extra.append(element(STUDY_DESCRIPTION, "LO", study))
    return load(io.BytesIO(part10(image(extra))))


def test_iso_2022_ir_58_escapes_are_decoded_not_shown() -> None:
    # PS3.5 6.1.2.5.3: the escape switches G1 to GB 2312; the bytes follow in the high half.
    name = b"Zhang^San=" + G1_GB2312 + gb("张") + b"^" + G1_GB2312 + gb("三") + b"="
    series = G1_GB2312 + gb("胸部") + G0_ASCII + b"CT" + G1_GB2312 + gb("平扫")
    institution = G1_GB2312 + gb("武汉市第一医院")
    got = shown("\\ISO 2022 IR 58", name, institution, series, G1_GB2312 + gb("胸部"))
    assert got.patient_name == "张三"
    assert got.institution == "武汉市第一医院"
    assert got.series_description == "胸部CT平扫"
    assert got.study_description == "胸部"
    assert not got.charset_undeclared
    assert all("\x1b" not in t for t in (got.patient_name, got.institution))


def test_iso_2022_ir_58_with_an_explicit_first_value() -> None:
    name = b"Zhang^San=" + G1_GB2312 + gb("张^三")
    got = shown("ISO 2022 IR 6\\ISO 2022 IR 58", name)
    assert got.patient_name == "张三"
    assert not got.charset_undeclared


def test_iso_2022_ir_58_declared_but_the_escapes_left_out() -> None:
    # Common from Chinese systems: the declaration names GB 2312, the bytes are EUC-CN.
    got = shown("\\ISO 2022 IR 58", b"Zhang^San=" + gb("张^三") + b"=")
    assert got.patient_name == "张三"
    assert not got.charset_undeclared


def test_gb18030_declared_including_four_byte_characters() -> None:
    assert len(gb("𠮷")) == 4  # outside GBK: a four-byte GB 18030 sequence
    got = shown("GB18030", b"Wang^Ji=" + gb("王^𠮷") + b"=", institution=gb("武汉协和医院"))
    assert got.patient_name == "王𠮷"
    assert got.institution == "武汉协和医院"
    assert not got.charset_undeclared


def test_gbk_declared_with_trail_bytes_equal_to_delimiters() -> None:
    # GBK trail bytes may be 0x5C "\" and 0x5E "^": decode first, split afterwards.
    assert gb("乗")[1:] == b"\\"
    assert gb("乛")[1:] == b"^"
    got = shown("GBK", gb("王^乗乛喆"))
    assert got.patient_name == "王乗乛喆"
    assert not got.charset_undeclared


def test_gbk_without_a_character_set_is_shown_as_gb18030_and_flagged() -> None:
    got = shown(
        None,
        gb("张^三"),
        institution=gb("北京协和医院"),
        series=gb("胸部CT平扫"),
        study=gb("胸部"),
    )
    assert got.patient_name == "张三"
    assert got.institution == "北京协和医院"
    assert got.series_description == "胸部CT平扫"
    assert got.study_description == "胸部"
    assert got.charset_undeclared


def test_gbk_mislabelled_iso_ir_100_is_shown_as_gb18030_and_flagged() -> None:
    got = shown("ISO_IR 100", b"ZHANG^SAN=" + gb("张^三") + b"=", institution=gb("CT室"))
    assert got.patient_name == "张三"
    assert got.institution == "CT室"
    assert got.charset_undeclared


@pytest.mark.parametrize(
    "name", ["李", "欧阳^娜娜", "王^喆", "买买提^艾力", "诸葛^亮", "司马^相如", "张^小凡"]
)
def test_short_gbk_names_without_a_character_set(name: str) -> None:
    got = shown(None, gb(name))
    assert got.patient_name == name.replace("^", "")
    assert got.charset_undeclared


def test_utf8_declared() -> None:
    # The standard's Chinese example (PS3.5 Annex J): Wang^XiaoDong=王^小東=
    got = shown("ISO_IR 192", "Wang^XiaoDong=王^小東=".encode(), series="头颅平扫".encode())
    assert got.patient_name == "王小東"
    assert got.series_description == "头颅平扫"
    assert not got.charset_undeclared


def test_utf8_mislabelled_iso_ir_100_is_recognised_and_flagged() -> None:
    got = shown("ISO_IR 100", "张^三".encode())
    assert got.patient_name == "张三"
    assert got.charset_undeclared


def test_gbk_mislabelled_utf8_is_recognised_and_flagged() -> None:
    got = shown("ISO_IR 192", gb("张^三"))
    assert got.patient_name == "张三"
    assert got.charset_undeclared


@pytest.mark.parametrize(
    ("latin1", "expected"),
    [
        ("Müller^Hans", "Müller Hans"),
        ("Äneas^Rüdiger", "Äneas Rüdiger"),  # PS3.5 Annex I example
        ("Buc^Jérôme", "Buc Jérôme"),
        ("Conceição^Maria", "Conceição Maria"),
        ("Åström^Ærø", "Åström Ærø"),
        ("MÜLLER^JOSÉ", "MÜLLER JOSÉ"),
        ("Weiß^Jürgen", "Weiß Jürgen"),
        ("Ibáñez^Noël", "Ibáñez Noël"),
    ],
)
def test_latin1_names_stay_latin1(latin1: str, expected: str) -> None:
    declared = shown("ISO_IR 100", latin1.encode("latin-1"))
    assert declared.patient_name == expected
    assert not declared.charset_undeclared
    undeclared = shown(None, latin1.encode("latin-1"))
    assert undeclared.patient_name == expected
    assert undeclared.charset_undeclared  # non-ASCII bytes with no declared set


def test_three_group_name_shows_the_ideographic_group_never_the_phonetic() -> None:
    # PS3.5 Annex H.3.1 (Japanese, ISO 2022 IR 87): Yamada^Tarou=山田^太郎=やまだ^たろう
    jis = {"山田": b";3ED", "太郎": b"B@O:", "やまだ": b"$d$^$@", "たろう": b"$?$m$&"}

    def kanji(word: str) -> bytes:
        return G0_JIS_X0208 + jis[word] + G0_ASCII

    name = (
        b"Yamada^Tarou="
        + kanji("山田")
        + b"^"
        + kanji("太郎")
        + b"="
        + kanji("やまだ")
        + b"^"
        + kanji("たろう")
    )
    got = shown("\\ISO 2022 IR 87", name)
    assert got.patient_name == "山田太郎"


def test_korean_iso_2022_ir_149() -> None:
    # PS3.5 Annex I.2: Hong^Gildong=洪^吉洞=홍^길동
    name = (
        b"Hong^Gildong="
        + G1_KS_X1001
        + b"\xfb\xf3^"
        + G1_KS_X1001
        + b"\xd1\xce\xd4\xd7="
        + G1_KS_X1001
        + b"\xc8\xab^"
        + G1_KS_X1001
        + b"\xb1\xe6\xb5\xbf"
    )
    assert shown("\\ISO 2022 IR 149", name).patient_name == "洪吉洞"


def test_ascii_names_need_no_character_set() -> None:
    got = shown(None, b"ZHANG^SAN", series=b"CHEST PA")
    assert got.patient_name == "ZHANG SAN"
    assert got.series_description == "CHEST PA"
    assert not got.charset_undeclared


def test_alphabetic_group_when_the_ideographic_one_is_empty() -> None:
    got = shown("ISO_IR 192", b"ZHANG^SAN=^=zhang^san")
    assert got.patient_name == "ZHANG SAN"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("张^三", "张三"),
        ("ZHANG^SAN", "ZHANG SAN"),
        ("Zhang^San=张^三", "张三"),
        ("Wang^XiaoDong=王^小东=", "王小东"),
        ("Hong^Gildong=洪^吉洞=홍^길동", "洪吉洞"),
        ("ZHANG^SAN==zhang^san", "ZHANG SAN"),
        ("==やまだ^たろう", "やまだたろう"),  # only the phonetic group: better than nothing
        ("Müller^Hans^^Dr.^", "Dr. Müller Hans"),
        ("Smith^John^Q^^Jr", "Smith John Q Jr"),
        (" ZHANG ^ SAN ", "ZHANG SAN"),
        ("^^^^", ""),
        ("", ""),
        ("买买提·艾力", "买买提·艾力"),
    ],
)
def test_person_name_display(value: str, expected: str) -> None:
    assert person_name_display(value) == expected


@pytest.mark.parametrize(
    ("declared", "expected"),
    [
        ("ISO_IR 100", ("ISO_IR 100",)),
        ("iso_ir 100", ("ISO_IR 100",)),
        ("ISO-IR 192", ("ISO_IR 192",)),
        ("ISO_IR_192", ("ISO_IR 192",)),
        ("gb18030", ("GB18030",)),
        ("\\ISO 2022 IR 58", ("", "ISO 2022 IR 58")),
        ("ISO_2022_IR_58", ("ISO 2022 IR 58",)),
    ],
)
def test_character_set_terms_are_normalised(declared: str, expected: tuple[str, ...]) -> None:
    ds = Dataset()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pydicom warns about the non-standard spellings
        ds.SpecificCharacterSet = declared.split("\\") if "\\" in declared else declared
    assert character_sets(ds) == expected


def test_non_standard_terms_that_say_what_they_mean() -> None:
    for term in ("GB2312", "ISO_IR 58", "UTF-8"):
        text = "张三".encode("utf-8" if term == "UTF-8" else "gb18030")
        assert decode_text(text, [term]).text == "张三"
        assert not decode_text(text, [term]).guessed


def test_unknown_escape_sequences_are_dropped() -> None:
    found = decode_text(b"AB\x1b$)ZCD\x1b", ["ISO 2022 IR 6"])
    assert found.text == "ABCD"


def test_trailing_padding_is_removed() -> None:
    assert decode_text(b"ZHANG^SAN \x00", []).text == "ZHANG^SAN"


def test_converted_and_in_memory_datasets() -> None:
    data = part10(image([element(PATIENT_NAME, "PN", gb("张^三"))]))
    ds = dcmread(io.BytesIO(data))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        _ = ds.PatientName  # pydicom converts the raw element (as Latin-1 mojibake)
    texts = display_texts(ds)
    assert texts.patient_name == "张三"
    assert texts.charset_undeclared
    memory = Dataset()
    memory.PatientName = "Zhang^San=张^三"  # Unicode already: nothing to guess
    memory.InstitutionName = "武汉市第一医院"
    texts = display_texts(memory)
    assert (texts.patient_name, texts.institution) == ("张三", "武汉市第一医院")
    assert not texts.charset_undeclared


def test_the_standards_example_files_decode_as_pydicom_decodes_them() -> None:
    """pydicom's copies of the character set examples of PS3.5 (all conformant)."""
    checked = 0
    for path in sorted(CHARSET_FILES.glob("*.dcm")):
        ds = dcmread(path)
        raw: Any = ds.get_item("PatientName")  # None when absent
        if raw is None:
            continue
        expected = str(dcmread(path).PatientName)
        found = decode_text(raw.value, character_sets(ds))
        assert found.text.rstrip("=") == expected, path.name  # pydicom drops empty groups
        assert not found.guessed, path.name
        checked += 1
    assert checked >= 12, os.listdir(CHARSET_FILES)


TERMS = [
    "",
    "ISO_IR 6",
    "ISO_IR 100",
    "ISO_IR 192",
    "GB18030",
    "GBK",
    "ISO 2022 IR 6",
    "ISO 2022 IR 13",
    "ISO 2022 IR 58",
    "ISO 2022 IR 87",
    "ISO 2022 IR 100",
    "ISO 2022 IR 149",
    "ISO 2022 IR 159",
    "NONSENSE",
]


@settings(max_examples=300, deadline=None)
@given(
    data=st.binary(max_size=48).map(lambda b: b.replace(b"\x00", b"\x1b")),
    terms=st.lists(st.sampled_from(TERMS), max_size=3),
)
def test_any_bytes_in_any_declaration_decode_without_raising(data: bytes, terms: list[str]) -> None:
    found = decode_text(data, terms)
    assert isinstance(found.text, str)
    shown = person_name_display(found.text)
    assert "\x1b" not in shown


def test_latin1_bytes_under_an_ir_58_declaration_without_escapes_are_a_guess() -> None:
    found = decode_text("Müller^Hans".encode("latin-1"), ["", "ISO 2022 IR 58"])
    assert found.text == "Müller^Hans"
    assert found.guessed
