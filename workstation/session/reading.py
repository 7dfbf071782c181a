"""The reading session: which patient is open, which of her results have arrived and which
one the doctor is looking at. One Qt-free source of truth that the patient page, the
timeline, the labs and the images observe; work started for a patient or a result runs in
that patient's or result's scope, so nothing of one patient ever lands on the next."""

from __future__ import annotations

from collections.abc import Iterable

from workstation.model import Patient, Result
from workstation.session.events import Event
from workstation.session.scope import Scope


class ReadingSession:
    """The open patient, her results (in arrival order) and the selected result."""

    def __init__(self) -> None:
        self.root = Scope("session")
        self.patient: Patient | None = None
        # the ids of the open patient's records: hers, and her records on the other
        # platforms signed in to that are the same person (their results name those)
        self.records: frozenset[str] = frozenset()
        self.results: list[Result] = []
        self._known: set[str] = set()
        self.selected: Result | None = None
        self.patient_scope: Scope = self.root.open("patient")
        self.result_scope: Scope = self.patient_scope.open("result")
        self.patient_opened: Event[[Patient | None]] = Event()
        self.results_added: Event[[list[Result]]] = Event()
        self.selection_changed: Event[[Result | None]] = Event()

    def open_patient(self, patient: Patient | None, records: Iterable[str] = ()) -> Scope:
        """Show another patient (None: none); ``records``: the ids of her records on other
        platforms whose results are hers too. Everything of the previous patient is
        cancelled and its late answers are dropped. Returns the new patient's scope."""
        self.patient_scope = self.root.open("patient")
        self.result_scope = self.patient_scope.open("result")
        self.patient, self.results, self.selected = patient, [], None
        self.records = frozenset({patient.id, *records}) if patient is not None else frozenset()
        self._known = set()
        self.patient_opened.emit(patient)
        return self.patient_scope

    def add_results(self, scope: Scope, results: Iterable[Result]) -> list[Result]:
        """Results that arrived for the patient of ``scope``: kept and announced only when
        that patient is still open and the results are hers. Returns those kept."""
        if scope is not self.patient_scope or scope.closed or self.patient is None:
            return []
        fresh: list[Result] = []
        for result in results:
            if result.patient_id in self.records and result.id not in self._known:
                self._known.add(result.id)
                fresh.append(result)
        if fresh:
            self.results.extend(fresh)
            self.results_added.emit(fresh)
        return fresh

    def select(self, result: Result | None) -> Scope:
        """Look at one result (None: none); work for the previous one is cancelled.
        Returns the result's scope. Raises ValueError for a result of another patient."""
        if result is not None and (self.patient is None or result.patient_id not in self.records):
            raise ValueError("the result belongs to another patient")
        self.result_scope = self.patient_scope.open("result")
        self.selected = result
        self.selection_changed.emit(result)
        return self.result_scope

    def close(self) -> None:
        """End the session (sign-out): every scope closes and no patient is open."""
        self.root.close()
        self.root = Scope("session")
        self.open_patient(None)
