"""A plain PACS reached with DICOM networking (pynetdicom): C-ECHO, C-FIND at study, series
and instance level (Study Root), C-GET of a series, or C-MOVE where configured.

Every operation opens its own association and closes it (a PACS drops idle associations;
one open association per operation never leaves one half-used). Retrieved instances are
encoded as Part 10 and decoded by ``imaging.decode.load``, handed over as
``services.LoadedImage`` like the DICOMweb path, so the viewer cannot tell the difference.

Nothing here logs patient data: queries and answers hold names and numbers.
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import socket
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from pydicom.dataset import Dataset
from pydicom.uid import (
    UID,
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    JPEGLSLossless,
    RLELossless,
)
from pynetdicom import AE, build_context, build_role, evt
from pynetdicom.association import Association
from pynetdicom.sop_class import (  # type: ignore[attr-defined]
    StudyRootQueryRetrieveInformationModelFind,
    StudyRootQueryRetrieveInformationModelGet,
    StudyRootQueryRetrieveInformationModelMove,
    Verification,
)

from workstation.dicomweb.priority import SlicePriority
from workstation.imaging.decode import DecodeError, decode, read_dataset
from workstation.imaging.names import element_text
from workstation.logs import safe
from workstation.model import InstanceRef, SeriesRef
from workstation.services import LoadedImage
from workstation.sources.base import (
    Cancelled,
    Progress,
    SourceError,
    SourceKind,
    SourceStudy,
    check_cancel,
    series_ref,
)
from workstation.sources.dicom_facts import patient_of, study_datetime
from workstation.sources.instance_check import instance_problem

log = logging.getLogger("workstation.sources.pacs")
_PENDING = (0xFF00, 0xFF01)
_SUCCESS = 0x0000
# Lossless first: the SCP picks one per context; a lossy syntax is never asked for.
_RECEIVE_SYNTAXES: list[str | UID] = [
    ExplicitVRLittleEndian,
    ImplicitVRLittleEndian,
    JPEGLSLossless,
    JPEG2000Lossless,
    JPEGLosslessSV1,
    RLELossless,
]
_MAX_CONTEXTS = 120  # of the 128 an association may propose; one is the query model


@dataclass(frozen=True)
class PacsEntry:
    """A configured PACS: where it listens, its AE title and ours."""

    name: str
    host: str
    port: int
    called_ae: str
    calling_ae: str = "HRWORKSTATION"
    timeout_s: float = 20.0
    # C-MOVE where configured: the PACS sends the images to ``calling_ae`` at this port
    # (registered on the PACS with this machine's address); 0 = C-GET on the association.
    move_port: int = 0
    move_bind: str = ""  # the address to listen on for C-MOVE ("" = every interface)


class PacsSource:
    """A PACS as a StudySource. Methods raise SourceError when the PACS cannot be reached
    or refuses, Cancelled when ``cancel`` is set."""

    def __init__(self, entry: PacsEntry) -> None:
        self.entry = entry

    @property
    def name(self) -> str:
        """The source's name."""
        return self.entry.name

    @property
    def kind(self) -> SourceKind:
        """Always DICOM."""
        return SourceKind.DICOM

    def _ae(self) -> AE:
        ae = AE(ae_title=self.entry.calling_ae)
        ae.acse_timeout = self.entry.timeout_s
        ae.dimse_timeout = self.entry.timeout_s
        ae.network_timeout = self.entry.timeout_s
        return ae

    def _associate(self, ae: AE, **kwargs: Any) -> Association:
        # A refused connection is found out first with a plain socket: pynetdicom 3.0
        # leaves the socket of a failed connect unclosed.
        try:
            with socket.create_connection(
                (self.entry.host, self.entry.port), timeout=self.entry.timeout_s
            ):
                pass
        except OSError as exc:
            raise SourceError(f"{self.entry.name}: cannot connect ({type(exc).__name__})") from exc
        try:
            assoc = ae.associate(
                self.entry.host, self.entry.port, ae_title=self.entry.called_ae, **kwargs
            )
        except (OSError, ValueError) as exc:
            raise SourceError(f"{self.entry.name}: cannot connect ({type(exc).__name__})") from exc
        if not assoc.is_established:
            why = "rejected the association" if assoc.is_rejected else "did not answer"
            raise SourceError(f"{self.entry.name}: the PACS {why}")
        return assoc

    def echo(self) -> None:
        """C-ECHO: whether the PACS answers. Raises SourceError."""
        ae = self._ae()
        ae.add_requested_context(Verification)
        assoc = self._associate(ae)
        try:
            status = assoc.send_c_echo()
        finally:
            assoc.release()
        if not status or status.get("Status") != _SUCCESS:
            raise SourceError(f"{self.entry.name}: C-ECHO failed")

    def _find(self, query: Dataset, cancel: threading.Event | None) -> Iterator[Dataset]:
        """The C-FIND answers to ``query`` (Study Root). Raises SourceError, Cancelled."""
        ae = self._ae()
        ae.add_requested_context(StudyRootQueryRetrieveInformationModelFind)
        assoc = self._associate(ae)
        try:
            for status, identifier in assoc.send_c_find(
                query, StudyRootQueryRetrieveInformationModelFind
            ):
                if cancel is not None and cancel.is_set():
                    assoc.abort()
                    raise Cancelled
                code = status.get("Status") if status else None
                if code is None:
                    raise SourceError(f"{self.entry.name}: C-FIND got no answer")
                if code in _PENDING and identifier is not None:
                    yield identifier
                elif code != _SUCCESS:
                    raise SourceError(f"{self.entry.name}: C-FIND failed (0x{code:04X})")
        finally:
            if assoc.is_established:
                assoc.release()

    def find_studies(
        self,
        *,
        patient_id: str = "",
        name: str = "",
        progress: Progress | None = None,
        cancel: threading.Event | None = None,
    ) -> list[SourceStudy]:
        """Studies whose Patient ID is ``patient_id`` and, separately, those whose
        patient name contains the characters of ``name`` in order (a wildcard query; the
        identity rules decide what matches). Study level only: series come from
        ``study_series``. Raises SourceError, Cancelled."""
        found: dict[str, SourceStudy] = {}
        queries = []
        if patient_id:
            queries.append(_study_query(PatientID=patient_id))
        if name:
            queries.append(_study_query(PatientName=name_pattern(name)))
        for query in queries:
            for answer in self._find(query, cancel):
                study = self._study(answer)
                if study.study_uid:
                    found.setdefault(study.study_uid, study)
                    if progress is not None:
                        progress(len(found), None)
        return sorted(found.values(), key=lambda s: s.started or dt.datetime.min, reverse=True)

    def _study(self, answer: Dataset) -> SourceStudy:
        modalities = answer.get("ModalitiesInStudy", "") or ""
        listed = [modalities] if isinstance(modalities, str) else list(modalities)
        return SourceStudy(
            source=self.entry.name,
            patient=patient_of(answer),
            study_uid=str(answer.get("StudyInstanceUID", "") or ""),
            started=study_datetime(answer),
            description=element_text(answer, "StudyDescription").text,
            modalities=tuple(str(m) for m in listed if m),
            institution=element_text(answer, "InstitutionName").text,
            accession=str(answer.get("AccessionNumber", "") or ""),
            instance_count=_int(answer.get("NumberOfStudyRelatedInstances")),
        )

    def study_series(
        self, study: SourceStudy, cancel: threading.Event | None = None
    ) -> tuple[SeriesRef, ...]:
        """The study's series (C-FIND SERIES) with their instances (C-FIND IMAGE), in
        series and instance number order. Raises SourceError, Cancelled."""
        query = Dataset()
        query.QueryRetrieveLevel = "SERIES"
        query.StudyInstanceUID = study.study_uid
        for keyword in ("SeriesInstanceUID", "Modality", "SeriesNumber", "SeriesDescription"):
            setattr(query, keyword, "")
        listed = list(self._find(query, cancel))
        refs = []
        for answer in listed:
            uid = str(answer.get("SeriesInstanceUID", "") or "")
            image = Dataset()
            image.QueryRetrieveLevel = "IMAGE"
            image.StudyInstanceUID = study.study_uid
            image.SeriesInstanceUID = uid
            image.SOPInstanceUID = ""
            image.SOPClassUID = ""
            image.InstanceNumber = ""
            instances = [
                InstanceRef(
                    str(i.get("SOPInstanceUID", "")),
                    str(i.get("SOPClassUID", "")),
                    _int(i.get("InstanceNumber")),
                )
                for i in self._find(image, cancel)
            ]
            refs.append(
                series_ref(
                    uid,
                    _int(answer.get("SeriesNumber")),
                    str(answer.get("Modality", "") or ""),
                    str(answer.get("SeriesDescription", "") or ""),
                    instances,
                )
            )
        return tuple(sorted(refs, key=lambda s: (s.number, s.uid)))

    def load_series(
        self,
        study: SourceStudy,
        series: SeriesRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
        priority: SlicePriority | None = None,
    ) -> int:
        """Retrieve the series (C-GET, or C-MOVE to our own storage port when the entry
        has ``move_port``) and decode each instance as it arrives. ``series.instances``
        name the SOP classes to accept (a PACS can only send what was negotiated). An
        instance the PACS sends that is not of this study, series and patient
        (``instance_check``) is handed over as an error, never as an image. The PACS
        sends in its own order (``priority`` is not used). Returns the number decoded.
        Raises SourceError, Cancelled."""
        return self._retrieve(study, series, None, on_image, cancel)

    def load_instance(
        self,
        study: SourceStudy,
        series: SeriesRef,
        instance: InstanceRef,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None = None,
    ) -> int:
        """Retrieve and decode one instance of the series (at IMAGE level: a series'
        thumbnail without its other images), checked like ``load_series``. Returns 1, or
        0 when it was refused or undecodable. Raises SourceError, Cancelled."""
        return self._retrieve(study, series, instance, on_image, cancel)

    def _retrieve(
        self,
        study: SourceStudy,
        series: SeriesRef,
        instance: InstanceRef | None,
        on_image: Callable[[LoadedImage], None],
        cancel: threading.Event | None,
    ) -> int:
        """The series, or its one ``instance``, by C-GET or C-MOVE."""
        listed = (instance,) if instance is not None else series.instances
        classes = sorted({i.sop_class_uid for i in listed if i.sop_class_uid})
        if not classes:
            raise SourceError(f"{self.entry.name}: the series lists no instances")
        classes = classes[:_MAX_CONTEXTS]
        decoded: set[str] = set()
        sop_uid = instance.sop_instance_uid if instance is not None else ""
        store = _store_handler(on_image, decoded, cancel, study, series.uid, sop_uid)
        query = Dataset()
        query.QueryRetrieveLevel = "IMAGE" if instance is not None else "SERIES"
        query.StudyInstanceUID = study.study_uid
        query.SeriesInstanceUID = series.uid
        if instance is not None:
            query.SOPInstanceUID = sop_uid
        ae = self._ae()
        if self.entry.move_port:
            for uid in classes:
                ae.add_supported_context(uid, _RECEIVE_SYNTAXES)
            server = ae.start_server(
                (self.entry.move_bind, self.entry.move_port),
                block=False,
                evt_handlers=[(evt.EVT_C_STORE, store)],
            )
            try:
                ae.add_requested_context(StudyRootQueryRetrieveInformationModelMove)
                assoc = self._associate(ae)
                responses = assoc.send_c_move(
                    query, self.entry.calling_ae, StudyRootQueryRetrieveInformationModelMove
                )
                self._retrieved(assoc, responses, "C-MOVE", cancel)
            finally:
                if server is not None:
                    server.shutdown()
        else:
            contexts = [build_context(StudyRootQueryRetrieveInformationModelGet)]
            contexts += [build_context(uid, _RECEIVE_SYNTAXES) for uid in classes]
            roles = [build_role(uid, scp_role=True) for uid in classes]
            assoc = self._associate(
                ae, contexts=contexts, ext_neg=roles, evt_handlers=[(evt.EVT_C_STORE, store)]
            )
            responses = assoc.send_c_get(query, StudyRootQueryRetrieveInformationModelGet)
            self._retrieved(assoc, responses, "C-GET", cancel)
        check_cancel(cancel)
        return len(decoded)

    def _retrieved(
        self,
        assoc: Association,
        responses: Iterator[tuple[Dataset, Dataset | None]],
        what: str,
        cancel: threading.Event | None,
    ) -> None:
        """Follow a C-GET or C-MOVE to its end. Raises SourceError, Cancelled."""
        try:
            for status, _identifier in responses:
                if cancel is not None and cancel.is_set():
                    assoc.abort()
                    raise Cancelled
                code = status.get("Status") if status else None
                if code is None:
                    raise SourceError(f"{self.entry.name}: {what} got no answer")
                if code not in _PENDING and code != _SUCCESS and code & 0xF000 != 0xB000:
                    raise SourceError(f"{self.entry.name}: {what} failed (0x{code:04X})")
        finally:
            if assoc.is_established:
                assoc.release()


