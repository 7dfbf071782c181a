"""Disc studies she chose to keep on this computer: each instance file copied from the disc
and sealed with her data key (at_rest), with the study's listing, one private folder per
study (0700, files inside it), so that on reopening the patient the studies are back
without the disc. Nothing is kept without a data key: patient data at rest is encrypted
or not kept.

``KeptStudies`` is also a ``StudySource`` over what it keeps: its studies are read like a
disc's, every instance checked against the study and patient before it is shown.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import logging
import shutil
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workstation.at_rest import FieldCipher, UnreadableValue
from workstation.atomic import write_bytes_atomic
from workstation.dicomweb.priority import SlicePriority
from workstation.imaging.decode import DecodeError, read_dataset
from workstation.model import Gender, InstanceRef, MedicalRecordNumber, Patient, SeriesRef
from workstation.private_files import ensure_private_dir
from workstation.services import LoadedImage
from workstation.sources.base import (
    Cancelled,
    Progress,
    SourceError,
    SourceKind,
    SourceStudy,
    check_cancel,
    reading_order,
)
from workstation.sources.disc import DiscSource, inside
from workstation.sources.instance_check import checked_image

log = logging.getLogger("workstation.sources.kept")
_INDEX = "index.bin"


def _study_doc(study: SourceStudy) -> dict[str, Any]:
    p = study.patient
    return {
        "source": study.source,
        "patient": {
            "id": p.id,
            "name": p.name,
            "gender": p.gender.value,
            "birth_date": p.birth_date.isoformat() if p.birth_date else None,
            "id_card": p.id_card,
            "mrns": [[m.hospital_id, m.value] for m in p.mrns],
        },
        "study_uid": study.study_uid,
        "started": study.started.isoformat() if study.started else None,
        "description": study.description,
        "modalities": list(study.modalities),
        "institution": study.institution,
        "accession": study.accession,
        "series": [
            {
                "uid": s.uid,
                "number": s.number,
                "modality": s.modality,
                "description": s.description,
                "instances": [[i.sop_instance_uid, i.sop_class_uid, i.number] for i in s.instances],
            }
            for s in study.series
        ],
    }


def _study_from(doc: dict[str, Any]) -> SourceStudy:
    p = doc["patient"]
    born = p.get("birth_date")
    started = doc.get("started")
    return SourceStudy(
        source=str(doc["source"]),
        patient=Patient(
            id=str(p["id"]),
            name=str(p["name"]),
            gender=Gender(p["gender"]),
            birth_date=dt.date.fromisoformat(born) if born else None,
            id_card=str(p.get("id_card", "")),
            mrns=tuple(MedicalRecordNumber(str(h), str(v)) for h, v in p.get("mrns", [])),
        ),
        study_uid=str(doc["study_uid"]),
        started=dt.datetime.fromisoformat(started) if started else None,
        description=str(doc.get("description", "")),
        modalities=tuple(str(m) for m in doc.get("modalities", [])),
        institution=str(doc.get("institution", "")),
        accession=str(doc.get("accession", "")),
        series=tuple(
            SeriesRef(
                str(s["uid"]),
                int(s["number"]),
                str(s["modality"]),
                str(s["description"]),
                tuple(InstanceRef(str(u), str(c), int(n)) for u, c, n in s["instances"]),
            )
            for s in doc.get("series", [])
        ),
    )


class KeptStudies:
    """The studies kept below ``root`` (her own folder), sealed with ``cipher``."""

    def __init__(self, root: Path, cipher: FieldCipher) -> None:
        self.root = root
        self.cipher = cipher
        ensure_private_dir(root)

    def source(self, patient_id: str, name: str) -> KeptSource:
        """The studies kept for ``patient_id`` as a StudySource named ``name``."""
        return KeptSource(self, patient_id, name)

    def folder(self, patient_id: str, study_uid: str) -> Path:
        """Where a study kept for a patient lives."""
        digest = hashlib.sha256(f"{patient_id}\x00{study_uid}".encode()).hexdigest()
        return self.root / digest[:24]  # names nothing of the patient or study

    def keep(
        self,
        patient_id: str,
        source: DiscSource,
        study: SourceStudy,
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> int:
        """Copy ``study``'s files from the read disc ``source``, sealed, for the platform's
        patient ``patient_id``; the listing is written last, so a copy cut short is never
        listed (and is removed). Returns the number of files kept. Raises SourceError when
        the disc has not been read or a file cannot be read, OSError when the copy cannot
        be written, Cancelled."""
        report = source.report
        if report is None:
            raise SourceError("the disc has not been read")
        folder = self.folder(patient_id, study.study_uid)
        ensure_private_dir(folder)
        refs = [i for s in study.series for i in s.instances]
        files: dict[str, str] = {}
        try:
            for n, ref in enumerate(refs):
                check_cancel(cancel)
                path = report.paths.get(ref.sop_instance_uid)
                if path is None or not inside(path, report.root):
                    continue  # missing on the disc: reading it said so already
                try:
                    data = path.read_bytes()
                except OSError as exc:
                    raise SourceError(
                        f"a file of the disc cannot be read ({exc.strerror})"
                    ) from exc
                name = f"{n}.bin"
                context = f"kept:{folder.name}:{ref.sop_instance_uid}"
                write_bytes_atomic(folder / name, self.cipher.seal_bytes(data, context))
                files[ref.sop_instance_uid] = name
                if progress is not None:
                    progress(n + 1, len(refs))
            index = {"patient_id": patient_id, "study": _study_doc(study), "files": files}
            sealed = self.cipher.seal_bytes(
                json.dumps(index, ensure_ascii=False).encode(), f"kept:{folder.name}:index"
            )
            write_bytes_atomic(folder / _INDEX, sealed)
        except (Cancelled, SourceError, OSError):
            shutil.rmtree(folder, ignore_errors=True)
            raise
        log.info("a disc study was kept encrypted (%d files)", len(files))
        return len(files)

    def index(self, folder: Path) -> dict[str, Any]:
        """A kept study's listing. Raises UnreadableValue, OSError."""
        blob = (folder / _INDEX).read_bytes()
        try:
            doc = json.loads(self.cipher.open_bytes(blob, f"kept:{folder.name}:index"))
        except (ValueError, UnicodeDecodeError) as exc:
            raise UnreadableValue("the kept study's listing is malformed") from exc
        if not isinstance(doc, dict):
            raise UnreadableValue("the kept study's listing is malformed")
        return doc

    def studies_of(
        self, patient_id: str, cancel: threading.Event | None = None
    ) -> list[SourceStudy]:
        """The studies kept for the platform's patient ``patient_id``, newest first.
        Listings that cannot be opened with this key are logged and left alone. Raises
        Cancelled."""
        found = []
        for folder in sorted(p for p in self.root.iterdir() if (p / _INDEX).is_file()):
            check_cancel(cancel)
            try:
                doc = self.index(folder)
                if doc.get("patient_id") == patient_id:
                    found.append(_study_from(doc["study"]))
            except (UnreadableValue, OSError, KeyError, TypeError, ValueError):
                log.warning("a kept disc study cannot be read with this key")
        found.sort(key=lambda s: s.started or dt.datetime.min, reverse=True)
        return found

    def forget(self, patient_id: str, study_uid: str) -> None:
        """Remove a kept study (its files and listing)."""
        shutil.rmtree(self.folder(patient_id, study_uid), ignore_errors=True)


