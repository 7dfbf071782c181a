"""Window presets (modality units), as radiologists know them, and the user's own list."""

from __future__ import annotations

import logging
import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeGuard

from workstation.imaging.voi import Window
from workstation.logs import safe

log = logging.getLogger("workstation.imaging.presets")

MAX_NAME_LENGTH = 40

# What validate_preset says (English; the interface shows its own translation of each).
NAME_EMPTY = "The preset has no name."
NAME_TOO_LONG = "The name is longer than 40 characters."
NOT_A_NUMBER = "Centre and width must be finite numbers."
WIDTH_TOO_SMALL = "The width must be at least 1."


@dataclass(frozen=True)
class WindowPreset:
    """A named window for one modality (``modality`` as in DICOM (0008,0060), e.g. "CT")."""

    name: str
    modality: str
    center: float
    width: float

    @property
    def window(self) -> Window:
        """The VOI window this preset applies (LINEAR)."""
        return Window(self.center, self.width)


# CT windows as radiologists know them; English names, which the interface translates.
DEFAULT_PRESETS: tuple[WindowPreset, ...] = (
    WindowPreset("Brain", "CT", 40.0, 80.0),
    WindowPreset("Subdural", "CT", 75.0, 215.0),
    WindowPreset("Stroke", "CT", 32.0, 8.0),
    WindowPreset("Lung", "CT", -600.0, 1500.0),
    WindowPreset("Mediastinum", "CT", 50.0, 350.0),
    WindowPreset("Bone", "CT", 400.0, 1800.0),
    WindowPreset("Abdomen", "CT", 50.0, 400.0),
    WindowPreset("Liver", "CT", 60.0, 160.0),
)


# What files write as a window's explanation (Window Center & Width Explanation), reduced to
# letters, and the built-in name the interface translates ("肺窗" for any of LUNG, Lungs …).
_KNOWN_WINDOWS: dict[str, str] = {
    **dict.fromkeys(("LUNG", "LUNGS", "PULMONARY", "PULM"), "Lung"),
    **dict.fromkeys(("MEDIASTINUM", "MEDIASTINAL", "MEDIAST", "MEDIASTIN", "MEDIA"), "Mediastinum"),
    **dict.fromkeys(("BONE", "BONES", "OSSEOUS", "SKELETON"), "Bone"),
    **dict.fromkeys(("BRAIN", "HEAD", "CEREBRUM"), "Brain"),
    **dict.fromkeys(("ABDOMEN", "ABDOMINAL", "ABDO", "ABD"), "Abdomen"),
    **dict.fromkeys(("SOFTTISSUE", "SOFTTISSUES", "SOFT", "TISSUE", "ST"), "Soft tissue"),
    **dict.fromkeys(("LIVER", "HEPATIC"), "Liver"),
    **dict.fromkeys(("SUBDURAL",), "Subdural"),
    **dict.fromkeys(("STROKE",), "Stroke"),
}


def known_window_name(explanation: str) -> str | None:
    """The built-in preset name a file's window explanation means ("LUNG", "Lung window",
    "SOFT_TISSUE" → "Lung", "Soft tissue"), or None when it is not a known word."""
    letters = "".join(c for c in explanation.upper() if c.isascii() and c.isalpha())
    for suffix in ("WINDOW", "WIN", "WND", "W"):
        if letters.endswith(suffix) and letters[: -len(suffix)] in _KNOWN_WINDOWS:
            letters = letters[: -len(suffix)]
            break
    return _KNOWN_WINDOWS.get(letters)


def normalize_modality(modality: str) -> str:
    """Modality codes compare upper-case without surrounding spaces ("ct " → "CT")."""
    return modality.strip().upper()


def presets_for(presets: Iterable[WindowPreset], modality: str) -> tuple[WindowPreset, ...]:
    """The presets of one modality, in their order."""
    wanted = normalize_modality(modality)
    return tuple(p for p in presets if normalize_modality(p.modality) == wanted)


def validate_preset(name: str, center: float, width: float) -> str:
    """Why these values cannot be a preset ("" when they can).

    The width must be at least 1 (not merely positive): presets apply LINEAR windows, for
    which DICOM (and ``apply_window``) require width ≥ 1.
    """
    stripped = name.strip()
    if not stripped:
        return NAME_EMPTY
    if len(stripped) > MAX_NAME_LENGTH:
        return NAME_TOO_LONG
    if not (_finite(center) and _finite(width)):
        return NOT_A_NUMBER
    if width < 1:
        return WIDTH_TOO_SMALL
    return ""


def _is_number(value: object) -> TypeGuard[int | float]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _finite(value: object) -> bool:
    number = _number(value)
    return number is not None and math.isfinite(number)


def _number(value: object) -> float | None:
    """A JSON number as float (booleans and numeric text are not numbers here)."""
    if not _is_number(value):
        return None
    try:
        return float(value)
    except OverflowError:  # an integer beyond float range
        return None


def presets_to_json_list(presets: Iterable[WindowPreset]) -> list[dict[str, Any]]:
    """Presets as JSON-ready objects."""
    return [
        {"name": p.name, "modality": p.modality, "center": p.center, "width": p.width}
        for p in presets
    ]


def presets_from_json_list(items: object) -> tuple[WindowPreset, ...]:
    """Presets from parsed JSON. Entries that are not usable presets, and repeats of a
    modality and name already seen, are skipped with a log line; never raises."""
    if not isinstance(items, list):
        log.warning("window presets ignored: expected a list, got %s", safe(type(items).__name__))
        return ()
    presets: list[WindowPreset] = []
    seen: set[tuple[str, str]] = set()
    for number, item in enumerate(items, start=1):
        problem, preset = _parse_entry(item)
        if preset is not None and (preset.modality, preset.name) in seen:
            problem, preset = "the same modality and name came before", None
        if preset is None:
            log.warning("window preset %d skipped: %s", number, safe(problem))
            continue
        seen.add((preset.modality, preset.name))
        presets.append(preset)
    return tuple(presets)


def _parse_entry(item: object) -> tuple[str, WindowPreset | None]:
    if not isinstance(item, dict):
        return "not an object", None
    name, modality = item.get("name"), item.get("modality")
    center, width = _number(item.get("center")), _number(item.get("width"))
    if not isinstance(name, str) or not isinstance(modality, str):
        return "name and modality must be text", None
    if not normalize_modality(modality):
        return "no modality", None
    if center is None or width is None:
        return NOT_A_NUMBER, None
    problem = validate_preset(name, center, width)
    if problem:
        return problem, None
    return "", WindowPreset(name.strip(), normalize_modality(modality), center, width)