def _store_handler(
    on_image: Callable[[LoadedImage], None],
    decoded: set[str],
    cancel: threading.Event | None,
    study: SourceStudy,
    series_uid: str,
    sop_uid: str = "",
) -> Callable[[Any], int]:
    """The C-STORE handler of a retrieval: check that the instance is of the series and
    patient asked for, decode, hand over, answer the PACS."""

    def store(event: Any) -> int:
        if cancel is not None and cancel.is_set():
            return 0xA700  # refused: out of resources (the retrieval is being cancelled)
        try:
            ds = read_dataset(io.BytesIO(event.encoded_dataset()))
            problem = instance_problem(ds, study, series_uid, sop_uid)
            if problem:
                log.warning("retrieved instance refused: %s", safe(problem))
                on_image(LoadedImage(str(event.request.AffectedSOPInstanceUID), None, problem))
                return _SUCCESS  # received and dropped: it is never shown
            image = decode(ds)
        except DecodeError as exc:
            on_image(LoadedImage(str(event.request.AffectedSOPInstanceUID), None, str(exc)))
            return _SUCCESS  # received; it cannot be shown, which the viewer says
        if image.sop_instance_uid not in decoded:
            decoded.add(image.sop_instance_uid)
            on_image(LoadedImage(image.sop_instance_uid, image))
        return _SUCCESS

    return store


def _study_query(**match: str) -> Dataset:
    query = Dataset()
    query.SpecificCharacterSet = "ISO_IR 192"
    query.QueryRetrieveLevel = "STUDY"
    for keyword in (
        "PatientName",
        "PatientID",
        "PatientBirthDate",
        "PatientSex",
        "StudyInstanceUID",
        "StudyDate",
        "StudyTime",
        "StudyDescription",
        "AccessionNumber",
        "ModalitiesInStudy",
        "InstitutionName",
        "NumberOfStudyRelatedInstances",
    ):
        setattr(query, keyword, "")
    for keyword, value in match.items():
        setattr(query, keyword, value)
    return query


def name_pattern(name: str) -> str:
    """A C-FIND wildcard for a name: its characters in order with anything between, so
    ``张伟`` finds ``Zhang^Wei=张^伟`` (and also 张大伟: the identity rules sort that out).
    DICOM's own wildcards in the name are dropped."""
    letters = [ch for ch in name if not ch.isspace() and ch not in "*?^=\\"]
    return "*" + "*".join(letters) + "*" if letters else ""


def _int(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0
