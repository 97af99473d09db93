"""The one place :mod:`onestop.forms` asks the deadline engine (:mod:`onestop.deadlines`).

Every date a form prints that is not a recorded event (the appointment on a receipt, the due
date of a liên thông step, the last day for a supplement request or an apology letter, the
early / on-time / late verdict) comes from here, through the dossier clock
(:meth:`onestop.deadlines.DossierClock.from_dossier`). Keeping the calls in one module means a
change of the engine's API is absorbed here and nowhere else.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

import attrs

from onestop.deadlines import RESTART, DossierClock, classify
from onestop.errors import FormError
from onestop.models import Dossier, Procedure, ProcessingTime
from onestop.tz import vn_date

if TYPE_CHECKING:
    from onestop.deadlines import SupplementPolicy, WorkCalendar

__all__ = ["ClockView", "StepView", "read_clock", "verdict"]

#: Working days after receipt within which a supplement may be requested after appraisal
#: (Nghị định 61/2018/NĐ-CP Art. 19(4); Nghị định 118/2025/NĐ-CP Art. 19(5)).
_SUPPLEMENT_WINDOW = 3


@attrs.frozen(slots=True)
class StepView:
    """A liên thông step with the due instant the engine gives it.

    Attributes:
        agency: the agency label the engine used (its code, else its name).
        started_at: when the agency received its part.
        due_at: its own due instant.
        finished_at: when it finished, if it did.
    """

    agency: str
    started_at: dt.datetime
    due_at: dt.datetime
    finished_at: dt.datetime | None


@attrs.frozen(slots=True)
class ClockView:
    """What the forms need from a dossier's clock.

    Attributes:
        received_at: when the complete dossier was received.
        processing_time: the processing time counted.
        appointment_at: the due instant counted from receipt (the receipt's appointment).
        appointment_basis: how it was counted, step by step, in Vietnamese.
        original_due_at: the due instant after any restart, before the extension; ``None``
            while a supplement is awaited.
        due_at: the due instant in force (after a restart or the extension); ``None`` while a
            supplement is awaited.
        finished_at: when the dossier finished (result ready, or closed), if it did.
        apology_due_by: the last day for the apology letter (a working day before the due
            date); ``None`` while a supplement is awaited.
        steps: the liên thông steps with their own due instants.
        notes: ``(code, message in Vietnamese, basis)`` of what the clock flags.
    """

    received_at: dt.datetime
    processing_time: ProcessingTime
    appointment_at: dt.datetime
    appointment_basis: str
    original_due_at: dt.datetime | None
    due_at: dt.datetime | None
    finished_at: dt.datetime | None
    apology_due_by: dt.date | None
    steps: tuple[StepView, ...]
    notes: tuple[tuple[str, str, str], ...]
    _clock: DossierClock = attrs.field(repr=False, alias="clock")

    def supplement_due_by(self, requested_at: dt.datetime) -> dt.date:
        """The last day an appraisal supplement request made at ``requested_at`` could be made.

        Three working days from the receipt of the dossier, or of the previous completed
        supplement (Nghị định 61/2018/NĐ-CP Art. 19(4), Nghị định 118/2025/NĐ-CP Art. 19(5)).
        """
        start = self.received_at
        for span in self._clock.supplements:
            if span.requested_at >= requested_at or span.resubmitted_at is None:
                break
            start = span.resubmitted_at
        return self._clock.calendar.add_working_days(
            vn_date(start, field="received_at"), _SUPPLEMENT_WINDOW
        )

    def overall_verdict(self) -> str | None:
        """``"Trước hạn"``, ``"Đúng hạn"`` or ``"Quá hạn"`` once finished, else ``None``."""
        if self.finished_at is None:
            return None
        return self._clock.timeliness().label_vi


def verdict(due_at: dt.datetime, finished_at: dt.datetime | None) -> str | None:
    """Early / on time / late of a finished part (Thông tư 01/2018/TT-VPCP Art. 13), as printed.

    ``None`` while the part is unfinished.
    """
    if finished_at is None:
        return None
    return classify(due_at, finished_at=finished_at).label_vi


def read_clock(
    dossier: Dossier,
    procedure: Procedure | None,
    *,
    calendar: WorkCalendar | None,
    supplement_policy: SupplementPolicy | str = RESTART,
) -> ClockView:
    """Read a received dossier's clock and check the dossier's recorded due date against it.

    Args:
        dossier: the dossier (it must have been received).
        procedure: its procedure (processing time per channel, liên thông shares), if known.
        calendar: the competent agency's working calendar; default the civil-service calendar.
        supplement_policy: what a supplement does to the clock (restart by default, the
            one-stop decree's rule).

    Raises:
        FormError: the dossier was never received, or its recorded ``due_at`` is not the date
            the engine computes (the form would print a date the engine did not give).
    """
    if dossier.received_at is None:
        raise FormError(
            f"dossier.received_at: the dossier is {dossier.status.value} and was never "
            "received, so it has no appointment; this form needs an accepted dossier",
            field="dossier.received_at",
        )
    clock = DossierClock.from_dossier(
        dossier, procedure=procedure, calendar=calendar, supplement_policy=supplement_policy
    )
    base = clock.base
    due = clock.due_at
    if due is not None and dossier.due_at is not None and due != dossier.due_at:
        raise FormError(
            f"dossier.due_at: the dossier records {dossier.due_at.isoformat()} but the deadline "
            f"engine gives {due.isoformat()} ({base.amount} {base.unit.value} from "
            f"{base.received_at.isoformat()}); pass the agency's calendar= or correct the dossier "
            "(a form prints only dates the engine computed)",
            field="dossier.due_at",
        )
    steps = tuple(
        StepView(sd.step.agency, sd.step.started_at, sd.due_at, sd.step.finished_at)
        for sd in clock.step_deadlines()
    )
    notes = tuple(
        (str(f.code), f.message_vi, "; ".join(c.text("vi") for c in f.basis)) for f in clock.flags()
    )
    return ClockView(
        received_at=dossier.received_at,
        processing_time=clock.processing_time,
        appointment_at=base.due_at,
        appointment_basis=base.explain("vi"),
        original_due_at=clock.original_due_at,
        due_at=due,
        finished_at=clock.finished_at,
        apology_due_by=clock.apology_due_date,
        steps=steps,
        notes=notes,
        clock=clock,
    )
