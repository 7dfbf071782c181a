"""Accept or order a repeat: the rule check with its reasons, two clicks to decide, the
coded reason list, the note, the patient-informed tick, history, undo and the sentence for
the medical record. The panel only collects; the owner saves through the journal."""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable, Sequence
from functools import partial

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ui.sized_lists import FillingList, FittedList
from workstation.clock import china_time
from workstation.journal import JournalEntry, OutboxState, entry_in_force
from workstation.model import Catalog, Hospital, RepeatReason, Result
from workstation.recognition.decisions import (
    DecisionKind,
    PlatformDecision,
    accepted_against_rules,
)
from workstation.recognition.validity import Assessment, Eligibility
from workstation.timeline import BulkAcceptPlan, SkipReason


def _when(moment: dt.datetime) -> str:
    """Month, day and time in China Standard Time, as the history lists them."""
    return china_time(moment).strftime("%m-%d %H:%M")


class DecisionPanel(QFrame):
    """Emits ``accept_requested()``, ``repeat_requested(reason, note, informed)``,
    ``withdraw_requested()`` and ``bulk_accept_requested()``."""

    accept_requested = Signal()
    repeat_requested = Signal(object, str, bool)
    withdraw_requested = Signal()
    bulk_accept_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("decisionPanel")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.result: Result | None = None
        self.reasons: tuple[RepeatReason, ...] = ()
        self.rule_label = QLabel()
        self.rule_label.setObjectName("ruleCheck")
        self.rule_label.setWordWrap(True)
        self.rule_label.setTextFormat(Qt.TextFormat.RichText)
        self.state_label = QLabel()
        self.state_label.setObjectName("decisionState")
        self.state_label.setWordWrap(True)
        self._destination = ""  # the platform her decisions on the result go to, if named
        self.accept_button = QPushButton(self.tr("Accept (A)"))
        self.accept_button.setObjectName("acceptButton")
        self.accept_button.setToolTip(self.tr("Recognize this result: no repeat (A)"))
        self.accept_button.setStyleSheet(
            "QPushButton { background: #2e7d32; color: white; padding: 6px 14px; }"
            " QPushButton:disabled { background: #9e9e9e; }"
        )
        self.repeat_button = QPushButton(self.tr("Order repeat (R)"))
        self.repeat_button.setObjectName("repeatButton")
        self.repeat_button.setToolTip(
            self.tr("Do not recognize: the examination is repeated (R), then choose a reason (1–9)")
        )
        self.repeat_button.setStyleSheet(
            "QPushButton { background: #c62828; color: white; padding: 6px 14px; }"
            " QPushButton:disabled { background: #9e9e9e; }"
        )
        self.undo_button = QPushButton(self.tr("Undo"))
        self.undo_button.setToolTip(self.tr("Withdraw the decision in force (history is kept)"))
        self.bulk_button = QPushButton(self.tr("Accept all eligible of this visit"))
        self.bulk_button.setObjectName("bulkAccept")

        self.repeat_box = QWidget()
        self.reason_list = FittedList()  # all reasons on screen: the panel scrolls, not it
        self.reason_list.setObjectName("reasonList")
        self.note_edit = QLineEdit()
        self.note_edit.setObjectName("noteEdit")
        self.note_edit.setPlaceholderText(self.tr("Note (required for some reasons)"))
        self.informed_box = QCheckBox(
            self.tr("Purpose and necessity explained to the patient / family")
        )
        self.informed_box.setObjectName("informedBox")
        self.save_repeat_button = QPushButton(self.tr("Save repeat order"))
        self.save_repeat_button.setObjectName("saveRepeat")
        self.problem_label = QLabel()
        self.problem_label.setStyleSheet("color: #b00020;")
        repeat_layout = QVBoxLayout(self.repeat_box)
        repeat_layout.setContentsMargins(0, 0, 0, 0)
        repeat_layout.addWidget(QLabel(self.tr("Reason for the repeat")))
        repeat_layout.addWidget(self.reason_list)
        repeat_layout.addWidget(self.note_edit)
        repeat_layout.addWidget(self.informed_box)
        repeat_layout.addWidget(self.problem_label)
        repeat_layout.addWidget(self.save_repeat_button)
        self.repeat_box.hide()

        # The whole sentence, wrapped and selectable: she copies it into the 病历.
        self.sentence_label = QLabel()
        self.sentence_label.setObjectName("recordSentence")
        self.sentence_label.setWordWrap(True)
        self.sentence_label.setTextFormat(Qt.TextFormat.PlainText)
        self.sentence_label.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse
            | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.sentence_label.setStyleSheet(
            "QLabel { background: palette(base); border: 1px solid palette(mid); padding: 4px; }"
        )
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setObjectName("copySentence")
        self.copy_button.setToolTip(self.tr("Copy the sentence for the medical record"))
        self.history_list = FillingList(60)  # any height the column has left
        self.history_list.setObjectName("decisionHistory")
        self.history_list.setWordWrap(True)
        self.bulk_label = QLabel()
        self.bulk_label.setObjectName("bulkMessage")
        self.bulk_label.setWordWrap(True)
        self.bulk_label.setStyleSheet("color: #8a6d00;")
        self.bulk_label.hide()

        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.repeat_button)
        buttons.addStretch(1)
        buttons.addWidget(self.undo_button)
        sentence = QHBoxLayout()
        sentence.addWidget(self.sentence_label, 1)
        sentence.addWidget(self.copy_button, 0, Qt.AlignmentFlag.AlignTop)
        self.refusal_label = QLabel()
        self.refusal_label.setObjectName("recordingRefused")
        self.refusal_label.setWordWrap(True)
        self.refusal_label.setStyleSheet("color: #8a5a00;")
        self.refusal_label.hide()
        layout = QVBoxLayout(self)
        layout.addWidget(self.rule_label)
        layout.addLayout(buttons)
        layout.addWidget(self.refusal_label)
        layout.addWidget(self.repeat_box)
        layout.addWidget(self.state_label)
        layout.addWidget(QLabel(self.tr("For the medical record")))
        layout.addLayout(sentence)
        layout.addWidget(QLabel(self.tr("History")))
        layout.addWidget(self.history_list, 1)
        layout.addWidget(self.bulk_button)
        layout.addWidget(self.bulk_label)

        self.accept_button.clicked.connect(self.accept_requested)
        self.repeat_button.clicked.connect(self.open_repeat)
        self.save_repeat_button.clicked.connect(self._save_repeat)
        self.undo_button.clicked.connect(self.withdraw_requested)
        self.bulk_button.clicked.connect(self.bulk_accept_requested)
        self.copy_button.clicked.connect(
            lambda: QGuiApplication.clipboard().setText(self.sentence_label.text())
        )
        self.reason_list.itemDoubleClicked.connect(lambda _item: self._save_repeat())
        # A message about the form goes as soon as what it asked for is done.
        self.reason_list.currentRowChanged.connect(lambda _row: self._revalidate())
        self.note_edit.textChanged.connect(lambda _text: self._revalidate())
        self.informed_box.toggled.connect(lambda _on: self._revalidate())
        self._shortcuts: list[QShortcut] = []
        self._save_problem = ""  # a failed save, shown until the next one succeeds
        self._recording_refused = ""  # why this sign-in may not record, "" when it may
        self.set_result(None, None, None, None)

    def install_shortcuts(self, window: QWidget) -> None:
        """A accepts, R opens the repeat form, 1–9 pick a reason (window-wide)."""

        def add(key: str, slot: Callable[[], None]) -> None:
            shortcut = QShortcut(QKeySequence(key), window)
            shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

        def accept() -> None:
            if self.accept_button.isEnabled() and self.isVisible():
                self.accept_requested.emit()

        def repeat() -> None:
            if self.repeat_button.isEnabled() and self.isVisible():
                self.open_repeat()

        add("A", accept)
        add("R", repeat)
        for number in range(1, 10):
            add(str(number), partial(self.pick_reason, number))
        self._reason_shortcuts = self._shortcuts[-9:]
        self._enable_reason_keys(False)

    def _enable_reason_keys(self, enabled: bool) -> None:
        # Number keys choose reasons only while the form is open; otherwise they are the
        # viewer's window presets.
        for shortcut in getattr(self, "_reason_shortcuts", []):
            shortcut.setEnabled(enabled)

    # --- content ---------------------------------------------------------------------------
    def set_catalog(self, catalog: Catalog | None) -> None:
        """The reasons come from the platform's catalog (the six official ones first)."""
        self.reasons = catalog.reasons if catalog else ()
        self.reason_list.clear()
        for number, reason in enumerate(self.reasons, start=1):
            prefix = f"{number}  " if number <= 9 else "    "
            item = QListWidgetItem(prefix + reason.label_zh)
            item.setToolTip(reason.label_en)
            item.setData(Qt.ItemDataRole.UserRole, reason)
            self.reason_list.addItem(item)

    def set_result(
        self,
        result: Result | None,
        assessment: Assessment | None,
        hospital: Hospital | None,
        now: dt.datetime | None,
    ) -> None:
        """Show the rule check for a result; None clears the panel."""
        self.result = result
        self._save_problem = ""
        self.repeat_box.hide()
        self._enable_reason_keys(False)
        self.problem_label.clear()
        self.note_edit.clear()
        self.informed_box.setChecked(False)
        self.bulk_label.clear()
        self.bulk_label.hide()
        for widget in (self.accept_button, self.repeat_button, self.bulk_button):
            widget.setEnabled(result is not None)
        self.undo_button.setEnabled(False)
        self._apply_refusal()
        if result is None or assessment is None or now is None:
            self.rule_label.setText(self.tr("Select a result to decide on it."))
            self.sentence_label.clear()
            self.history_list.clear()
            self.state_label.clear()
            return
        self.rule_label.setText(self.explain(result, assessment, hospital))

    def duration_text(self, delta: dt.timedelta) -> str:
        """Hours below two days, else days."""
        hours = delta.total_seconds() / 3600
        if hours < 48:
            return self.tr("%n hour(s)", "", max(int(hours), 0))
        return self.tr("%n day(s)", "", int(hours // 24))

    def explain(self, result: Result, assessment: Assessment, hospital: Hospital | None) -> str:
        """The rules applied to this result, with the why (the doctor decides)."""
        parts = []
        if result.mark:
            parts.append(self.tr("HR mark %1").replace("%1", result.mark.mark))
        parts.append(self.tr("collected %1 ago").replace("%1", self.duration_text(assessment.age)))
        if assessment.validity is not None:
            parts.append(
                self.tr("validity %1").replace("%1", self.duration_text(assessment.validity))
            )
        if hospital is not None and hospital.level_name:
            parts.append(self.tr("from a %1 hospital").replace("%1", hospital.level_name))
        verdict = self.verdict_text(assessment.eligibility)
        expired = assessment.validity is not None and assessment.age > assessment.validity
        if expired and assessment.eligibility is not Eligibility.EXPIRED:
            # The rules name the first reason; a result past its window says so as well.
            verdict += self.tr("; also expired")
        colour = "#1b7f3b" if assessment.eligible else "#b26a00"
        facts = self.tr(", ").join(parts)
        catalog = self.tr("catalog %1").replace("%1", assessment.catalog_version)
        yours = self.tr("The decision is yours.")
        return (
            f"{facts} → <b style='color:{colour}'>{verdict}</b><br>"
            f"<small>{catalog} · {yours}</small>"
        )

    def verdict_text(self, eligibility: Eligibility) -> str:
        """What the rules say about a result, in words."""
        return {
            Eligibility.VALID: self.tr("eligible for recognition"),
            Eligibility.EXPIRED: self.tr("expired"),
            Eligibility.NOT_RECOGNIZED: self.tr("not a recognized item"),
            Eligibility.NO_MARK: self.tr("no HR mark from the issuing hospital"),
            Eligibility.OUT_OF_REGION: self.tr("recognized only outside this region"),
            Eligibility.BELOW_LEVEL: self.tr("issuing hospital below the item's minimum level"),
        }[eligibility]

    def show_entries(
        self,
        entries: list[JournalEntry],
        others: Sequence[PlatformDecision],
        sentence: str,
        destination: str = "",
    ) -> None:
        """Show this doctor's decisions on the result, other doctors' decisions (from the
        platform), and the sentence; ``destination``: the platform her decisions on it go
        to, named in their state (several platforms signed in)."""
        self._destination = destination
        self.history_list.clear()
        for entry in reversed(entries):
            d = entry.decision
            what = self.kind_text(d.kind) + (f"：{d.reason_label}" if d.reason_label else "")
            against = accepted_against_rules(d)  # the rules said no, she accepted
            if against:
                what += self.tr(" (against the rules: %1)").replace("%1", against)
            state = self.state_text(entry.state, entry.last_error)
            line = f"{_when(d.authored_on)}  {what}  · {state}"
            if d.note:
                line += "\n" + self.tr("Note: %1").replace("%1", d.note)
            self.history_list.addItem(line)
        for other in others:
            self.history_list.addItem(self.other_text(other))
        in_force = entry_in_force(entries)
        self.undo_button.setEnabled(in_force is not None)
        self._apply_refusal()
        self.sentence_label.setText(sentence)
        self.copy_button.setEnabled(bool(sentence))
        if in_force is None:
            state = self.tr("No decision yet.") if not entries else self.tr("Decision withdrawn.")
        else:
            state = (
                self.tr("In force: %1 · %2")
                .replace("%1", self.kind_text(in_force.decision.kind))
                .replace("%2", self.state_text(in_force.state, in_force.last_error))
            )
        self.state_label.setText(self._with_problem(state))

    def kind_text(self, kind: DecisionKind) -> str:
        """Localized decision."""
        return {
            DecisionKind.ACCEPTED: self.tr("accepted"),
            DecisionKind.REPEAT_ORDERED: self.tr("repeat ordered"),
            DecisionKind.WITHDRAWN: self.tr("withdrawn"),
        }[kind]

    def other_text(self, decision: PlatformDecision) -> str:
        """One history line for another doctor's decision: when, who, what."""
        what = self.tr("viewed") if decision.kind is None else self.kind_text(decision.kind)
        if decision.reason_label:
            what += f"：{decision.reason_label}"
        when = _when(decision.authored_on) if decision.authored_on else ""
        return f"{when}  {decision.practitioner_name or decision.practitioner}: {what}"

    def state_text(self, state: OutboxState, error: str) -> str:
        """Localized delivery state, naming the platform when the panel was told it."""
        where = self._destination
        if state is OutboxState.SENT:
            if where:
                return self.tr("saved and sent to %1").replace("%1", where)
            return self.tr("saved and sent")
        if state is OutboxState.REJECTED:
            return self.tr("refused by the platform: %1").replace("%1", error)
        if where:
            return self.tr("saved, waiting to send to %1").replace("%1", where)
        return self.tr("saved, waiting to send")

    # --- repeat form -----------------------------------------------------------------------
    def open_repeat(self) -> None:
        """Show the reason list."""
        self.repeat_box.show()
        self._enable_reason_keys(True)
        self.reason_list.setFocus()

    def pick_reason(self, number: int) -> None:
        """Select reason ``number`` (1-based, as printed)."""
        if 1 <= number <= self.reason_list.count():
            self.reason_list.setCurrentRow(number - 1)

    def _form_problem(self) -> str:
        """What the repeat form still lacks ("" when it can be saved)."""
        item: QListWidgetItem | None = self.reason_list.currentItem()  # None: none chosen
        if item is None:
            return self.tr("Choose a reason.")
        reason: RepeatReason = item.data(Qt.ItemDataRole.UserRole)
        if reason.needs_note and not self.note_edit.text().strip():
            return self.tr("This reason needs a note.")
        if reason.counts_as_refusal and not self.informed_box.isChecked():
            return self.tr(
                "Confirm that the purpose and necessity were explained to the patient or family."
            )
        return ""

    def _revalidate(self) -> None:
        """A message shown after a failed save is updated as she fills the form: gone once
        the form is complete (a message never outlives its cause)."""
        if self.problem_label.text():
            self.problem_label.setText(self._form_problem())

    def _save_repeat(self) -> None:
        problem = self._form_problem()
        self.problem_label.setText(problem)
        if problem:
            if problem == self.tr("This reason needs a note."):
                self.note_edit.setFocus()
            return
        item = self.reason_list.currentItem()
        reason: RepeatReason = item.data(Qt.ItemDataRole.UserRole)
        self.repeat_requested.emit(
            reason, self.note_edit.text().strip(), self.informed_box.isChecked()
        )

    def show_bulk_plan(self, plan: BulkAcceptPlan) -> None:
        """Say what "accept all eligible" did, or why it accepted nothing."""
        skipped = []
        for key, count in plan.skip_counts().items():
            if key is SkipReason.DECIDED:
                why = self.tr("already decided")
            elif key is SkipReason.NOT_CHECKED:
                why = self.tr("no rule check (no catalog)")
            elif isinstance(key, Eligibility):
                why = self.verdict_text(key)
            else:
                why = key.value
            skipped.append(self.tr("%1: %2").replace("%1", why).replace("%2", str(count)))
        if plan.accept:
            text = self.tr("Accepting %n result(s) of this visit.", "", len(plan.accept))
        elif not skipped:
            text = self.tr("No result of this visit qualifies.")
        else:
            text = self.tr("No result of this visit qualifies")
        if skipped:
            text += self.tr(" — left out: %1").replace("%1", "；".join(skipped))
        self.bulk_label.setText(text)
        self.bulk_label.show()

    def refuse_recording(self, reason: str) -> None:
        """This sign-in may read but not record (its grant lacks writing decisions): the
        buttons stay off and ``reason`` says why; "" allows recording again."""
        self._recording_refused = reason
        self.refusal_label.setText(reason)
        self.refusal_label.setVisible(bool(reason))
        self._apply_refusal()

    def _apply_refusal(self) -> None:
        if not self._recording_refused:
            return
        for widget in (self.accept_button, self.repeat_button, self.undo_button, self.bulk_button):
            widget.setEnabled(False)

    def show_problem(self, text: str) -> None:
        """A save failed (e.g. disk full): say so, and keep saying so when the history
        reloads, until a decision on this result is saved or another result is shown."""
        self._save_problem = text
        self.state_label.setText(self._with_problem(self.state_label.text()))

    def clear_problem(self) -> None:
        """A decision was saved: an earlier failure no longer applies."""
        self._save_problem = ""

    def _with_problem(self, state: str) -> str:
        if not self._save_problem:
            return state
        problem = f"<span style='color:#b00020'>{html.escape(self._save_problem)}</span>"
        return problem if not state or self._save_problem in state else f"{state}<br>{problem}"