class KeptSource:
    """The studies kept for one patient, as a StudySource: read like a disc's, every file
    opened with her key and checked against the study and patient before it is shown."""

    def __init__(self, store: KeptStudies, patient_id: str, name: str) -> None:
        self.store = store
        self.patient_id = patient_id
        self._name = name

    @property
    def name(self) -> str:
        """The source's name."""
        return self._name

    @property
    def kind(self) -> SourceKind:
        """A kept study is from the patient's own disc: DISC."""
        return SourceKind.DISC

    def find_studies(
        self,
        *,
        patient_id: str = "",
        name: str = "",
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SourceStudy]:
        """The studies kept for this source's patient (the query is not used: a study
        was matched to her when it was kept). Raises Cancelled."""
        return self.store.studies_of(self.patient_id, cancel)

    def load_series(
        self,
        study: SourceStudy,
        series: SeriesRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
        priority: SlicePriority | None = None,
    ) -> int:
        """Open and decode the kept files of the series in instance order (or that of
        ``priority``, ``base.reading_order``); a file that does
        not open with this key, or is not of this series, instance and patient, is handed
        over as an error, never as an image. Raises SourceError when the study is not kept
        (any more), Cancelled."""
        folder = self.store.folder(self.patient_id, study.study_uid)
        try:
            files = self.store.index(folder)["files"]
        except (UnreadableValue, OSError, KeyError) as exc:
            raise SourceError("the kept study cannot be read on this computer") from exc
        count = 0
        for ref in reading_order(series, priority):
            check_cancel(cancel)
            uid = ref.sop_instance_uid
            name = files.get(uid)
            if not isinstance(name, str) or "/" in name or name.startswith("."):
                on_image(LoadedImage(uid, None, "not kept"))
                continue
            try:
                data = self.store.cipher.open_bytes(
                    (folder / name).read_bytes(), f"kept:{folder.name}:{uid}"
                )
                ds = read_dataset(io.BytesIO(data))
            except (UnreadableValue, OSError) as exc:
                on_image(LoadedImage(uid, None, type(exc).__name__))
                continue
            except DecodeError as exc:
                on_image(LoadedImage(uid, None, str(exc)))
                continue
            loaded = checked_image(ds, study, series.uid, uid, "kept")
            count += loaded.image is not None
            on_image(loaded)
        return count

    def load_instance(
        self,
        study: SourceStudy,
        series: SeriesRef,
        instance: InstanceRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
    ) -> int:
        """One kept file of the series (its thumbnail), checked like ``load_series``."""
        one = SeriesRef(series.uid, series.number, series.modality, series.description, (instance,))
        return self.load_series(study, one, on_image, cancel)
