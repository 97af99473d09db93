"""The dossier clock: a dossier's due date through supplements, an extension and liên thông steps.

A :class:`DossierClock` starts at the receipt of a complete dossier and a published processing
time (:class:`~onestop.models.ProcessingTime`), counts it with the counting policy of
:mod:`onestop.deadlines.policies`, then applies, in time order:

* **supplement requests** (yêu cầu bổ sung, hoàn thiện hồ sơ), with a named
  :class:`SupplementPolicy`:

  - :data:`RESTART` — NĐ 61/2018/NĐ-CP Art. 19(4): "thời hạn giải quyết được tính lại từ đầu
    sau khi nhận đủ hồ sơ": the whole processing time is counted again from the receipt of the
    completed dossier. (NĐ 118/2025/NĐ-CP replaced NĐ 61/2018 from 1 July 2025; its wording on
    supplements has not been verified.)
  - :data:`PAUSE` — the time spent waiting for the applicant is added back to the due date, as
    the formula of Decision 766/QĐ-TTg indicator 2.1 (supplement time subtracted) and deployed
    provincial systems do. The paused time is measured in the deadline's own unit (see
    :class:`PauseDuringSupplement`).

  A request made later than 3 working days after receipt is flagged (Art. 19(4)); more than one
  request is flagged (Art. 17(1) asks for the supplement "một lần"; Decision 766 counts such a
  dossier as overdue).
* **one extension** at most (Art. 19(9): the apology letter — Mẫu 04 Phiếu xin lỗi và hẹn lại
  ngày trả kết quả, now TT 03/2025 Mẫu 04 — is sent at the latest one day before the due date,
  and the appointment is re-set only once): a late letter is flagged, a second extension raises
  :class:`~onestop.errors.DeadlineError`.
* **liên thông steps** (Art. 19(5)–(8)): each participating agency's share of the time gives the
  step its own due instant; a step over its share is flagged.

The clock answers the remaining working time at any instant (negative once overdue), whether
it is overdue, the early / on-time / late classification (:mod:`onestop.deadlines.timeliness`),
its flags (:class:`ClockFlag`) and a step-by-step explanation in Vietnamese and English.
Nothing here reads the system clock: every question takes the instant explicitly.
"""

from __future__ import annotations

import datetime as dt
import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import ClassVar, Literal, cast

import attrs

from onestop.deadlines.calendar import WorkCalendar, civil_service_calendar
from onestop.deadlines.policies import (
    CountingPolicy,
    Deadline,
    ExplanationStep,
    _numbered,
    compute_due,
    day_steps,
    policy_by_name,
)
from onestop.deadlines.timeliness import (
    SupplementSpan,
    Timeliness,
    classify,
    classify_766,
    end_instant_766,
)
from onestop.errors import DeadlineError, InvalidInputError
from onestop.models import (
    AgencyRef,
    Channel,
    Dossier,
    DossierStatus,
    Procedure,
    ProcessingTime,
    SupplementStage,
    TimeUnit,
)
from onestop.tz import VN_TZ, require_aware, vn_date

__all__ = [
    "PAUSE",
    "RESTART",
    "SUPPLEMENT_POLICIES",
    "ClockFlag",
    "ClockStep",
    "DossierClock",
    "ExtensionSpan",
    "FlagCode",
    "LienThongSpan",
    "PauseDuringSupplement",
    "RestartOnResubmission",
    "StepDeadline",
    "SupplementPolicy",
    "SupplementSpan",
    "clock_for",
    "due_for_procedure",
    "supplement_policy_by_name",
]

Lang = Literal["vi", "en"]

_BASIS_RECEIPT = "NĐ 61/2018/NĐ-CP Điều 17; BLDS 2015 Điều 147"
_BASIS_SUPPLEMENT_WINDOW = "NĐ 61/2018/NĐ-CP Điều 19(4)"
_BASIS_ONCE = "NĐ 61/2018/NĐ-CP Điều 17(1); QĐ 766/QĐ-TTg chỉ số 2.1"
_BASIS_EXTENSION = "NĐ 61/2018/NĐ-CP Điều 19(9); TT 01/2018/TT-VPCP Mẫu 04"
_BASIS_LIEN_THONG = "NĐ 61/2018/NĐ-CP Điều 19(5)-(8)"
_BASIS_CLASSIFY = "TT 01/2018/TT-VPCP Điều 13"

#: Working days after receipt within which a supplement may be requested (Art. 19(4)).
SUPPLEMENT_REQUEST_WINDOW = 3


# ---------------------------------------------------------------------------- formatting


#: English month abbreviations, fixed so that explanations do not depend on the process locale.
_MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _fmt(instant: dt.datetime, lang: Lang) -> str:
    local = instant.astimezone(VN_TZ)
    if lang == "vi":
        return f"{local:%H:%M} ngày {local:%d/%m/%Y}"
    return f"{local:%H:%M} on {_fmt_day(local.date(), lang)}"


def _fmt_day(day: dt.date, lang: Lang) -> str:
    if lang == "vi":
        return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"
    return f"{day.day:02d} {_MONTHS_EN[day.month - 1]} {day.year:04d}"


