"""Finding a catalog item by what she types: Chinese characters, the pinyin initials of
the name (血常规 ← "xcg"), the full pinyin, the code or the English name."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from workstation.model import CatalogItem

_LATIN_RUN = re.compile(r"[A-Za-z0-9]+")
_SOURCE = "\x00"  # marks a run pypinyin passed through (not a character it read)


def pinyin_keys(text: str) -> tuple[str, str]:
    """(initials, full pinyin) of ``text`` in lower case, without spaces: "胸部CT平扫" →
    ("xbctps", "xiongbuctpingsao"). Latin letters and digits are kept whole in both;
    punctuation is dropped."""
    # Imported here: its dictionaries take about a second to load, which the program's
    # start should not wait for (the dialog builds its search on a worker).
    from pypinyin import lazy_pinyin

    initials: list[str] = []
    full: list[str] = []
    for part in lazy_pinyin(text, errors=lambda chars: _SOURCE + chars):
        if part.startswith(_SOURCE):  # not a Chinese character: Latin runs kept whole
            latin = "".join(_LATIN_RUN.findall(part)).lower()
            if latin:
                initials.append(latin)
                full.append(latin)
        elif part:
            initials.append(part[0].lower())
            full.append(part.lower())
    return "".join(initials), "".join(full)


@dataclass(frozen=True)
class _Entry:
    item: CatalogItem
    keys: tuple[str, ...]


class CatalogSearch:
    """Catalog items matched by a typed query (case-insensitive substring of the name, code,
    English name, pinyin initials or full pinyin); initials and name prefixes rank first."""

    def __init__(self, items: Iterable[CatalogItem]) -> None:
        self._entries = []
        for item in items:
            initials, full = pinyin_keys(item.name)
            keys = (item.name.lower(), item.code.lower(), item.name_en.lower(), initials, full)
            self._entries.append(_Entry(item, keys))

    def find(self, query: str) -> list[CatalogItem]:
        """Items matching ``query`` (all of them, in catalog order, for an empty one)."""
        text = re.sub(r"\s+", "", query).lower()
        if not text:
            return [e.item for e in self._entries]
        ranked: list[tuple[int, int, CatalogItem]] = []
        for order, entry in enumerate(self._entries):
            prefix = any(k.startswith(text) for k in entry.keys)
            if prefix or any(text in k.replace(" ", "") for k in entry.keys):
                ranked.append((0 if prefix else 1, order, entry.item))
        return [item for _rank, _order, item in sorted(ranked, key=lambda r: (r[0], r[1]))]
