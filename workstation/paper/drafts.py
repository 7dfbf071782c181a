"""Drafts of paper reports kept on this computer until she saves or discards them: the
fields as JSON and the picture she added, both sealed with her data key (at_rest) when
one is available, in private files (0600 in a 0700 folder)."""

from __future__ import annotations

import datetime as dt
import json
import logging
from dataclasses import asdict
from pathlib import Path
from typing import Any

from workstation.at_rest import FieldCipher, UnreadableValue
from workstation.atomic import write_bytes_atomic
from workstation.paper.draft import LabEntry, PaperDraft
from workstation.private_files import ensure_private_dir

log = logging.getLogger("workstation.paper")
_FIELDS = "draft.json"
_IMAGE = "image.bin"


def _to_json(draft: PaperDraft) -> str:
    doc: dict[str, Any] = asdict(draft)
    doc["effective"] = draft.effective.isoformat() if draft.effective else None
    return json.dumps(doc, ensure_ascii=False)


def _from_json(text: str) -> PaperDraft:
    doc = json.loads(text)
    effective = doc.get("effective")
    crop = doc.get("crop")
    return PaperDraft(
        id=str(doc["id"]),
        patient_id=str(doc["patient_id"]),
        hospital_id=str(doc.get("hospital_id", "")),
        hospital_name=str(doc.get("hospital_name", "")),
        effective=dt.datetime.fromisoformat(effective) if effective else None,
        item_code=str(doc.get("item_code", "")),
        hr_mark=bool(doc.get("hr_mark", False)),
        mark_region=str(doc.get("mark_region", "")),
        conclusion=str(doc.get("conclusion", "")),
        labs=tuple(LabEntry(**entry) for entry in doc.get("labs", [])),
        image_name=str(doc.get("image_name", "")),
        rotation=int(doc.get("rotation", 0)),
        crop=(float(crop[0]), float(crop[1]), float(crop[2]), float(crop[3])) if crop else None,
    )


class DraftStore:
    """One folder per draft below ``root``. Without a cipher the files are plain (the
    caller has said so in the log, as for the journal)."""

    def __init__(self, root: Path, cipher: FieldCipher | None) -> None:
        self.root = root
        self.cipher = cipher
        ensure_private_dir(root)

    def _folder(self, draft_id: str) -> Path:
        if not draft_id.isalnum():
            raise ValueError("a draft id is letters and digits")
        return self.root / draft_id

    def _seal(self, data: bytes, context: str) -> bytes:
        if self.cipher is None:
            return data
        return self.cipher.seal_bytes(data, context)

    def _open(self, blob: bytes, context: str) -> bytes:
        if self.cipher is None:
            return blob
        return self.cipher.open_bytes(blob, context)

    def save(self, draft: PaperDraft, image: bytes | None = None) -> None:
        """Keep ``draft`` (and, when given, the picture's file bytes) durably."""
        folder = self._folder(draft.id)
        ensure_private_dir(folder)
        if image is not None:
            sealed = self._seal(image, f"paper:{draft.id}:image")
            write_bytes_atomic(folder / _IMAGE, sealed)
        fields = self._seal(_to_json(draft).encode(), f"paper:{draft.id}:fields")
        write_bytes_atomic(folder / _FIELDS, fields)

    def _fields(self, draft_id: str) -> PaperDraft:
        fields = self._open(
            (self._folder(draft_id) / _FIELDS).read_bytes(), f"paper:{draft_id}:fields"
        )
        try:
            return _from_json(fields.decode())
        except (ValueError, KeyError, TypeError) as exc:
            raise UnreadableValue("the draft's fields are malformed") from exc

    def load(self, draft_id: str) -> tuple[PaperDraft, bytes | None]:
        """A kept draft and its picture (None when none was added). Raises UnreadableValue
        when the key is another one or the files were changed, FileNotFoundError when
        there is no such draft."""
        draft = self._fields(draft_id)
        image_path = self._folder(draft_id) / _IMAGE
        image = (
            self._open(image_path.read_bytes(), f"paper:{draft_id}:image")
            if image_path.exists()
            else None
        )
        return draft, image

    def drafts_of(self, patient_id: str) -> list[PaperDraft]:
        """The readable drafts kept for ``patient_id``, last saved last (unreadable ones are
        logged and kept)."""
        found = []
        kept = [p for p in self.root.iterdir() if (p / _FIELDS).exists()]
        for folder in sorted(kept, key=lambda p: (p / _FIELDS).stat().st_mtime_ns):
            try:
                draft = self._fields(folder.name)  # the picture is read only when resumed
            except (UnreadableValue, ValueError, OSError):
                log.warning("a paper-report draft cannot be read with this key")
                continue
            if draft.patient_id == patient_id:
                found.append(draft)
        return found

    def discard(self, draft_id: str) -> None:
        """Forget a draft (after it was saved to the platform, or when she discards it)."""
        folder = self._folder(draft_id)
        for name in (_FIELDS, _IMAGE):
            (folder / name).unlink(missing_ok=True)
        if folder.exists():
            folder.rmdir()
