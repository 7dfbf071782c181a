"""Text the viewer shows (patient name, institution, descriptions) decoded from its bytes.

DICOM text is bytes in the character set(s) named by Specific Character Set (0008,0005)
(PS3.3 C.12.1.1.2, PS3.5 6.1): single-byte sets (``ISO_IR 100`` Latin-1, …), multi-byte
sets without code extensions (``ISO_IR 192`` UTF-8, ``GB18030``, ``GBK``) and ISO 2022
code extensions, where escape sequences inside the value switch the set in use (``ISO 2022
IR 58``: ``ESC $ ) A`` designates GB 2312 to G1, whose bytes then follow in the high half).
The escape sequences are decoded here, never shown.

Chinese archives are messy: GBK/GB18030 bytes with no Specific Character Set, or labelled
``ISO_IR 100``. Every byte string is valid Latin-1, so "it decodes" proves nothing; when
the declaration is missing or does not fit, the bytes are scored as Chinese (GB 2312 hanzi,
which is what names and descriptions are written in) and as Latin-1 (accented letters
inside Latin words) and shown in the likelier one, with ``guessed`` set so the viewer can
say that the character set was not declared ("字符集未声明"). Nothing here logs text
values (they identify patients).

Person names (PN, PS3.5 6.2.1) have up to three component groups, ``alphabetic=ideographic
=phonetic``, each with up to five ``^``-separated components (family, given, middle,
prefix, suffix). ``person_name_display`` shows the ideographic group when it has a name,
else the alphabetic one: ``Zhang^San=张^三`` → ``张三``, ``ZHANG^SAN`` → ``ZHANG SAN``.

Entry point: ``display_texts(ds)``; ``decode.py`` fills ``DicomImage.patient_name``,
``institution``, ``series_description``, ``study_description`` and ``charset_undeclared``
from it. The viewer shows ``patient_name`` as it is (no more splitting at "=" or "^") and,
when ``charset_undeclared``, the note "字符集未声明" beside it.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from pydicom.dataset import Dataset
from pydicom.valuerep import PersonName

from workstation.logs import safe

log = logging.getLogger("workstation.imaging")

ESC = 0x1B

# Specific Character Set defined terms without code extensions → Python codec.
_SINGLE: dict[str, str] = {
    "ISO_IR 6": "ascii",
    "ISO_IR 100": "latin_1",
    "ISO_IR 101": "iso8859_2",
    "ISO_IR 109": "iso8859_3",
    "ISO_IR 110": "iso8859_4",
    "ISO_IR 144": "iso8859_5",
    "ISO_IR 127": "iso8859_6",
    "ISO_IR 126": "iso8859_7",
    "ISO_IR 138": "iso8859_8",
    "ISO_IR 148": "iso8859_9",
    "ISO_IR 203": "iso8859_15",
    "ISO_IR 13": "shift_jis",  # JIS X 0201: katakana in the high half
    "ISO_IR 166": "iso8859_11",
    "ISO_IR 192": "utf_8",
    # GB 18030 is a superset of GBK (PS3.5 6.1.2.5.4 lists both); its codec decodes both.
    "GB18030": "gb18030",
    "GBK": "gb18030",
}
# Terms seen in real files that the standard does not define but that say what they mean.
_ALIASES: dict[str, str] = {
    "GB2312": "gb18030",
    "ISO_IR 58": "gb18030",  # IR 58 without the ISO 2022 escapes: EUC-CN bytes
    "UTF-8": "utf_8",
    "UTF8": "utf_8",
}

# ISO 2022 escape sequences (the bytes after ESC) → (graphic set, codec). G0 sets replace
# the low half (0x21–0x7E), G1 sets the high half (0xA1–0xFE), PS3.5 Table 6.1-2 and 6.1-3.
_G0, _G1 = 0, 1
_ESCAPES: dict[bytes, tuple[int, str]] = {
    b"(B": (_G0, "ascii"),  # ISO-IR 6
    b"(J": (_G0, "jis_roman"),  # ISO-IR 14, JIS X 0201 Romaji
    b")I": (_G1, "shift_jis"),  # ISO-IR 13, JIS X 0201 Katakana
    b"-A": (_G1, "latin_1"),  # ISO-IR 100
    b"-B": (_G1, "iso8859_2"),  # ISO-IR 101
    b"-C": (_G1, "iso8859_3"),  # ISO-IR 109
    b"-D": (_G1, "iso8859_4"),  # ISO-IR 110
    b"-L": (_G1, "iso8859_5"),  # ISO-IR 144
    b"-G": (_G1, "iso8859_6"),  # ISO-IR 127
    b"-F": (_G1, "iso8859_7"),  # ISO-IR 126
    b"-H": (_G1, "iso8859_8"),  # ISO-IR 138
    b"-M": (_G1, "iso8859_9"),  # ISO-IR 148
    b"-b": (_G1, "iso8859_15"),  # ISO-IR 203
    b"-T": (_G1, "iso8859_11"),  # ISO-IR 166
    b"$B": (_G0, "jis_x0208"),  # ISO-IR 87, JIS X 0208 (two 7-bit bytes per character)
    b"$(D": (_G0, "jis_x0212"),  # ISO-IR 159, JIS X 0212
    b"$)C": (_G1, "euc_kr"),  # ISO-IR 149, KS X 1001
    # ISO-IR 58, GB 2312 in G1 = EUC-CN bytes; GB 18030 decodes them identically and also
    # the GBK-only hanzi (喆, 堃, …) that Chinese systems put there regardless.
    b"$)A": (_G1, "gb18030"),
}
# Specific Character Set defined terms with code extensions → the escape they stand for.
_EXTENDED: dict[str, bytes] = {
    "ISO 2022 IR 6": b"(B",
    "ISO 2022 IR 13": b")I",
    "ISO 2022 IR 100": b"-A",
    "ISO 2022 IR 101": b"-B",
    "ISO 2022 IR 109": b"-C",
    "ISO 2022 IR 110": b"-D",
    "ISO 2022 IR 144": b"-L",
    "ISO 2022 IR 127": b"-G",
    "ISO 2022 IR 126": b"-F",
    "ISO 2022 IR 138": b"-H",
    "ISO 2022 IR 148": b"-M",
    "ISO 2022 IR 203": b"-b",
    "ISO 2022 IR 166": b"-T",
    "ISO 2022 IR 87": b"$B",
    "ISO 2022 IR 159": b"$(D",
    "ISO 2022 IR 149": b"$)C",
    "ISO 2022 IR 58": b"$)A",
}


@dataclass(frozen=True)
class DecodedText:
    """A text value decoded for display.

    ``text`` has no escape sequences and no trailing padding. ``guessed`` is True when
    non-ASCII bytes were decoded by a character set the file did not declare (none
    declared, or the declared one does not fit the bytes); ``charset`` is then the
    Python codec used ("gb18030", "utf_8", "latin_1"), else "".
    """

    text: str
    guessed: bool = False
    charset: str = ""


@dataclass(frozen=True)
class DisplayTexts:
    """The texts the viewer shows from one dataset, and whether any was guessed.

    ``charset_undeclared`` is True when any of them needed a guess (``DecodedText.
    guessed``): the viewer then shows "字符集未声明" next to the patient name.
    """

    patient_name: str
    institution: str
    series_description: str
    study_description: str
    charset_undeclared: bool


def _normalise_term(term: str) -> str:
    """A Specific Character Set value in the standard's spelling where it is recognisable
    ("iso-ir 100", "ISO_IR_100" → "ISO_IR 100"; "iso 2022 ir 58" → "ISO 2022 IR 58")."""
    words = term.strip().upper().replace("_", " ").replace("-", " ").split()
    joined = " ".join(words)
    if joined.startswith("ISO 2022 IR "):
        return joined
    if joined.startswith("ISO IR "):
        return "ISO_IR " + joined[len("ISO IR ") :]
    if joined in ("UTF 8", "UTF8"):
        return "UTF-8"
    return joined.replace(" ", "")  # GB18030, GBK, GB2312


def character_sets(ds: Dataset) -> tuple[str, ...]:
    """The values of Specific Character Set (0008,0005), normalised; () when absent.

    Value 1 may be empty (the default repertoire, ISO-IR 6), so ``("", "ISO 2022 IR 58")``
    is a valid result. Never raises: an unreadable element counts as absent.
    """
    try:
        value = ds.get("SpecificCharacterSet")
    except Exception:  # a damaged element may fail on first access
        return ()
    if value is None:
        return ()
    values = [value] if isinstance(value, str | bytes) else list(value)
    out = []
    for item in values:
        text = item.decode("ascii", "replace") if isinstance(item, bytes) else str(item)
        out.append(_normalise_term(text))
    return tuple(out) if any(out) else ()


def _base_codec(term: str) -> str | None:
    """The codec for a term without code extensions; None when unknown or empty."""
    return _SINGLE.get(term) or _ALIASES.get(term)


def _initial_state(charsets: Sequence[str]) -> tuple[str, str | None]:
    """(G0 codec, G1 codec) at the start of a value, from value 1 (PS3.3 C.12.1.1.2: an
    empty value 1 means ISO-IR 6; G1 None: no set for the high half)."""
    first = charsets[0] if charsets else ""
    if first in _EXTENDED:
        area, codec = _ESCAPES[_EXTENDED[first]]
        if first == "ISO 2022 IR 13":
            return "jis_roman", codec
        if area == _G1:
            return "ascii", codec
        return "ascii", None  # a multi-byte G0 set is invoked only by its escape
    base = _base_codec(first)
    if base is not None:
        return "ascii", (None if base == "ascii" else base)
    if first:
        log.info("unknown Specific Character Set term; the default repertoire is assumed")
    return "ascii", None


def _decode_codec(data: bytes, codec: str) -> str:
    """Strict decoding with one of the codecs above. Raises UnicodeDecodeError."""
    if codec == "jis_x0208":
        return (b"\x1b$B" + data).decode("iso2022_jp")
    if codec == "jis_x0212":
        return (b"\x1b$(D" + data).decode("iso2022_jp_2")
    if codec == "jis_roman":
        # JIS X 0201 Romaji differs from ASCII in two positions: 0x5C ¥ and 0x7E ‾.
        return data.decode("ascii").replace("\\", "¥").replace("~", "‾")
    return data.decode(codec)


def _is_hanzi(char: str) -> bool:
    code = ord(char)
    return (
        0x4E00 <= code <= 0x9FFF
        or 0x3400 <= code <= 0x4DBF
        or 0xF900 <= code <= 0xFAFF
        or 0x20000 <= code <= 0x3FFFF
    )


def _gb_score(data: bytes) -> float | None:
    """How Chinese ``data`` looks as GB 18030; None when it is not valid GB 18030.

    +2 per hanzi of GB 2312 level 1 (the 3,755 common ones, lead byte 0xB0–0xD7), +1 per
    level-2 hanzi, 0 for other GB 2312 characters (full-width punctuation), −1 for hanzi
    outside GB 2312 (rare in names, but exist), −3 for anything else (user-defined area,
    odd symbols), −2 when a character sits between two ASCII letters (real Chinese text
    writes "CT平扫", never "Concei玢o").
    """
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError:
        return None
    score = 0.0
    for i, char in enumerate(text):
        if ord(char) < 0x80:
            continue
        try:
            lead = char.encode("gb2312")[0]
        except UnicodeEncodeError:
            score += -1 if _is_hanzi(char) else -3
        else:
            score += 2 if 0xB0 <= lead <= 0xD7 else 1 if 0xD8 <= lead <= 0xF7 else 0
        before = text[i - 1] if i else ""
        after = text[i + 1] if i + 1 < len(text) else ""
        if before.isascii() and before.isalpha() and after.isascii() and after.isalpha():
            score -= 2
    return score


def _ascii_letter(byte: int | None) -> str:
    """ "u", "l" for an ASCII upper/lower case letter, else ""."""
    if byte is None:
        return ""
    return "u" if 0x41 <= byte <= 0x5A else "l" if 0x61 <= byte <= 0x7A else ""


def _latin_score(data: bytes) -> float:
    """How Latin ``data`` looks as Latin-1.

    +2 per accented letter next to an ASCII letter of its case (lower case "ü" in "Müller";
    upper case "Ä" before lower case "neas" or beside upper case "MÜLLER"), +1 next to a
    letter of the other case, 0 with no ASCII letter beside it, −1 for every high byte
    directly after another (Latin words rarely have two accented letters in a row; GBK has
    only pairs), −1 for a symbol (0xA0–0xBF, ×, ÷) and −3 for a C1 control (0x80–0x9F,
    never text).
    """
    score = 0.0
    for i, byte in enumerate(data):
        if byte < 0x80:
            continue
        before = data[i - 1] if i else None
        after = data[i + 1] if i + 1 < len(data) else None
        if before is not None and before >= 0x80:
            score -= 1
        if byte < 0xA0:
            score -= 3
            continue
        if byte < 0xC0 or byte in (0xD7, 0xF7):
            score -= 1
            continue
        case = "l" if byte >= 0xDF else "u"
        neighbours = {_ascii_letter(before), _ascii_letter(after)} - {""}
        if case in neighbours or (case == "u" and _ascii_letter(after) == "l"):
            score += 2
        elif neighbours:
            score += 1
    return score


def _guess(data: bytes, declared: str | None) -> DecodedText:
    """``data`` with non-ASCII bytes whose declared codec (``declared``: "latin_1", or
    None when nothing usable is declared) is missing, doubtful or failed.

    UTF-8 first (its byte patterns almost never occur by chance), then the likelier of
    GB 18030 and Latin-1; a declared Latin-1 keeps ties and is then not a guess.
    """
    try:
        return DecodedText(data.decode("utf_8"), guessed=True, charset="utf_8")
    except UnicodeDecodeError:
        pass
    gb = _gb_score(data)
    latin = _latin_score(data)
    if declared == "latin_1" and (gb is None or gb <= latin):
        return DecodedText(data.decode("latin_1"))
    if gb is not None and gb >= latin:
        return DecodedText(data.decode("gb18030"), guessed=True, charset="gb18030")
    return DecodedText(data.decode("latin_1"), guessed=True, charset="latin_1")


def _decode_segment(
    data: bytes, g0: str, g1: str | None, doubtful: bool, fallback: str | None
) -> DecodedText:
    """One run of bytes between escape sequences, in the sets designated for it.

    ``doubtful``: G1 comes from the declaration's default state (not from an escape
    sequence in the value), so a Latin-1 or missing G1 may be a mislabelled GB 18030.
    ``fallback``: the multi-byte G1 set the declaration names (``ISO 2022 IR 58``/``149``)
    for high bytes that arrive before any escape (many Chinese systems omit ``ESC $ ) A``):
    used, as declared, when the bytes fit it.
    """
    if g0 in ("jis_x0208", "jis_x0212"):
        try:
            return DecodedText(_decode_codec(data, g0))
        except UnicodeDecodeError:
            return DecodedText((b"\x1b$B" + data).decode("iso2022_jp", "replace"))
    if all(byte < 0x80 for byte in data):
        try:
            return DecodedText(_decode_codec(data, g0))
        except UnicodeDecodeError:  # pragma: no cover - ASCII always decodes
            return DecodedText(data.decode("ascii", "replace"))
    if g1 is None and fallback is not None:
        try:
            text = data.decode(fallback)
        except UnicodeDecodeError:
            pass
        else:
            gb = _gb_score(data) if fallback == "gb18030" else None
            if gb is None or gb >= _latin_score(data):
                return DecodedText(text)
    if g1 is None or (doubtful and g1 == "latin_1"):
        return _guess(data, g1)
    try:
        text = data.decode(g1)
    except UnicodeDecodeError:
        found = _guess(data, None)
        return DecodedText(found.text, guessed=True, charset=found.charset)
    if g0 == "jis_roman":
        text = text.replace("\\", "¥").replace("~", "‾")
    return DecodedText(text)


def _split_escapes(data: bytes) -> list[tuple[bytes | None, bytes]]:
    """The value cut at ISO 2022 escape sequences: (escape or None, bytes up to the next).

    An escape sequence is ESC, intermediate bytes 0x20–0x2F, one final byte 0x30–0x7E
    (ISO/IEC 2022 clause 13); a lone ESC at the end is dropped.
    """
    parts: list[tuple[bytes | None, bytes]] = []
    escape: bytes | None = None
    start = i = 0
    while i < len(data):
        if data[i] != ESC:
            i += 1
            continue
        parts.append((escape, data[start:i]))
        j = i + 1
        while j < len(data) and 0x20 <= data[j] <= 0x2F:
            j += 1
        final = j < len(data) and 0x30 <= data[j] <= 0x7E
        escape = data[i + 1 : j + 1] if final else b""
        i = start = j + 1 if final else j
    parts.append((escape, data[start:]))
    return [(e, d) for e, d in parts if d or e]


MAX_TEXT_BYTES = 4096  # far beyond any name or description (LO/PN hold at most 64 chars)


def decode_text(data: bytes, charsets: Sequence[str]) -> DecodedText:
    """Decode one text value (all its bytes: several values, "=" groups and "^" components
    are split afterwards, since GBK trail bytes can equal "\\" or "^").

    ``charsets`` is ``character_sets(ds)``. Escape sequences are interpreted whatever the
    declaration says (they name their set) and never appear in the text. Trailing spaces
    and NULs (padding) are removed. Never raises: bytes that fit no set they claim end
    in the likeliest of UTF-8, GB 18030 and Latin-1 (flagged ``guessed``); U+FFFD appears
    only for a broken JIS X 0208 run. Only the first ``MAX_TEXT_BYTES`` are read: what the
    viewer shows is a line, and a 30 MB "name" must not keep it busy for minutes.
    """
    data = data[:MAX_TEXT_BYTES]
    g0, g1 = _initial_state(charsets)
    fallback = next(
        (
            _ESCAPES[_EXTENDED[term]][1]
            for term in charsets[1:]
            if term in ("ISO 2022 IR 58", "ISO 2022 IR 149")
        ),
        None,
    )
    pieces: list[str] = []
    guessed, used = False, ""
    g1_from_escape = False
    for escape, segment in _split_escapes(data):
        if escape is not None:
            found = _ESCAPES.get(escape)
            if found is None:
                log.info("unknown ISO 2022 escape sequence ignored")
            else:
                area, codec = found
                if area == _G0:
                    g0 = codec
                else:
                    g1, g1_from_escape = codec, True
        if not segment:
            continue
        piece = _decode_segment(segment, g0, g1, not g1_from_escape, fallback)
        pieces.append(piece.text)
        if piece.guessed:
            guessed, used = True, used or piece.charset
    return DecodedText("".join(pieces).rstrip(" \x00"), guessed, used if guessed else "")


def raw_value(ds: Dataset, keyword: str) -> bytes | str | None:
    """The element's value as read from the file: bytes when pydicom has not converted it
    (``RawDataElement``; the usual case after ``dcmread``), else the original bytes of a
    converted person name, else the value as text (a dataset built in memory holds
    Unicode already). None when absent or empty. Never raises.
    """
    try:
        element: Any = ds.get_item(keyword)  # None when absent (the stubs do not say so)
    except Exception:  # a damaged element may fail on access
        return None
    if element is None:
        return None
    value: Any = element.value
    if value is None or value == b"" or value == "":
        return None
    if isinstance(value, bytes):
        return value
    if isinstance(value, PersonName):
        original = value.original_string
        if isinstance(original, bytes) and original:
            return original
    if isinstance(value, str | PersonName):
        return str(value)
    if isinstance(value, Sequence):  # a multi-valued text: values joined as in the file
        return "\\".join(str(v) for v in value)
    return str(value)


def element_text(ds: Dataset, keyword: str, charsets: Sequence[str] | None = None) -> DecodedText:
    """The decoded text of a top-level text or PN element ("" when absent). Never raises.

    ``charsets`` defaults to ``character_sets(ds)``.
    """
    value = raw_value(ds, keyword)
    if value is None:
        return DecodedText("")
    if isinstance(value, str):
        return DecodedText(value.rstrip(" \x00"))
    try:
        found = decode_text(value, character_sets(ds) if charsets is None else charsets)
    except Exception as exc:  # a text must never stop an image from opening
        log.info("%s not decoded: %s", safe(keyword), safe(type(exc).__name__))
        return DecodedText(value.decode("latin_1", "replace").rstrip(" \x00"), True, "latin_1")
    if found.guessed:
        log.info(
            "%s: character set not declared or wrong; shown as %s",
            safe(keyword),
            safe(found.charset),
        )
    return found


def _has_ideographs(text: str) -> bool:
    """Han, kana or Hangul: scripts whose names are written without spaces."""
    for char in text:
        code = ord(char)
        if (
            _is_hanzi(char)
            or 0x3040 <= code <= 0x30FF  # hiragana, katakana
            or 0xFF66 <= code <= 0xFF9F  # half-width katakana
            or 0xAC00 <= code <= 0xD7AF  # Hangul syllables
            or 0x1100 <= code <= 0x11FF
            or 0x3130 <= code <= 0x318F
        ):
            return True
    return False


def _group_display(group: str) -> str:
    """One component group as a reader writes it: family name first; for Chinese,
    Japanese and Korean names family, given and middle names run together (张^三 → 张三),
    else they are separated by spaces (ZHANG^SAN → ZHANG SAN); prefix and suffix around,
    space-separated."""
    parts = [part.strip() for part in group.split("^")]
    parts += [""] * (5 - len(parts))
    family, given, middle, prefix, suffix = parts[0], parts[1], parts[2], parts[3], parts[4]
    extra = parts[5:]  # more than five components: not conformant, keep them
    names = [p for p in (family, given, middle, *extra) if p]
    core = "".join(names) if _has_ideographs("".join(names)) else " ".join(names)
    return " ".join(p for p in (prefix, core, suffix) if p)


def person_name_display(text: str) -> str:
    """A decoded PN value as it should be shown: the ideographic group (second) when it
    has a name, else the alphabetic (first), else the phonetic (third) rather than
    nothing. Multiple values (not allowed for Patient's Name): the first one.

    ``Wang^XiaoDong=王^小东=`` → ``王小东``; ``Yamada^Tarou=山田^太郎=やまだ^たろう`` →
    ``山田太郎``; ``ZHANG^SAN`` → ``ZHANG SAN``; ``Müller^Hans^^Dr.`` → ``Dr. Müller Hans``.
    """
    value = text.split("\\")[0]
    groups = [_group_display(group) for group in value.split("=")]
    groups += [""] * (3 - len(groups))
    alphabetic, ideographic, phonetic = groups[0], groups[1], groups[2]
    return ideographic or alphabetic or phonetic


def display_texts(ds: Dataset) -> DisplayTexts:
    """The patient name (``person_name_display``), institution name, series and study
    descriptions of ``ds``, decoded by its Specific Character Set with the fallbacks
    above. Never raises; absent attributes are "".
    """
    charsets = character_sets(ds)
    name = element_text(ds, "PatientName", charsets)
    institution = element_text(ds, "InstitutionName", charsets)
    series = element_text(ds, "SeriesDescription", charsets)
    study = element_text(ds, "StudyDescription", charsets)
    return DisplayTexts(
        patient_name=person_name_display(name.text),
        institution=institution.text.strip(),
        series_description=series.text.strip(),
        study_description=study.text.strip(),
        charset_undeclared=any(t.guessed for t in (name, institution, series, study)),
    )


__all__ = [
    "DecodedText",
    "DisplayTexts",
    "character_sets",
    "decode_text",
    "display_texts",
    "element_text",
    "person_name_display",
    "raw_value",
]