def _fmt_working_time(amount: dt.timedelta, lang: Lang) -> str:
    minutes = int(amount.total_seconds() // 60)
    sign = "-" if minutes < 0 else ""
    h, m = divmod(abs(minutes), 60)
    return f"{sign}{h} giờ {m:02d} phút" if lang == "vi" else f"{sign}{h} h {m:02d} min"


_UNIT_WORDS: Mapping[TimeUnit, tuple[str, str]] = MappingProxyType(
    {
        TimeUnit.WORKING_DAYS: ("ngày làm việc", "working days"),
        TimeUnit.CALENDAR_DAYS: ("ngày", "calendar days"),
        TimeUnit.WORKING_HOURS: ("giờ làm việc", "working hours"),
        TimeUnit.MONTHS: ("tháng", "months"),
        TimeUnit.SAME_DAY: ("trong ngày", "same day"),
    }
)


def _fmt_processing_time(pt: ProcessingTime, lang: Lang) -> str:
    vi, en = _UNIT_WORDS[pt.unit]
    if pt.unit is TimeUnit.SAME_DAY:
        cut = f" (hạn tiếp nhận {pt.cutoff:%H:%M})" if pt.cutoff and lang == "vi" else ""
        cut = f" (cut-off {pt.cutoff:%H:%M})" if pt.cutoff and lang == "en" else cut
        return (vi if lang == "vi" else en) + cut
    if lang == "en" and pt.amount == 1:
        en = en.removesuffix("s")
    return f"{pt.amount} {vi if lang == 'vi' else en}"


def _fmt_share(step: LienThongSpan, lang: Lang) -> str:
    if step.share is not None:
        return _fmt_processing_time(step.share, lang)
    return "thời hạn riêng" if lang == "vi" else "own time limit"


# ---------------------------------------------------------------------------- counting


def _count(
    calendar: WorkCalendar,
    processing_time: ProcessingTime,
    start: dt.datetime,
    policy: CountingPolicy | str | None = None,
) -> Deadline:
    """Count ``processing_time`` from ``start`` (default policy of its unit unless given)."""
    return compute_due(calendar, start, processing_time, policy=policy)


def _both_languages(steps: Sequence[ExplanationStep]) -> tuple[str, str]:
    """``steps`` as numbered text in Vietnamese and in English (the steps are built once)."""
    return _numbered(steps, "vi"), _numbered(steps, "en")


@functools.cache
def _default_calendar() -> WorkCalendar:
    """The official civil-service calendar, built once and shared.

    Its index is built on first use and then kept, instead of being rebuilt (milliseconds) on
    every call without ``calendar``.
    """
    return civil_service_calendar()


def due_for_procedure(
    procedure: Procedure,
    channel: Channel | str,
    received_at: dt.datetime,
    *,
    calendar: WorkCalendar | None = None,
) -> Deadline:
    """The due date of a dossier of ``procedure`` received through ``channel`` at ``received_at``.

    The processing time is the procedure's for that channel
    (``procedure.processing_time_for(channel)``) and is counted by its default policy
    (:func:`onestop.deadlines.policies.policy_for`): working days are counted from the day
    after receipt (Civil Code 2015 Art. 147) and end at the close of office hours.

    Args:
        procedure: a :class:`~onestop.models.Procedure` (anything with
            ``processing_time_for(channel)``).
        channel: the submission channel (a :class:`~onestop.models.Channel` or its value).
        received_at: the aware instant the complete dossier was received.
        calendar: the working calendar; default the official civil-service calendar.

    Returns:
        The :class:`~onestop.deadlines.policies.Deadline` (``due``, ``steps``, ``explain()``).

    Raises:
        InvalidInputError: naive ``received_at``, an unknown channel, or one the procedure
            does not accept.
    """
    require_aware(received_at, field="received_at")
    if not callable(getattr(procedure, "processing_time_for", None)):
        raise InvalidInputError(
            f"procedure: expected a Procedure (with processing_time_for(channel)), got "
            f"{type(procedure).__name__}",
            field="procedure",
        )
    try:
        ch = Channel(channel)
    except ValueError:
        raise InvalidInputError(
            f"channel: unknown channel {channel!r}; expected one of "
            + ", ".join(c.value for c in Channel),
            field="channel",
        ) from None
    pt = procedure.processing_time_for(ch)
    return _count(calendar or _default_calendar(), pt, received_at)


# ---------------------------------------------------------------------------- explanations


class ClockStepKind(StrEnum):
    """What a :class:`ClockStep` of a dossier's explanation is about."""

    RECEIPT = "receipt"
    SUPPLEMENT = "supplement"
    EXTENSION = "extension"
    LIEN_THONG = "lien_thong"
    FLAG = "flag"
    RESULT = "result"


@attrs.frozen(slots=True)
class ClockStep:
    """One step of a dossier deadline's explanation.

    Attributes:
        kind: what the step is about.
        text_vi: the step in Vietnamese.
        text_en: the step in English.
        basis: the rule applied (legal text and article).
        detail_vi: the date arithmetic of a counted deadline, in Vietnamese (from
            :meth:`onestop.deadlines.policies.Deadline.explain`), or ``""``.
        detail_en: the same in English.
    """

    kind: ClockStepKind
    text_vi: str
    text_en: str
    basis: str
    detail_vi: str = ""
    detail_en: str = ""

    def text(self, lang: Lang = "vi") -> str:
        """The step's sentence in ``lang`` followed by its basis."""
        return (self.text_vi if lang == "vi" else self.text_en) + f" [{self.basis}]"

    def detail(self, lang: Lang = "vi") -> str:
        """The nested date arithmetic in ``lang`` (may be empty)."""
        return self.detail_vi if lang == "vi" else self.detail_en


# ---------------------------------------------------------------------------- flags


class FlagCode(StrEnum):
    """Stable codes of the things a clock flags (not errors: the dossier is still valid)."""

    LATE_SUPPLEMENT_REQUEST = "late_supplement_request"
    """A supplement requested later than 3 working days after receipt (NĐ 61/2018 Art. 19(4))."""
    REPEATED_SUPPLEMENT_REQUEST = "repeated_supplement_request"
    """More than one supplement request (Art. 17(1) "một lần"; overdue under Decision 766)."""
    SUPPLEMENT_PENDING = "supplement_pending"
    """A supplement request has not been answered: the clock is stopped."""
    LATE_APOLOGY = "late_apology"
    """The apology letter was issued later than one working day before the due date."""
    MISSING_APOLOGY = "missing_apology"
    """An extension without the date of its apology letter."""
    EXTENSION_NOT_LATER = "extension_not_later"
    """A recorded extension whose new date is not after the due date computed here."""
    STEP_OVER_SHARE = "step_over_share"
    """A liên thông step finished (or is still running) after its own share of the time."""
    OVERDUE = "overdue"
    """The dossier is unfinished and past its due instant."""


@attrs.frozen(slots=True)
class ClockFlag:
    """Something about a dossier's clock a one-stop officer should look at.

    Attributes:
        code: stable machine code.
        message_vi: the finding in Vietnamese.
        message_en: the finding in English.
        basis: the rule behind the flag.
    """

    code: FlagCode
    message_vi: str
    message_en: str
    basis: str

    def message(self, lang: Lang = "vi") -> str:
        """The message in ``lang``."""
        return self.message_vi if lang == "vi" else self.message_en


# ---------------------------------------------------------------------------- inputs


@attrs.frozen(slots=True)
class ExtensionSpan:
    """The one extension a dossier may get (NĐ 61/2018 Art. 19(9)).

    Attributes:
        new_due_at: the new appointment (aware).
        apology_at: when the apology letter (Mẫu 04) was issued; ``None`` if unknown (flagged).
    """

    new_due_at: dt.datetime
    apology_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        require_aware(self.new_due_at, field="extension.new_due_at")
        if self.apology_at is not None:
            require_aware(self.apology_at, field="extension.apology_at")


@attrs.frozen(slots=True)
class LienThongSpan:
    """One participating agency's part of a liên thông dossier (NĐ 61/2018 Art. 19(5)–(8)).

    The step's own time limit is its ``share`` counted from ``started_at``, or an explicit
    ``due_at`` when the share is not known (at least one of the two is required).

    Attributes:
        agency: the agency's code or name (no personal data).
        started_at: when the agency received its part (Phiếu chuyển xử lý).
        share: the agency's own share of the processing time.
        due_at: the step's due instant, when set directly instead of a share.
        finished_at: when it returned its part; ``None`` while running.
    """

    agency: str
    started_at: dt.datetime
    share: ProcessingTime | None = None
    due_at: dt.datetime | None = None
    finished_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        agency: object = self.agency
        if not isinstance(agency, str) or not agency.strip():
            raise InvalidInputError(
                "steps.agency: expected the participating agency's code or name as text, got "
                f"{type(agency).__name__ if not isinstance(agency, str) else 'empty text'}",
                field="steps.agency",
            )
        require_aware(self.started_at, field="steps.started_at")
        if self.share is not None and not isinstance(self.share, ProcessingTime):
            raise InvalidInputError(
                "steps.share: expected a ProcessingTime such as ProcessingTime.working_days(3), "
                f"got {type(self.share).__name__}",
                field="steps.share",
            )
        if self.share is None and self.due_at is None:
            raise InvalidInputError(
                "steps.share: a liên thông step needs its share of the processing time (or "
                "an explicit due_at)",
                field="steps.share",
            )
        if self.due_at is not None:
            require_aware(self.due_at, field="steps.due_at")
        if (
            self.finished_at is not None
            and require_aware(self.finished_at, field="steps.finished_at") < self.started_at
        ):
            raise InvalidInputError(
                "steps.finished_at: earlier than the step's started_at", field="steps.finished_at"
            )


@attrs.frozen(slots=True)
class StepDeadline:
    """A liên thông step with its own due instant.

    Attributes:
        step: the step.
        due: its due instant: its share counted from ``step.started_at`` (or its ``due_at``).
        deadline: the counted share (``None`` when the step had an explicit ``due_at``).
        over_share: ``True`` when finished after its due instant (or, unfinished, when the
            instant asked about is past it); ``None`` when unfinished and no instant was given.
    """

    step: LienThongSpan
    due: dt.datetime
    deadline: Deadline | None
    over_share: bool | None


# ---------------------------------------------------------------------------- supplement policies


@attrs.frozen(slots=True)
class _Resumed:
    due: dt.datetime
    deadline: Deadline | None
    describe: Callable[[], tuple[str, str]]
    """The step's sentence in Vietnamese and in English, built only when an explanation is
    asked for (formatting instants costs more than counting the deadline)."""


@attrs.frozen(slots=True)
class _Context:
    calendar: WorkCalendar
    processing_time: ProcessingTime
    base: Deadline

    def count(self, start: dt.datetime) -> Deadline:
        """The full processing time counted from ``start`` by the same rule."""
        return self.base.rule.due(self.calendar, start, self.base.amount, self.base.unit)

    def extend(self, extra: int) -> Deadline:
        """The deadline counted from receipt with ``extra`` more units."""
        return self.base.rule.due(
            self.calendar, self.base.received, self.base.amount + extra, self.base.unit
        )


class SupplementPolicy(ABC):
    """What a supplement request does to the clock: a named, documented rule.

    Subclasses compute the due instant once the completed dossier is back. Use
    :data:`RESTART` or :data:`PAUSE` (or :func:`supplement_policy_by_name`).
    """

    name: ClassVar[str]
    basis: ClassVar[str]

    @abstractmethod
    def resume(
        self,
        ctx: _Context,
        spans: Sequence[SupplementSpan],
        due_before: dt.datetime,
    ) -> _Resumed:
        """The due instant after the last of ``spans`` (all answered) is resubmitted.

        Args:
            ctx: calendar, processing time and the deadline counted from receipt.
            spans: every supplement request so far, in order; the last one is the one resumed.
            due_before: the due instant before the last request.
        """

    def __repr__(self) -> str:
        return f"<SupplementPolicy {self.name}>"


class RestartOnResubmission(SupplementPolicy):
    """Count the whole processing time again from the receipt of the completed dossier.

    NĐ 61/2018/NĐ-CP Art. 19(4): "Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ
    sơ". The new deadline is counted by the same policy as the first one, from
    ``resubmitted_at``.
    """

    name = "restart"
    basis = _BASIS_SUPPLEMENT_WINDOW

    def resume(
        self, ctx: _Context, spans: Sequence[SupplementSpan], due_before: dt.datetime
    ) -> _Resumed:
        """See :meth:`SupplementPolicy.resume`."""
        span = spans[-1]
        assert span.resubmitted_at is not None  # noqa: S101 - guaranteed by the caller
        resubmitted_at = span.resubmitted_at
        deadline = ctx.count(resubmitted_at)

        def describe() -> tuple[str, str]:
            pt_vi = _fmt_processing_time(ctx.processing_time, "vi")
            pt_en = _fmt_processing_time(ctx.processing_time, "en")
            return (
                f"Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ: {pt_vi} kể "
                f"từ {_fmt(resubmitted_at, 'vi')}; hạn mới {_fmt(deadline.due, 'vi')} "
                f"(hạn trước đó {_fmt(due_before, 'vi')}).",
                f"The processing time is counted again from the receipt of the completed "
                f"dossier: {pt_en} from {_fmt(resubmitted_at, 'en')}; new due "
                f"{_fmt(deadline.due, 'en')} (was {_fmt(due_before, 'en')}).",
            )

        return _Resumed(deadline.due, deadline, describe)


def _paused_working_days(cal: WorkCalendar, spans: Sequence[SupplementSpan]) -> int:
    """Working days from each request day (excluded) to its resubmission day (included)."""
    total = 0
    for s in spans:
        assert s.resubmitted_at is not None  # noqa: S101 - guaranteed by the caller
        total += cal.working_days_between(
            vn_date(s.requested_at, field="instant"), vn_date(s.resubmitted_at, field="instant")
        )
    return total


def _paused_calendar_days(spans: Sequence[SupplementSpan]) -> int:
    """Calendar days from each request date to its resubmission date."""
    total = 0
    for s in spans:
        assert s.resubmitted_at is not None  # noqa: S101 - guaranteed by the caller
        total += (
            vn_date(s.resubmitted_at, field="instant") - vn_date(s.requested_at, field="instant")
        ).days
    return total


class _PauseMeasure(ABC):
    """How the paused time is measured and added back, for one counting policy."""

    @abstractmethod
    def shift(self, ctx: _Context, spans: Sequence[SupplementSpan]) -> _Shifted:
        """The due instant with every answered span's pause added to the first deadline."""


@attrs.frozen(slots=True)
class _Shifted:
    due: dt.datetime
    deadline: Deadline | None
    paused_vi: str
    paused_en: str


def _days_added(
    cal: WorkCalendar, before: dt.datetime, after: dt.datetime
) -> tuple[ExplanationStep, ...]:
    """The days from the day after ``before`` to ``after``, each with its rule or notice.

    Explains a due date moved by a pause, day by day.
    """
    first = vn_date(before, field="instant") + dt.timedelta(days=1)
    return tuple(day_steps(cal, first, vn_date(after, field="instant"), number_days=False))


class _ExtendWorkingDays(_PauseMeasure):
    """Count the paused working days as extra days of the period, from the receipt.

    Day-granular: the days from the request day (excluded) to the resubmission day (included)
    are not counted, as a restart would not count the resubmission day either (Civil Code
    Art. 147(2)). A request answered the same day pauses nothing.
    """

    def shift(self, ctx: _Context, spans: Sequence[SupplementSpan]) -> _Shifted:
        days = _paused_working_days(ctx.calendar, spans)
        if days == 0:
            return _Shifted(ctx.base.due, None, "0 ngày làm việc", "0 working days")
        deadline = ctx.extend(days)
        return _Shifted(deadline.due, deadline, f"{days} ngày làm việc", f"{days} working days")


class _ExtendCalendarDays(_PauseMeasure):
    """Count the paused calendar days as extra days of the period, from the receipt.

    The period's last day is then moved to the next working day if needed (Civil Code 2015
    Art. 148(5)), by the counting policy itself.
    """

    def shift(self, ctx: _Context, spans: Sequence[SupplementSpan]) -> _Shifted:
        days = _paused_calendar_days(spans)
        if days == 0:
            return _Shifted(ctx.base.due, None, "0 ngày", "0 calendar days")
        deadline = ctx.extend(days)
        return _Shifted(deadline.due, deadline, f"{days} ngày", f"{days} calendar days")


def _on_day_like(cal: WorkCalendar, due: dt.datetime, day: dt.date) -> dt.datetime:
    """``due``'s time of day moved to ``day``; a due at closing time stays at closing time."""
    local = due.astimezone(VN_TZ)
    if local == cal.closing_time(local.date()):
        return cal.closing_time(day)
    return dt.datetime.combine(day, local.timetz())


class _ShiftWorkingDays(_PauseMeasure):
    """Move the due date by the paused working days (same-day deadlines have no amount)."""

    def shift(self, ctx: _Context, spans: Sequence[SupplementSpan]) -> _Shifted:
        days = _paused_working_days(ctx.calendar, spans)
        base = ctx.base.due
        if days == 0:
            return _Shifted(base, None, "0 ngày làm việc", "0 working days")
        day = ctx.calendar.add_working_days(vn_date(base, field="instant"), days)
        due = _on_day_like(ctx.calendar, base, day)
        return _Shifted(due, None, f"{days} ngày làm việc", f"{days} working days")


class _ShiftMonthPeriod(_PauseMeasure):
    """Add the paused calendar days to the month period's nominal last day, then Art. 148(5)."""

    def shift(self, ctx: _Context, spans: Sequence[SupplementSpan]) -> _Shifted:
        from dateutil.relativedelta import relativedelta

        days = _paused_calendar_days(spans)
        base = ctx.base.due
        if days == 0:
            return _Shifted(base, None, "0 ngày", "0 calendar days")
        received = vn_date(ctx.base.received, field="instant")
        nominal = received + relativedelta(months=ctx.base.amount)
        day = ctx.calendar.roll_forward(nominal + dt.timedelta(days=days))
        due = _on_day_like(ctx.calendar, base, day)
        return _Shifted(due, None, f"{days} ngày", f"{days} calendar days")


class _AddWorkingTime(_PauseMeasure):
    """Add the office time between each request and its resubmission to the due instant."""

    def shift(self, ctx: _Context, spans: Sequence[SupplementSpan]) -> _Shifted:
        cal = ctx.calendar
        paused = dt.timedelta(0)
        for s in spans:
            assert s.resubmitted_at is not None  # noqa: S101 - guaranteed by the caller
            paused += cal.working_time_between(s.requested_at, s.resubmitted_at)
        base = ctx.base.due
        vi, en = _fmt_working_time(paused, "vi"), _fmt_working_time(paused, "en")
        if paused <= dt.timedelta(0):
            return _Shifted(base, None, vi, en)
        return _Shifted(cal.add_working_time(base, paused), None, vi, en)


#: How :data:`PAUSE` measures and adds back the pause, per counting policy name (data, not
#: hidden branches). A custom counting policy must be added here to be paused.
PAUSE_MEASURES: Mapping[str, _PauseMeasure] = MappingProxyType(
    {
        "working-days": _ExtendWorkingDays(),
        "calendar-days": _ExtendCalendarDays(),
        "same-day": _ShiftWorkingDays(),
        "months": _ShiftMonthPeriod(),
        "working-hours": _AddWorkingTime(),
    }
)


class PauseDuringSupplement(SupplementPolicy):
    """Stop the clock while the applicant completes the dossier, then add the pause back.

    Decision 766/QĐ-TTg indicator 2.1 subtracts the supplement time (resubmitted − requested)
    from the processing time, and deployed systems add it to the due date. The pause is measured
    in the deadline's unit (:data:`PAUSE_MEASURES`): working days for working-day and same-day
    deadlines (request day excluded, resubmission day included), calendar days for calendar-day
    and month periods (then Civil Code Art. 148(5)), office time for working-hour deadlines.
    Pauses add up over several requests, always from the deadline counted at receipt.
    """

    name = "pause"
    basis = "QĐ 766/QĐ-TTg chỉ số 2.1 (thời gian bổ sung không tính)"

    def resume(
        self, ctx: _Context, spans: Sequence[SupplementSpan], due_before: dt.datetime
    ) -> _Resumed:
        """See :meth:`SupplementPolicy.resume`."""
        span = spans[-1]
        assert span.resubmitted_at is not None  # noqa: S101 - guaranteed by the caller
        measure = PAUSE_MEASURES.get(ctx.base.policy)
        if measure is None:
            raise DeadlineError(
                f"supplement_policy: the pause policy does not know how to pause a deadline "
                f"counted by {ctx.base.policy!r}; known: {', '.join(sorted(PAUSE_MEASURES))}",
                field="supplement_policy",
            )
        shifted = measure.shift(ctx, spans)
        requested_at, resubmitted_at, due = span.requested_at, span.resubmitted_at, shifted.due

        def describe() -> tuple[str, str]:
            return (
                f"Thời gian chờ bổ sung (từ {_fmt(requested_at, 'vi')} đến "
                f"{_fmt(resubmitted_at, 'vi')}) không tính vào thời hạn; tổng thời gian "
                f"tạm dừng {shifted.paused_vi} được cộng vào hạn tính từ lúc tiếp nhận: hạn mới "
                f"{_fmt(due, 'vi')} (hạn trước đó {_fmt(due_before, 'vi')}).",
                f"The wait for the supplement ({_fmt(requested_at, 'en')} to "
                f"{_fmt(resubmitted_at, 'en')}) does not count; the total pause of "
                f"{shifted.paused_en} is added to the deadline counted from receipt: new due "
                f"{_fmt(due, 'en')} (was {_fmt(due_before, 'en')}).",
            )

        return _Resumed(due, shifted.deadline, describe)


#: Count again from the completed dossier (NĐ 61/2018 Art. 19(4)).
RESTART: SupplementPolicy = RestartOnResubmission()
#: Add the waiting time back (Decision 766 formula, deployed systems).
PAUSE: SupplementPolicy = PauseDuringSupplement()
#: The supplement policies by name.
SUPPLEMENT_POLICIES: Mapping[str, SupplementPolicy] = MappingProxyType(
    {RESTART.name: RESTART, PAUSE.name: PAUSE}
)


def supplement_policy_by_name(name: str) -> SupplementPolicy:
    """The supplement policy called ``name`` (``"restart"`` or ``"pause"``).

    Raises:
        InvalidInputError: unknown name; the message lists the valid ones.
    """
    try:
        return SUPPLEMENT_POLICIES[name]
    except (KeyError, TypeError):
        raise InvalidInputError(
            f"supplement_policy: unknown policy {name!r}; expected one of "
            + ", ".join(sorted(SUPPLEMENT_POLICIES)),
            field="supplement_policy",
        ) from None


def _policy_converter(value: SupplementPolicy | str) -> SupplementPolicy:
    return value if isinstance(value, SupplementPolicy) else supplement_policy_by_name(value)


# ---------------------------------------------------------------------------- the clock


@attrs.frozen(slots=True)
class _Segment:
    span: SupplementSpan
    due_before: dt.datetime
    resumed: _Resumed | None


@attrs.frozen(slots=True)
class _Timeline:
    base: Deadline
    segments: tuple[_Segment, ...]
    due_after_supplements: dt.datetime | None


def _tuple_of(value: Iterable[object], field: str) -> tuple[object, ...]:
    try:
        return tuple(value)
    except TypeError:
        raise InvalidInputError(
            f"{field}: expected a sequence (e.g. a tuple, possibly empty), got "
            f"{type(value).__name__}",
            field=field,
        ) from None


def _spans_converter(value: Iterable[SupplementSpan]) -> tuple[SupplementSpan, ...]:
    spans = cast("tuple[SupplementSpan, ...]", _tuple_of(value, "supplements"))
    if all(isinstance(s, SupplementSpan) for s in spans):
        # SupplementSpan guarantees aware instants, so sorting cannot mix naive and aware.
        return tuple(sorted(spans, key=lambda s: s.requested_at))
    return spans  # rejected with a clear message in DossierClock.__attrs_post_init__


def _steps_converter(value: Iterable[LienThongSpan]) -> tuple[LienThongSpan, ...]:
    return cast("tuple[LienThongSpan, ...]", _tuple_of(value, "steps"))


@attrs.frozen(slots=True)
class DossierClock:
    """The processing clock of one dossier (immutable; ``with_*`` methods return copies).

    Attributes:
        calendar: the working calendar of the competent agency.
        processing_time: the published processing time for the dossier's channel.
        received_at: the aware instant the complete dossier was received.
        supplement_policy: :data:`RESTART` (default, NĐ 61/2018 Art. 19(4)) or :data:`PAUSE`.
        supplements: supplement requests, sorted by request instant.
        extension: the one extension, if any.
        steps: liên thông steps.
        finished_at: when the result was ready (or the dossier closed); ``None`` if running.
        counting_policy: the counting policy (object or registry name such as
            ``"working-hours"``); default the policy of the processing time's unit
            (:func:`onestop.deadlines.policies.policy_for`). Also used for liên thông shares.

    Raises:
        InvalidInputError: naive datetimes, wrong types, events before receipt or out of order.
    """

    calendar: WorkCalendar
    processing_time: ProcessingTime
    received_at: dt.datetime
    supplement_policy: SupplementPolicy = attrs.field(
        default=RESTART, converter=_policy_converter, kw_only=True
    )
    supplements: tuple[SupplementSpan, ...] = attrs.field(
        default=(), converter=_spans_converter, kw_only=True
    )
    extension: ExtensionSpan | None = attrs.field(default=None, kw_only=True)
    steps: tuple[LienThongSpan, ...] = attrs.field(
        default=(), converter=_steps_converter, kw_only=True
    )
    finished_at: dt.datetime | None = attrs.field(default=None, kw_only=True)
    counting_policy: CountingPolicy | str | None = attrs.field(default=None, kw_only=True)
    _timeline: _Timeline = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        self._check()
        object.__setattr__(self, "_timeline", self._build())

    def _check(self) -> None:
        """Refuse wrong types, naive instants and a finish before receipt."""
        if not isinstance(self.calendar, WorkCalendar):
            raise InvalidInputError(
                f"calendar: expected a WorkCalendar (e.g. civil_service_calendar()), got "
                f"{type(self.calendar).__name__}",
                field="calendar",
            )
        if not isinstance(self.processing_time, ProcessingTime):
            raise InvalidInputError(
                f"processing_time: expected a ProcessingTime such as "
                f"ProcessingTime.working_days(5), got {type(self.processing_time).__name__}",
                field="processing_time",
            )
        for field, spans, kind in (
            ("supplements", self.supplements, SupplementSpan),
            ("steps", self.steps, LienThongSpan),
        ):
            wrong = [type(x).__name__ for x in spans if not isinstance(x, kind)]
            if wrong:
                raise InvalidInputError(
                    f"{field}: expected {kind.__name__} items, got {wrong[0]}", field=field
                )
        if self.extension is not None and not isinstance(self.extension, ExtensionSpan):
            raise InvalidInputError(
                f"extension: expected an ExtensionSpan, got {type(self.extension).__name__}",
                field="extension",
            )
        if isinstance(self.counting_policy, str):
            policy_by_name(self.counting_policy)  # an unknown name raises, naming the field
        elif self.counting_policy is not None and not isinstance(
            self.counting_policy, CountingPolicy
        ):
            raise InvalidInputError(
                "counting_policy: expected a CountingPolicy or a policy name such as "
                f"'working-hours', got {type(self.counting_policy).__name__}",
                field="counting_policy",
            )
        require_aware(self.received_at, field="received_at")
        if self.finished_at is not None and require_aware(self.finished_at, field="finished_at") < (
            self.received_at
        ):
            raise InvalidInputError(
                "finished_at: earlier than received_at; a dossier finishes after its receipt",
                field="finished_at",
            )

    def _with(self, **changes: object) -> DossierClock:
        """A copy with ``extension``, ``steps`` or ``finished_at`` changed.

        These fields do not enter the supplement timeline (the base deadline and the due date
        after each resubmission), so the copy shares it instead of counting it again; the
        copy's fields are checked as the constructor checks them.
        """
        cls = type(self)
        new = object.__new__(cls)
        for a in attrs.fields(cls):
            object.__setattr__(new, a.name, changes.get(a.name, getattr(self, a.name)))
        new._check()
        return new

    def _build(self) -> _Timeline:
        base = _count(self.calendar, self.processing_time, self.received_at, self.counting_policy)
        ctx = _Context(self.calendar, self.processing_time, base)
        due: dt.datetime | None = base.due
        segments: list[_Segment] = []
        previous_end = self.received_at
        for i, span in enumerate(self.supplements):
            field = f"supplements[{i}].requested_at"
            if due is None:
                raise InvalidInputError(
                    f"{field}: a new supplement request while the previous one is still "
                    "pending; record the resubmission first",
                    field=field,
                )
            if span.requested_at < previous_end:
                raise InvalidInputError(
                    f"{field}: earlier than the receipt or the previous resubmission; a "
                    "supplement is requested after the dossier was received",
                    field=field,
                )
            if span.resubmitted_at is None:
                segments.append(_Segment(span, due, None))
                due = None
                continue
            resumed = self.supplement_policy.resume(ctx, self.supplements[: i + 1], due)
            segments.append(_Segment(span, due, resumed))
            due = resumed.due
            previous_end = span.resubmitted_at
        return _Timeline(base, tuple(segments), due)

    # -------------------------------------------------------------- copies

    def with_supplement(
        self, requested_at: dt.datetime, resubmitted_at: dt.datetime | None = None
    ) -> DossierClock:
        """A copy with one more supplement request (answered when ``resubmitted_at`` is given)."""
        span = SupplementSpan(requested_at, resubmitted_at)
        return attrs.evolve(self, supplements=(*self.supplements, span))

    def with_resubmission(self, resubmitted_at: dt.datetime) -> DossierClock:
        """A copy in which the pending supplement request is answered at ``resubmitted_at``.

        Raises:
            DeadlineError: no supplement request is pending.
        """
        if not self.supplements or self.supplements[-1].resubmitted_at is not None:
            raise DeadlineError(
                "resubmitted_at: no supplement request is pending; add one with "
                "with_supplement() first",
                field="resubmitted_at",
            )
        last = SupplementSpan(self.supplements[-1].requested_at, resubmitted_at)
        return attrs.evolve(self, supplements=(*self.supplements[:-1], last))

    def with_extension(
        self, new_due_at: dt.datetime, *, apology_at: dt.datetime | None = None
    ) -> DossierClock:
        """A copy with the dossier's one extension (NĐ 61/2018 Art. 19(9)).

        Raises:
            DeadlineError: the dossier was already extended (the appointment is re-set only
                once), a supplement request is pending, or the new due date is not later than
                the current one. (A recorded extension given to the constructor or read by
                :func:`clock_for` is not refused: it is flagged ``extension_not_later``.)
        """
        if self.extension is not None:
            raise DeadlineError(
                "extension: the dossier was already extended once; NĐ 61/2018 Điều 19(9) allows "
                "re-setting the appointment only once (hẹn lại ngày trả kết quả không quá một "
                "lần)",
                field="extension",
            )
        extension = ExtensionSpan(new_due_at, apology_at)
        due = self.original_due_at
        if due is None:
            raise DeadlineError(
                "extension: cannot extend a dossier while a supplement request is pending; "
                "the due date is not known until the completed dossier is received",
                field="extension",
            )
        if extension.new_due_at <= due:
            raise DeadlineError(
                f"extension.new_due_at: {extension.new_due_at.isoformat()} is not after the "
                f"current due date {due.isoformat()}; an extension (NĐ 61/2018 Điều 19(9)) "
                "sets a later appointment",
                field="extension.new_due_at",
            )
        return self._with(extension=extension)

    def with_step(self, step: LienThongSpan) -> DossierClock:
        """A copy with one more liên thông step."""
        return self._with(steps=(*self.steps, step))

    def finish(self, at: dt.datetime) -> DossierClock:
        """A copy finished at ``at`` (result ready, or the dossier closed)."""
        return self._with(finished_at=at)

    # -------------------------------------------------------------- due dates

    @property
    def base(self) -> Deadline:
        """The deadline counted from receipt, before supplements and extension."""
        return self._timeline.base

    @property
    def original_due_at(self) -> dt.datetime | None:
        """The due instant after supplements, before any extension (``None`` while pending)."""
        return self._timeline.due_after_supplements

    @property
    def due_at(self) -> dt.datetime | None:
        """The effective due instant: the extension's when extended.

        ``None`` while a supplement request is pending (the due date depends on the
        resubmission).
        """
        if self.extension is not None:
            return self.extension.new_due_at
        return self._timeline.due_after_supplements

    @property
    def apology_due_date(self) -> dt.date | None:
        """Latest date for the apology letter: the working day before the due date.

        NĐ 61/2018 Art. 19(9): "chậm nhất 01 ngày trước ngày hết hạn". ``None`` while a
        supplement request is pending.
        """
        due = self.original_due_at
        if due is None:
            return None
        return self.calendar.previous_working_day(vn_date(due, field="instant"))

    def _state_at(
        self, at: dt.datetime, *, use_extension: bool = True
    ) -> tuple[dt.datetime, dt.datetime, bool]:
        """``(clock instant, due instant, paused)`` in force at ``at``.

        The clock instant is frozen at the request while a supplement is awaited.
        """
        at = require_aware(at, field="at")
        if at < self.received_at:
            raise InvalidInputError(
                "at: before the dossier was received; the clock starts at received_at",
                field="at",
            )
        if self.finished_at is not None and at > self.finished_at:
            at = self.finished_at  # the clock stops when the result is ready
        due = self._timeline.base.due
        for seg in self._timeline.segments:
            if at < seg.span.requested_at:
                break
            resubmitted = seg.span.resubmitted_at
            if seg.resumed is None or resubmitted is None or at < resubmitted:
                return seg.span.requested_at, seg.due_before, True
            due = seg.resumed.due
        ext = self.extension
        if use_extension and ext is not None and (ext.apology_at is None or at >= ext.apology_at):
            due = ext.new_due_at
        return at, due, False

    def is_paused(self, at: dt.datetime) -> bool:
        """Whether the clock is stopped at ``at``, waiting for a supplement.

        From the request (included) to the resubmission (excluded).
        """
        return self._state_at(at)[2]

    def remaining(self, at: dt.datetime) -> dt.timedelta:
        """Working time left at ``at`` (office time of working days), negative once overdue.

        While a supplement is awaited the value stays at what it was at the request. It can
        jump up at the resubmission: under :data:`RESTART` the time is counted again, and under
        :data:`PAUSE` with day units the paused days are given back whole. An extension
        applies from its apology letter (from the start when the letter's date is unknown).
        Once the dossier is finished the clock is stopped: later instants give the value at
        ``finished_at``.

        Raises:
            InvalidInputError: naive ``at`` or ``at`` before receipt.
        """
        clock_at, due, _ = self._state_at(at)
        return self.calendar.working_time_between(clock_at, due)

    def is_overdue(self, at: dt.datetime) -> bool:
        """Whether the due instant in force at ``at`` has passed.

        The clock instant is frozen at the request while a supplement is awaited.
        """
        clock_at, due, _ = self._state_at(at)
        return clock_at > due

    # -------------------------------------------------------------- classification

    def timeliness(
        self,
        at: dt.datetime | None = None,
        *,
        against: Literal["original", "extended"] = "original",
    ) -> Timeliness:
        """Early / on time / late (TT 01/2018/TT-VPCP Art. 13), or in progress at ``at``.

        A finished dossier is judged by the date rule against the due date after supplements;
        by default an extension does not move it (Art. 19(9) extends a dossier that is already
        going to be late — use ``against="extended"`` to judge against the new appointment).
        An unfinished dossier is judged at ``at`` with the clock frozen during a pending
        supplement.

        Raises:
            InvalidInputError: unfinished and no ``at``, or naive datetimes.
        """
        if against not in ("original", "extended"):
            raise InvalidInputError(
                f"against: expected 'original' or 'extended', got {against!r}", field="against"
            )
        use_extension = against == "extended"
        if self.finished_at is not None:
            # Judged at the finish; a dossier closed while a supplement was awaited is judged
            # at the request, against the due date before it.
            clock_at, due, paused = self._state_at(self.finished_at, use_extension=use_extension)
            if not paused and use_extension and self.extension is not None:
                due = self.extension.new_due_at
            return classify(due, finished_at=clock_at)
        if at is None:
            raise InvalidInputError(
                "at: the dossier is unfinished; pass at= (an aware datetime) to judge it",
                field="at",
            )
        clock_at, due_then, _ = self._state_at(at, use_extension=use_extension)
        return classify(due_then, at=clock_at)

    def timeliness_766(self, period_end: dt.datetime) -> Timeliness:
        """Classification for Decision 766/QĐ-TTg indicator 2.1 at the end of a period.

        Judged against the deadline counted at receipt (``NgayHenTra``), with the waiting time
        for supplements subtracted and more than one request counted as overdue
        (:func:`onestop.deadlines.timeliness.classify_766`). The end is ``finished_at``, else a
        pending request's instant, else ``period_end``.
        """
        pending = None
        if self.supplements and self.supplements[-1].resubmitted_at is None:
            pending = self.supplements[-1].requested_at
        end = end_instant_766(
            period_end=period_end,
            completed_at=self.finished_at,
            supplement_pending_since=pending,
        )
        return classify_766(self.base.due, end, self.supplements)

    # -------------------------------------------------------------- liên thông

    def step_deadlines(self, at: dt.datetime | None = None) -> tuple[StepDeadline, ...]:
        """Each liên thông step with its own due instant, counted from its start.

        Args:
            at: for unfinished steps, the instant to judge "over its share" at.
        """
        if at is not None:
            require_aware(at, field="at")
        out = []
        for step in self.steps:
            deadline = None
            if step.share is not None:
                deadline = _count(self.calendar, step.share, step.started_at, self.counting_policy)
                due = deadline.due
            else:
                assert step.due_at is not None  # noqa: S101 - checked by LienThongSpan
                due = step.due_at
            over: bool | None
            if step.finished_at is not None:
                over = step.finished_at > due
            elif at is not None:
                over = at > due
            else:
                over = None
            out.append(StepDeadline(step, due, deadline, over))
        return tuple(out)

    # -------------------------------------------------------------- flags

    def flags(self, at: dt.datetime | None = None) -> tuple[ClockFlag, ...]:
        """What an officer should look at, as of ``at`` (default: the recorded facts only)."""
        out: list[ClockFlag] = []
        cal = self.calendar
        start = self.received_at
        for i, span in enumerate(self.supplements):
            limit = cal.add_working_days(vn_date(start, field="instant"), SUPPLEMENT_REQUEST_WINDOW)
            requested = vn_date(span.requested_at, field="instant")
            if requested > limit:
                out.append(
                    ClockFlag(
                        FlagCode.LATE_SUPPLEMENT_REQUEST,
                        f"Yêu cầu bổ sung lần {i + 1} lập ngày {_fmt_day(requested, 'vi')}, "
                        f"sau hạn 03 ngày làm việc kể từ khi tiếp nhận "
                        f"({_fmt_day(limit, 'vi')}).",
                        f"Supplement request {i + 1} was made on {_fmt_day(requested, 'en')}, "
                        f"after the 3-working-day limit from receipt ({_fmt_day(limit, 'en')}).",
                        _BASIS_SUPPLEMENT_WINDOW,
                    )
                )
            if span.resubmitted_at is not None:
                start = span.resubmitted_at
        if len(self.supplements) > 1:
            n = len(self.supplements)
            out.append(
                ClockFlag(
                    FlagCode.REPEATED_SUPPLEMENT_REQUEST,
                    f"Hồ sơ bị yêu cầu bổ sung {n} lần (chỉ được yêu cầu một lần); theo QĐ 766 "
                    "hồ sơ được tính là quá hạn.",
                    f"The dossier had {n} supplement requests (only one is allowed); Decision "
                    "766 counts it as overdue.",
                    _BASIS_ONCE,
                )
            )
        if self.supplements and self.supplements[-1].resubmitted_at is None:
            out.append(
                ClockFlag(
                    FlagCode.SUPPLEMENT_PENDING,
                    "Đang chờ công dân bổ sung hồ sơ; thời hạn tạm dừng.",
                    "Waiting for the applicant's supplement; the clock is stopped.",
                    self.supplement_policy.basis,
                )
            )
        out.extend(self._extension_flags())
        for sd in self.step_deadlines(at):
            if sd.over_share:
                out.append(
                    ClockFlag(
                        FlagCode.STEP_OVER_SHARE,
                        f"Bước liên thông tại {sd.step.agency} vượt thời gian được giao "
                        f"({_fmt_share(sd.step, 'vi')}, hạn "
                        f"{_fmt(sd.due, 'vi')}).",
                        f"The liên thông step at {sd.step.agency} exceeded its share "
                        f"({_fmt_share(sd.step, 'en')}, due "
                        f"{_fmt(sd.due, 'en')}).",
                        _BASIS_LIEN_THONG,
                    )
                )
        if at is not None and self.finished_at is None and self.is_overdue(at):
            out.append(
                ClockFlag(
                    FlagCode.OVERDUE,
                    f"Hồ sơ chưa giải quyết xong và đã quá hạn lúc {_fmt(at, 'vi')}.",
                    f"The dossier is unfinished and overdue at {_fmt(at, 'en')}.",
                    _BASIS_CLASSIFY,
                )
            )
        return tuple(out)

    def _extension_flags(self) -> list[ClockFlag]:
        ext = self.extension
        latest = self.apology_due_date
        if ext is None or latest is None:
            return []
        out: list[ClockFlag] = []
        due = self.original_due_at
        if due is not None and ext.new_due_at <= due:
            out.append(
                ClockFlag(
                    FlagCode.EXTENSION_NOT_LATER,
                    f"Ngày hẹn lại {_fmt(ext.new_due_at, 'vi')} không sau hạn giải quyết "
                    f"{_fmt(due, 'vi')}.",
                    f"The new appointment {_fmt(ext.new_due_at, 'en')} is not after the due "
                    f"date {_fmt(due, 'en')}.",
                    _BASIS_EXTENSION,
                )
            )
        if ext.apology_at is None:
            return [
                *out,
                ClockFlag(
                    FlagCode.MISSING_APOLOGY,
                    "Hồ sơ được gia hạn nhưng không ghi nhận ngày lập Phiếu xin lỗi và hẹn lại "
                    "ngày trả kết quả.",
                    "The dossier was extended but the date of the apology letter is not recorded.",
                    _BASIS_EXTENSION,
                ),
            ]
        issued = vn_date(ext.apology_at, field="instant")
        if issued <= latest:
            return out
        return [
            *out,
            ClockFlag(
                FlagCode.LATE_APOLOGY,
                f"Phiếu xin lỗi lập ngày {_fmt_day(issued, 'vi')}, muộn hơn hạn chậm nhất "
                f"{_fmt_day(latest, 'vi')} (01 ngày làm việc trước ngày hết hạn).",
                f"The apology letter was issued on {_fmt_day(issued, 'en')}, later than "
                f"{_fmt_day(latest, 'en')} (one working day before the due date).",
                _BASIS_EXTENSION,
            ),
        ]

    # -------------------------------------------------------------- explanation

    def explanation(self, at: dt.datetime | None = None) -> tuple[ClockStep, ...]:
        """The reasoning behind the due date, step by step, each with its legal basis."""
        base = self.base
        pt = self.processing_time
        steps = [
            ClockStep(
                ClockStepKind.RECEIPT,
                f"Tiếp nhận hồ sơ đầy đủ lúc {_fmt(self.received_at, 'vi')}; thời hạn giải "
                f"quyết {_fmt_processing_time(pt, 'vi')}: hạn {_fmt(base.due, 'vi')}.",
                f"Complete dossier received at {_fmt(self.received_at, 'en')}; processing "
                f"time {_fmt_processing_time(pt, 'en')}: due {_fmt(base.due, 'en')}.",
                _BASIS_RECEIPT,
                *_both_languages(base.steps),
            )
        ]
        for i, seg in enumerate(self.supplements):
            segment = self._timeline.segments[i]
            head_vi = f"Yêu cầu bổ sung lần {i + 1} lúc {_fmt(seg.requested_at, 'vi')}"
            head_en = f"Supplement request {i + 1} at {_fmt(seg.requested_at, 'en')}"
            resumed = segment.resumed
            if resumed is None:
                steps.append(
                    ClockStep(
                        ClockStepKind.SUPPLEMENT,
                        f"{head_vi}; đang chờ bổ sung, thời hạn tạm dừng.",
                        f"{head_en}; awaiting the supplement, the clock is stopped.",
                        self.supplement_policy.basis,
                    )
                )
                continue
            detail = resumed.deadline
            # no recounted deadline: the days between the due counted at receipt and the
            # moved one (a pause adds to that deadline) explain the move
            detail_vi, detail_en = _both_languages(
                _days_added(self.calendar, base.due, resumed.due)
                if detail is None
                else detail.steps
            )
            text_vi, text_en = resumed.describe()
            steps.append(
                ClockStep(
                    ClockStepKind.SUPPLEMENT,
                    f"{head_vi}. {text_vi}",
                    f"{head_en}. {text_en}",
                    self.supplement_policy.basis,
                    detail_vi,
                    detail_en,
                )
            )
        ext = self.extension
        if ext is not None and self.original_due_at is not None:
            letter_vi = (
                f"Phiếu xin lỗi lập lúc {_fmt(ext.apology_at, 'vi')}"
                if ext.apology_at
                else "Không ghi nhận ngày lập Phiếu xin lỗi"
            )
            letter_en = (
                f"apology letter issued at {_fmt(ext.apology_at, 'en')}"
                if ext.apology_at
                else "no apology letter date recorded"
            )
            latest = self.apology_due_date
            assert latest is not None  # noqa: S101 - known when original_due_at is
            steps.append(
                ClockStep(
                    ClockStepKind.EXTENSION,
                    f"Gia hạn (chỉ một lần): hẹn lại từ {_fmt(self.original_due_at, 'vi')} sang "
                    f"{_fmt(ext.new_due_at, 'vi')}. {letter_vi} (chậm nhất ngày "
                    f"{_fmt_day(latest, 'vi')}).",
                    f"Extension (once only): re-appointed from "
                    f"{_fmt(self.original_due_at, 'en')} to {_fmt(ext.new_due_at, 'en')}; "
                    f"{letter_en} (latest {_fmt_day(latest, 'en')}).",
                    _BASIS_EXTENSION,
                )
            )
        for sd in self.step_deadlines(at):
            steps.append(
                ClockStep(
                    ClockStepKind.LIEN_THONG,
                    f"Bước liên thông tại {sd.step.agency}: "
                    f"{_fmt_share(sd.step, 'vi')} kể từ "
                    f"{_fmt(sd.step.started_at, 'vi')}, hạn {_fmt(sd.due, 'vi')}.",
                    f"Liên thông step at {sd.step.agency}: "
                    f"{_fmt_share(sd.step, 'en')} from "
                    f"{_fmt(sd.step.started_at, 'en')}, due {_fmt(sd.due, 'en')}.",
                    _BASIS_LIEN_THONG,
                    *_both_languages(sd.deadline.steps if sd.deadline is not None else ()),
                )
            )
        for flag in self.flags(at):
            steps.append(
                ClockStep(ClockStepKind.FLAG, flag.message_vi, flag.message_en, flag.basis)
            )
        if self.finished_at is not None and self.original_due_at is not None:
            result = self.timeliness()
            due_day = vn_date(self.original_due_at, field="instant")
            text_vi = (
                f"Có kết quả lúc {_fmt(self.finished_at, 'vi')}, so với ngày hẹn "
                f"{_fmt_day(due_day, 'vi')}: {result.label_vi}"
            )
            text_en = (
                f"Result ready at {_fmt(self.finished_at, 'en')}, against the due date "
                f"{_fmt_day(due_day, 'en')}: {result.label_en}"
            )
            if ext is not None:
                again = self.timeliness(against="extended")
                new_day = vn_date(ext.new_due_at, field="instant")
                text_vi += f"; so với ngày hẹn lại {_fmt_day(new_day, 'vi')}: {again.label_vi}"
                text_en += f"; against the new date {_fmt_day(new_day, 'en')}: {again.label_en}"
            steps.append(
                ClockStep(ClockStepKind.RESULT, text_vi + ".", text_en + ".", _BASIS_CLASSIFY)
            )
        return tuple(steps)

    def to_dict(self, *, at: dt.datetime | None = None) -> dict[str, object]:
        """A JSON-ready summary with stable keys.

        Keys: ``received_at``, ``processing_time`` (``amount``, ``unit``),
        ``supplement_policy``, ``counting_policy``, ``base_due_at`` (counted from receipt),
        ``original_due_at`` (after supplements), ``due_at`` (after the extension),
        ``finished_at``, ``at``, ``remaining_minutes`` / ``overdue`` / ``paused`` (``None``
        without ``at``), ``timeliness`` (``None`` when unfinished and no ``at``), ``flags``
        (``code``, ``vi``, ``en``, ``basis``) and ``explanation`` (``vi``, ``en``). Instants are
        ISO 8601 strings.
        """

        def iso(value: dt.datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        steps = self.explanation(at)
        timeliness: Timeliness | None = None
        if self.finished_at is not None or at is not None:
            timeliness = self.timeliness(at)
        return {
            "received_at": iso(self.received_at),
            "processing_time": {
                "amount": self.processing_time.amount,
                "unit": self.processing_time.unit.value,
            },
            "supplement_policy": self.supplement_policy.name,
            "counting_policy": self.base.policy,
            "base_due_at": iso(self.base.due),
            "original_due_at": iso(self.original_due_at),
            "due_at": iso(self.due_at),
            "finished_at": iso(self.finished_at),
            "at": iso(at),
            "remaining_minutes": (
                None if at is None else int(self.remaining(at).total_seconds() // 60)
            ),
            "overdue": None if at is None else self.is_overdue(at),
            "paused": None if at is None else self.is_paused(at),
            "timeliness": None if timeliness is None else timeliness.value,
            "flags": [
                {"code": f.code.value, "vi": f.message_vi, "en": f.message_en, "basis": f.basis}
                for f in self.flags(at)
            ],
            "explanation": {"vi": _render(steps, "vi"), "en": _render(steps, "en")},
        }

    def explain(self, lang: Lang = "vi", *, at: dt.datetime | None = None) -> str:
        """The explanation as numbered text in Vietnamese (``"vi"``) or English (``"en"``).

        Raises:
            InvalidInputError: ``lang`` is not ``"vi"`` or ``"en"``.
        """
        if lang not in ("vi", "en"):
            raise InvalidInputError(
                f"lang: unsupported language {lang!r}; expected 'vi' or 'en'", field="lang"
            )
        return _render(self.explanation(at), lang)


def _render(steps: Sequence[ClockStep], lang: Lang) -> str:
    """Clock steps as numbered lines, each step's date arithmetic indented under it."""
    lines: list[str] = []
    for n, step in enumerate(steps, start=1):
        lines.append(f"{n}. {step.text(lang)}")
        lines.extend(f"   {line}" for line in step.detail(lang).splitlines() if line)
    return "\n".join(lines)


# ---------------------------------------------------------------------------- from models

#: Statuses that end a dossier without a result (Decision 766: the end instant).
_CLOSING_STATUSES = frozenset(
    {DossierStatus.REFUSED, DossierStatus.WITHDRAWN, DossierStatus.STOPPED}
)


def _finished_at(dossier: Dossier) -> dt.datetime | None:
    """Completion, else return of the result, else the first stop / refusal / withdrawal."""
    if dossier.completed_at is not None:
        return dossier.completed_at
    if dossier.returned_at is not None:
        return dossier.returned_at
    for event in dossier.events:
        if event.to_status in _CLOSING_STATUSES and event.from_status is not event.to_status:
            return event.at
    return None


def _same_agency(a: AgencyRef, b: AgencyRef) -> bool:
    if a.code is not None and b.code is not None:
        return str(a.code) == str(b.code)
    return a.name == b.name


def _lien_thong_spans(dossier: Dossier, procedure: Procedure | None) -> tuple[LienThongSpan, ...]:
    participants = procedure.lien_thong if procedure is not None else ()
    spans = []
    for step in dossier.lien_thong:
        share = next((p.share for p in participants if _same_agency(p.agency, step.agency)), None)
        if share is None and step.due_at is None:
            continue  # neither a share nor a time limit: nothing to check the step against
        spans.append(
            LienThongSpan(
                agency=str(step.agency.code) if step.agency.code is not None else step.agency.name,
                started_at=step.started_at,
                share=share,
                due_at=None if share is not None else step.due_at,
                finished_at=step.finished_at,
            )
        )
    return tuple(spans)


def clock_for(
    dossier: Dossier,
    procedure: Procedure | None = None,
    *,
    calendar: WorkCalendar | None = None,
    supplement_policy: SupplementPolicy | str = RESTART,
    counting_policy: CountingPolicy | str | None = None,
) -> DossierClock:
    """The clock of a :class:`~onestop.models.Dossier`.

    Reads the dossier's ``received_at``, its appraisal-stage supplement requests (intake
    requests come before receipt and do not touch the clock), its extension (the apology letter
    is ``extension.letter_at``), its liên thông steps and the end of processing (completion,
    else return of the result, else stop / refusal / withdrawal).

    Args:
        dossier: the dossier; it must have been received.
        procedure: its procedure, for the processing time of the dossier's channel
            (``procedure.processing_time_for(dossier.channel)``) and the liên thông shares;
            default the processing time carried by ``dossier.procedure``. Steps with neither a
            share nor their own ``due_at`` are left out.
        calendar: the competent agency's calendar; default the civil-service calendar.
        supplement_policy: :data:`RESTART`, :data:`PAUSE` or their names.
        counting_policy: override of the counting policy (see :class:`DossierClock`).

    Raises:
        DeadlineError: the dossier has not been received (no ``received_at``).
    """
    if not isinstance(dossier, Dossier):
        raise InvalidInputError(
            f"dossier: expected an onestop.models.Dossier, got {type(dossier).__name__}",
            field="dossier",
        )
    if procedure is not None and not isinstance(procedure, Procedure):
        raise InvalidInputError(
            f"procedure: expected an onestop.models.Procedure or None, got "
            f"{type(procedure).__name__}",
            field="procedure",
        )
    if dossier.received_at is None:
        raise DeadlineError(
            f"received_at: the dossier is {dossier.status.value} and has not been received; "
            "its clock starts at acceptance (tiếp nhận)",
            field="received_at",
        )
    pt = (
        procedure.processing_time_for(dossier.channel)
        if procedure is not None
        else dossier.procedure.processing_time
    )
    supplements = tuple(
        SupplementSpan(s.requested_at, s.resubmitted_at)
        for s in dossier.supplements
        if s.stage is SupplementStage.APPRAISAL
    )
    ext = dossier.extension
    extension = None if ext is None else ExtensionSpan(ext.new_due_at, ext.letter_at)
    return DossierClock(
        calendar or _default_calendar(),
        pt,
        dossier.received_at,
        supplement_policy=supplement_policy,
        supplements=supplements,
        extension=extension,
        steps=_lien_thong_spans(dossier, procedure),
        finished_at=_finished_at(dossier),
        counting_policy=counting_policy,
    )
