"""Counting policies: how a processing time becomes a due instant, and why.

What differs between laws, sectors and provinces is a named policy object, never an ``if`` in
the engine. Each policy documents its legal basis:

=====================  ===============================================================
``working-days``       :class:`WorkingDaysPolicy` — Civil Code style: the receipt day is
                       not counted, due at the close of office hours on the N-th working
                       day (BLDS 2015 Arts. 147(2), 148; NĐ 61/2018 Art. 17-19).
``working-hours``      :class:`WorkingHoursPolicy` — N working days × the hours of a
                       working day (or N working hours), counted from the receipt instant
                       inside office hours, as deployed provincial systems count.
``same-day``           :class:`SameDayPolicy` — the result the same working day, or the next
                       working day when received after the cut-off (15:00): Luật Hộ tịch
                       2014 Art. 5(3), NĐ 23/2015 Art. 7, NĐ 99/2022 Art. 16(1).
``calendar-days``      :class:`CalendarDaysPolicy` — BLDS 2015 Arts. 147(2), 148(1), 148(5).
``months``             :class:`MonthsPolicy` — BLDS 2015 Arts. 147(2), 148(3), 148(5).
=====================  ===============================================================

Every computation returns a :class:`Deadline`. Its :attr:`Deadline.steps` (the step-by-step
reasoning, in Vietnamese and English, citing the rule or notice for each day skipped or added)
are built only when asked for, so deadline arithmetic stays cheap.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any, ClassVar, Literal

import attrs

from onestop.deadlines._warn import warn_caller, warns_for_its_calls
from onestop.deadlines.calendar import DayInfo, DayKind, WorkCalendar
from onestop.errors import DeadlineError, InvalidInputError, ProvisionalCalendarWarning
from onestop.models import SAME_DAY_CUTOFF, ProcessingTime, TimeUnit
from onestop.tz import VN_TZ, to_vn

__all__ = [
    "POLICIES",
    "CalendarDaysPolicy",
    "CountingPolicy",
    "Deadline",
    "ExplanationStep",
    "MonthsPolicy",
    "SameDayPolicy",
    "StepKind",
    "WorkingDaysPolicy",
    "WorkingHoursPolicy",
    "compute_due",
    "day_steps",
    "format_day",
    "policy_by_name",
    "policy_for",
]

WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
WEEKDAYS_EN = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

BASIS_FIRST_DAY = "BLDS 2015 Điều 147 khoản 2"
BASIS_DAY_END = "BLDS 2015 Điều 148 khoản 1"
BASIS_MONTH_END = "BLDS 2015 Điều 148 khoản 3"
BASIS_MOVE = "BLDS 2015 Điều 148 khoản 5"
BASIS_SAME_DAY = (
    "Luật Hộ tịch 2014 Điều 5 khoản 3; NĐ 23/2015/NĐ-CP Điều 7; NĐ 99/2022/NĐ-CP Điều 16 khoản 1"
)
BASIS_HOURS = "cách tính của các hệ thống một cửa đang vận hành, tiền lệ: hệ thống Thanh Hóa"
BASIS_HOURS_EN = "as deployed one-stop systems count (precedent: the Thanh Hóa system)"


def format_day(day: dt.date, lang: Literal["vi", "en"] = "vi") -> str:
    """A date with its weekday, ``"Thứ Sáu 13/02/2026"`` or ``"Friday 13/02/2026"``."""
    if not isinstance(day, dt.date):
        raise InvalidInputError(
            f"day must be a datetime.date, got {type(day).__name__}", field="day"
        )
    names = WEEKDAYS_VI if lang == "vi" else WEEKDAYS_EN
    # the same text as strftime's %d/%m/%Y (glibc: the year unpadded), without its cost
    # (explanations format one date per step)
    return f"{names[day.weekday()]} {day.day:02d}/{day.month:02d}/{day.year}"


def _n(amount: int | str, noun: str) -> str:
    """``"1 working day"``, ``"5 working days"`` (English plural of a counted noun)."""
    return f"{amount} {noun}" if str(amount) == "1" else f"{amount} {noun}s"


def _format_instant(instant: dt.datetime, lang: Literal["vi", "en"]) -> str:
    local = instant.astimezone(VN_TZ)
    return f"{local:%H:%M} {format_day(local.date(), lang)}"


class StepKind(StrEnum):
    """What an explanation step records."""

    RECEIVED = "received"
    """The receipt instant."""
    RULE = "rule"
    """The counting rule applied (first day excluded, cut-off, conversion to hours...)."""
    COUNTED = "counted"
    """Working days counted towards the period."""
    SKIPPED = "skipped"
    """Days not counted (weekly rest, holiday, day off)."""
    MAKE_UP = "make_up"
    """A weekly rest day that is a make-up working day, counted."""
    MOVED = "moved"
    """The last day was not a working day and the end moved to the next working day."""
    DUE = "due"
    """The resulting due instant."""
    PROVISIONAL = "provisional"
    """The due date is provisional (dự kiến): a year counted has no official notice yet."""


@attrs.frozen(slots=True)
class ExplanationStep:
    """One step of a deadline's reasoning.

    Attributes:
        kind: what the step records.
        date: the (first) local date the step is about.
        last_date: the last date of a run of days (``None`` for a single day).
        text_vi: the step in Vietnamese.
        text_en: the step in English.
        basis: the rule or notice cited (``None`` for plain arithmetic).
    """

    kind: StepKind
    date: dt.date
    text_vi: str
    text_en: str
    basis: str | None = None
    last_date: dt.date | None = None
    basis_en: str | None = None

    def text(self, lang: Literal["vi", "en"] = "vi") -> str:
        """The step's text in ``lang``, with its basis in brackets."""
        body = self.text_vi if lang == "vi" else self.text_en
        basis = self.basis_en if lang == "en" and self.basis_en else self.basis
        return f"{body} ({basis})" if basis else body

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form with stable keys."""
        return {
            "kind": self.kind.value,
            "date": self.date.isoformat(),
            "last_date": self.last_date.isoformat() if self.last_date else None,
            "vi": self.text_vi,
            "en": self.text_en,
            "basis": self.basis,
            "basis_en": self.basis_en or self.basis,
        }


def _numbered(steps: Iterable[ExplanationStep], lang: Literal["vi", "en"]) -> str:
    """``steps`` as numbered lines (``1. ...``) in ``lang``; no check of ``lang``."""
    return "\n".join(f"{i}. {s.text(lang)}" for i, s in enumerate(steps, 1))


@attrs.frozen(slots=True, eq=False)
class Deadline:
    """A computed due instant with what it was computed from.

    Attributes:
        due: the aware due instant (Asia/Ho_Chi_Minh).
        received: the aware receipt instant (Asia/Ho_Chi_Minh).
        amount: the processing time amount.
        unit: the unit of ``amount``.
        policy: the name of the counting policy.
        calendar: the working calendar used.
        rule: the policy object used.

    A deadline counted across a year that has no official civil-service notice yet is
    :attr:`provisional` (its days off come from the Labor Code alone and may move once the
    notice is published); its explanation then ends with a step saying so ("dự kiến").
    """

    due: dt.datetime
    received: dt.datetime
    amount: int
    unit: TimeUnit
    policy: str
    calendar: WorkCalendar = attrs.field(repr=False)
    rule: CountingPolicy = attrs.field(repr=False)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Deadline):
            return NotImplemented
        return (self.due, self.received, self.amount, self.unit, self.rule) == (
            other.due,
            other.received,
            other.amount,
            other.unit,
            other.rule,
        )

    def __hash__(self) -> int:
        return hash((self.due, self.received, self.amount, self.unit, self.policy))

    @property
    def due_date(self) -> dt.date:
        """The local date of :attr:`due`."""
        return self.due.astimezone(VN_TZ).date()

    @property
    def provisional_years(self) -> tuple[int, ...]:
        """The years from receipt to due date (inclusive) that have no official notice yet.

        Read from the calendar's holiday source; ``()`` for a deadline whose every day
        counted lies in years with a published notice.
        """
        return self.calendar.provisional_years(self.received.date(), self.due_date)

    @property
    def provisional(self) -> bool:
        """Whether the due date is provisional (dự kiến).

        ``True`` when any day the count looked at (from the receipt day to the due date,
        inclusive) falls in a year without an official civil-service notice: the days off of
        such a year are computed from the Labor Code and may change when the notice is
        published (e.g. the Tết break is set by the Prime Minister's or the Ministry's notice
        each year). Independent of warning filters and of ``warn_provisional``.
        """
        return bool(self.provisional_years)

    @property
    def steps(self) -> tuple[ExplanationStep, ...]:
        """The step-by-step reasoning (built on each access; not stored).

        A provisional deadline ends with a :attr:`StepKind.PROVISIONAL` step.
        """
        steps = self.rule.explain_steps(self)
        years = self.provisional_years
        if years:
            steps = (*steps, _provisional_step(self, years))
        return steps

    def explain(self, lang: Literal["vi", "en"] = "vi") -> str:
        """The reasoning as numbered lines in Vietnamese (``"vi"``) or English (``"en"``)."""
        if lang not in ("vi", "en"):
            raise InvalidInputError(f"lang must be 'vi' or 'en', got {lang!r}", field="lang")
        return _numbered(self.steps, lang)

    def remaining(self, at: dt.datetime) -> dt.timedelta:
        """Office time left from ``at`` to :attr:`due` (negative once overdue)."""
        return self.calendar.working_time_between(at, self.due)

    def to_dict(self, *, explain: bool = False) -> dict[str, object]:
        """A JSON-ready form: due, received, amount, unit, policy and provisional.

        Args:
            explain: add ``explanation`` with ``vi``, ``en`` and ``steps``.
        """
        out: dict[str, object] = {
            "due": self.due.isoformat(),
            "received": self.received.isoformat(),
            "amount": self.amount,
            "unit": self.unit.value,
            "policy": self.policy,
            "provisional": self.provisional,
        }
        if explain:
            steps = self.steps
            out["explanation"] = {
                "vi": _numbered(steps, "vi"),
                "en": _numbered(steps, "en"),
                "steps": [s.to_dict() for s in steps],
            }
        return out


# ---------------------------------------------------------------------- explanation helpers


def _skip_texts(info: DayInfo) -> tuple[str, str, str | None]:
    h = info.holiday
    if info.kind is DayKind.REST and h is None:
        return "nghỉ hằng tuần, không tính", "weekly rest day, not counted", info.basis
    if h is not None:
        return (
            f"{h.name_vi} — ngày nghỉ, không tính",
            f"{h.name_en} — day off, not counted",
            h.basis,
        )
    return "ngày nghỉ, không tính", "day off, not counted", info.basis or None


def day_steps(
    calendar: WorkCalendar,
    first: dt.date,
    last: dt.date,
    *,
    counted_before: int = 0,
    number_days: bool = True,
) -> Iterator[ExplanationStep]:
    """Explain the days ``first .. last`` (inclusive): runs counted, days skipped, make-up days.

    Consecutive ordinary working days form one ``COUNTED`` step and consecutive weekly rest
    days one ``SKIPPED`` step; each holiday, day off and make-up working day is its own step
    citing its notice (e.g. "Thứ Bảy 10/01/2026 là ngày làm việc bù theo Công văn
    12729/VPCP-KGVX").

    Args:
        calendar: the working calendar.
        first: first date to explain.
        last: last date to explain (inclusive); nothing when ``last < first``.
        counted_before: working days already counted before ``first`` (for numbering).
        number_days: number the working days (``thứ 1–3``); ``False`` for hour counts.

    Yields:
        The steps, in date order.
    """
    count = counted_before
    run_kind: DayKind | None = None
    run_start = first
    run_end = first
    run_first_count = 0

    def flush() -> ExplanationStep | None:
        if run_kind is None:
            return None
        span_vi = format_day(run_start, "vi")
        span_en = format_day(run_start, "en")
        if run_end != run_start:
            span_vi += f" – {format_day(run_end, 'vi')}"
            span_en += f" – {format_day(run_end, 'en')}"
        if run_kind is DayKind.WORKING:
            if number_days:
                nums = (
                    str(run_first_count)
                    if count == run_first_count
                    else f"{run_first_count}–{count}"
                )
                vi = f"{span_vi}: ngày làm việc thứ {nums}"
                en = f"{span_en}: working day {nums}"
            else:
                vi, en = f"{span_vi}: ngày làm việc, được tính", f"{span_en}: working day, counted"
            return ExplanationStep(
                StepKind.COUNTED, run_start, vi, en, None, run_end if run_end != run_start else None
            )
        return ExplanationStep(
            StepKind.SKIPPED,
            run_start,
            f"{span_vi}: nghỉ hằng tuần, không tính",
            f"{span_en}: weekly rest, not counted",
            calendar.day_info(run_start).basis,
            run_end if run_end != run_start else None,
        )

    for info in calendar.days(first, last):
        kind = info.kind
        runnable = (kind is DayKind.WORKING and info.holiday is None) or (
            kind is DayKind.REST and info.holiday is None
        )
        if runnable and kind is run_kind and info.date == run_end + dt.timedelta(days=1):
            run_end = info.date
            if kind is DayKind.WORKING:
                count += 1
            continue
        step = flush()
        if step is not None:
            yield step
        run_kind = None
        if runnable:
            run_kind, run_start, run_end = kind, info.date, info.date
            if kind is DayKind.WORKING:
                count += 1
                run_first_count = count
            continue
        if info.is_working:
            count += 1
            basis = info.basis or None
            what_vi = "ngày làm việc bù" if kind is DayKind.MAKE_UP else "ngày làm việc"
            what_en = "a make-up working day" if kind is DayKind.MAKE_UP else "a working day"
            num_vi = f", ngày làm việc thứ {count}" if number_days else ", được tính"
            num_en = f", working day {count}" if number_days else ", counted"
            yield ExplanationStep(
                StepKind.MAKE_UP,
                info.date,
                f"{format_day(info.date, 'vi')} là {what_vi} theo {basis}{num_vi}",
                f"{format_day(info.date, 'en')} is {what_en} under {basis}{num_en}",
                None,
            )
        else:
            vi, en, basis = _skip_texts(info)
            yield ExplanationStep(
                StepKind.SKIPPED,
                info.date,
                f"{format_day(info.date, 'vi')}: {vi}",
                f"{format_day(info.date, 'en')}: {en}",
                basis,
            )
    step = flush()
    if step is not None:
        yield step


def _warn_provisional(years: tuple[int, ...]) -> None:
    """Warn (in the caller's name) that a deadline depends on years without a notice."""
    warn_caller(
        f"the due date is provisional (dự kiến): it depends on {', '.join(map(str, years))}, "
        "which has no official civil-service notice yet; its days off come from the statutes "
        "alone (Deadline.provisional is True)",
        ProvisionalCalendarWarning,
    )


def _provisional_step(deadline: Deadline, years: tuple[int, ...]) -> ExplanationStep:
    """The closing step of a provisional deadline: which years lack their notice."""
    names = ", ".join(map(str, years))
    plural = len(years) > 1
    first = max(deadline.received.date(), dt.date(years[0], 1, 1))
    return ExplanationStep(
        StepKind.PROVISIONAL,
        first,
        f"Ngày hẹn là dự kiến: năm {names} chưa có thông báo chính thức về lịch nghỉ lễ, Tết "
        "của cán bộ, công chức; các ngày nghỉ được tính theo Bộ luật Lao động và có thể thay "
        "đổi khi thông báo được ban hành",
        f"The due date is provisional: {names} {'have' if plural else 'has'} no official "
        "notice of the civil-service days off yet; the days off are computed from the Labor "
        "Code and may change when the notice is published",
    )


def _received_step(received: dt.datetime) -> ExplanationStep:
    return ExplanationStep(
        StepKind.RECEIVED,
        received.date(),
        f"Tiếp nhận hồ sơ lúc {_format_instant(received, 'vi')}",
        f"Dossier received at {_format_instant(received, 'en')}",
    )


def _due_step(due: dt.datetime, vi: str, en: str, basis: str | None = None) -> ExplanationStep:
    return ExplanationStep(
        StepKind.DUE,
        due.date(),
        f"Hạn trả kết quả: {_format_instant(due, 'vi')} — {vi}",
        f"Result due: {_format_instant(due, 'en')} — {en}",
        basis,
    )


def _moved_steps(calendar: WorkCalendar, last: dt.date, end: dt.date) -> Iterator[ExplanationStep]:
    """Steps for a last day ``last`` that is not a working day and moves to ``end``."""
    if end == last:
        return
    yield ExplanationStep(
        StepKind.MOVED,
        last,
        f"Ngày cuối cùng của thời hạn, {format_day(last, 'vi')}, không phải ngày làm việc: "
        "thời hạn kết thúc vào ngày làm việc tiếp theo",
        f"The last day of the period, {format_day(last, 'en')}, is not a working day: the "
        "period ends on the next working day",
        BASIS_MOVE,
    )
    yield from day_steps(calendar, last, end - dt.timedelta(days=1), number_days=False)


# ---------------------------------------------------------------------- policies


def _unit(value: Any) -> TimeUnit:
    """``value`` as a :class:`TimeUnit` (accepts the enum or its string value)."""
    if type(value) is TimeUnit:
        return value
    try:
        return TimeUnit(value)
    except ValueError:
        raise InvalidInputError(
            f"unit: {value!r} is not a time unit; expected one of "
            f"{', '.join(u.value for u in TimeUnit)}",
            field="unit",
        ) from None


def _check_calendar(calendar: object) -> None:
    """Refuse anything but a :class:`WorkCalendar`, naming the ``calendar`` argument."""
    if not isinstance(calendar, WorkCalendar):
        raise _not_a_calendar(calendar)


def _not_a_calendar(calendar: object) -> InvalidInputError:
    return InvalidInputError(
        "calendar must be a WorkCalendar (e.g. civil_service_calendar()), got "
        f"{type(calendar).__name__}",
        field="calendar",
    )


class CountingPolicy(abc.ABC):
    """A named rule turning a receipt instant and a processing time into a :class:`Deadline`.

    Subclasses are immutable (attrs frozen) and set :attr:`name`, :attr:`units` and
    :attr:`basis`.
    """

    name: ClassVar[str]
    """The registry name, e.g. ``"working-days"``."""
    units: ClassVar[frozenset[TimeUnit]]
    """The units the policy accepts."""
    basis: ClassVar[str]
    """The legal basis (or precedent) of the policy."""

    @abc.abstractmethod
    def _due(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit,
    ) -> dt.datetime:
        """The due instant (``received`` is already in Vietnam local time)."""

    @abc.abstractmethod
    def explain_steps(self, deadline: Deadline) -> tuple[ExplanationStep, ...]:
        """The reasoning behind ``deadline`` (which this policy computed)."""

    @property
    def default_unit(self) -> TimeUnit:
        """The unit used when none is given."""
        return min(self.units)

    @warns_for_its_calls
    def due(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit | None = None,
    ) -> Deadline:
        """Compute the deadline of a dossier received at ``received``.

        When the count looked at a year without an official notice, the deadline is
        :attr:`~Deadline.provisional` and one
        :class:`~onestop.errors.ProvisionalCalendarWarning` is emitted (at the caller's line)
        unless the calendar's ``warn_provisional`` is off.

        Args:
            calendar: the working calendar (holidays, office hours).
            received: the aware receipt instant.
            amount: the processing time amount (``>= 0``).
            unit: the unit of ``amount``; default the policy's own unit.

        Returns:
            The deadline.

        Raises:
            InvalidInputError: a naive ``received``, a negative or non-integer ``amount``.
            DeadlineError: a unit the policy does not count in.
            CalendarDataMissingError: a year the calendar has no data for.
        """
        if not isinstance(calendar, WorkCalendar):  # inline: due() is the hot path
            raise _not_a_calendar(calendar)
        local = to_vn(received, field="received")
        if type(amount) is not int or amount < 0:
            raise InvalidInputError(
                f"amount must be a non-negative integer, got {amount!r}", field="amount"
            )
        unit = self.default_unit if unit is None else _unit(unit)
        if unit not in self.units:
            raise DeadlineError(
                f"unit: the {self.name} policy counts in "
                f"{', '.join(sorted(u.value for u in self.units))}, not {unit.value}; choose "
                "another policy or unit",
                field="unit",
            )
        if unit is TimeUnit.SAME_DAY and amount != 0:
            raise InvalidInputError(
                f"amount: a same-day deadline has amount 0 (the result is due the same working "
                f"day, or the next one after the cut-off), got {amount}",
                field="amount",
            )
        due = self._due(calendar, local, amount, unit)
        # One warning for the whole deadline, whichever calendar methods the count used (they
        # leave it to this method, see warns_for_its_calls).
        if calendar.warn_provisional:
            years = calendar.provisional_years(local.date(), due.date())
            if years:
                _warn_provisional(years)
        return Deadline(due, local, amount, unit, self.name, calendar, self)


@attrs.frozen(slots=True)
class WorkingDaysPolicy(CountingPolicy):
    """Working days, Civil Code style (the default for ``ngày làm việc``).

    The receipt day is not counted (BLDS 2015 Art. 147(2)); the result is due at the close of
    office hours on the N-th working day after the receipt day. A dossier received on a rest
    day or after hours is handled the same way: counting starts the next working day. With
    ``amount == 0`` the result is due at the close of the receipt day, or of the next working
    day when the receipt day is not one.

    Attributes:
        receipt_day_counts: count the receipt day itself when it is a working day (some sector
            rules say "kể từ ngày nhận"); default ``False``.
    """

    name: ClassVar[str] = "working-days"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.WORKING_DAYS})
    basis: ClassVar[str] = f"{BASIS_FIRST_DAY}; NĐ 61/2018/NĐ-CP Điều 17–19"
    receipt_day_counts: bool = attrs.field(default=False, kw_only=True)

    def _last_day(self, calendar: WorkCalendar, day: dt.date, amount: int) -> dt.date:
        if amount == 0:
            return calendar.roll_forward(day)
        if self.receipt_day_counts and calendar.is_working_day(day):
            return calendar.add_working_days(day, amount - 1)
        return calendar.add_working_days(day, amount)

    def _due(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit,  # noqa: ARG002 - the base class's signature
    ) -> dt.datetime:
        return calendar.closing_time(self._last_day(calendar, received.date(), amount))

    def explain_steps(self, deadline: Deadline) -> tuple[ExplanationStep, ...]:
        """The reasoning: receipt, first day excluded, each day counted or skipped, due."""
        cal, received = deadline.calendar, deadline.received
        day = received.date()
        last = deadline.due_date
        steps = [_received_step(received)]
        counts_today = self.receipt_day_counts and cal.is_working_day(day) and deadline.amount
        if counts_today:
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    day,
                    f"Ngày tiếp nhận được tính là ngày làm việc thứ 1; thời hạn "
                    f"{deadline.amount} ngày làm việc",
                    f"The receipt day counts as working day 1; the period is "
                    f"{_n(deadline.amount, 'working day')}",
                    "quy định chuyên ngành",
                )
            )
            steps.extend(day_steps(cal, day + dt.timedelta(days=1), last, counted_before=1))
        elif deadline.amount == 0:
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    day,
                    "Thời hạn 0 ngày làm việc: trả kết quả trong ngày làm việc tiếp nhận",
                    "A period of 0 working days: the result is due on the working day of receipt",
                )
            )
            if last != day:
                steps.extend(day_steps(cal, day, last, number_days=False))
        else:
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    day,
                    f"Ngày tiếp nhận không được tính; đếm {deadline.amount} ngày làm việc từ "
                    "ngày hôm sau",
                    f"The receipt day is not counted; {_n(deadline.amount, 'working day')} "
                    f"{'is' if deadline.amount == 1 else 'are'} counted from the next day",
                    BASIS_FIRST_DAY,
                )
            )
            steps.extend(day_steps(cal, day + dt.timedelta(days=1), last))
        steps.append(
            _due_step(
                deadline.due,
                f"hết giờ làm việc của ngày làm việc thứ {deadline.amount}"
                if deadline.amount
                else "hết giờ làm việc",
                f"close of office hours on working day {deadline.amount}"
                if deadline.amount
                else "close of office hours",
            )
        )
        return tuple(steps)


@attrs.frozen(slots=True)
class WorkingHoursPolicy(CountingPolicy):
    """Working time counted from the receipt instant, inside office hours.

    For ``working_days`` an amount of N days is converted to N × the hours of a working day
    (8 hours under the usual timetable; set :attr:`hours_per_day` to fix it), then counted like
    ``working_hours``: only time inside office hours of working days counts, and a dossier
    received outside office hours starts counting at the next opening. This is how deployed
    provincial one-stop systems count (precedent, not law: the Thanh Hóa system stores time in
    hours, 8 h = 1 working day, received after closing → next morning; ``domain/rules.md``
    §1.3). The due instant is the earliest instant at which the time has elapsed.

    Attributes:
        hours_per_day: hours per working day for the conversion; default the office hours in
            force on the receipt day.
    """

    name: ClassVar[str] = "working-hours"
    units: ClassVar[frozenset[TimeUnit]] = frozenset(
        {TimeUnit.WORKING_HOURS, TimeUnit.WORKING_DAYS}
    )
    basis: ClassVar[str] = BASIS_HOURS
    hours_per_day: int | None = attrs.field(default=None, kw_only=True)

    def __attrs_post_init__(self) -> None:
        value: object = self.hours_per_day
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 24
        ):
            raise InvalidInputError(
                f"hours_per_day must be an integer between 1 and 24, got {self.hours_per_day!r}",
                field="hours_per_day",
            )

    @property
    def default_unit(self) -> TimeUnit:
        """``working_hours``."""
        return TimeUnit.WORKING_HOURS

    def _minutes(self, calendar: WorkCalendar, day: dt.date, amount: int, unit: TimeUnit) -> int:
        if unit is TimeUnit.WORKING_HOURS:
            return amount * 60
        per_day = (
            self.hours_per_day * 60
            if self.hours_per_day is not None
            else calendar.hours_on(day).minutes
        )
        return amount * per_day

    def _due(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit,
    ) -> dt.datetime:
        minutes = self._minutes(calendar, received.date(), amount, unit)
        return calendar.add_working_time(received, minutes)

    def explain_steps(self, deadline: Deadline) -> tuple[ExplanationStep, ...]:
        """The reasoning: receipt, start of counting, conversion, days counted or skipped, due."""
        cal, received = deadline.calendar, deadline.received
        minutes = self._minutes(cal, received.date(), deadline.amount, deadline.unit)
        hours = f"{minutes // 60}" + (f":{minutes % 60:02d}" if minutes % 60 else "")
        steps = [_received_step(received)]
        if deadline.unit is TimeUnit.WORKING_DAYS:
            per_day = minutes // deadline.amount // 60 if deadline.amount else 0
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    received.date(),
                    f"{deadline.amount} ngày làm việc × {per_day} giờ = {hours} giờ làm việc",
                    f"{_n(deadline.amount, 'working day')} × {_n(per_day, 'hour')} = "
                    f"{_n(hours, 'working hour')}",
                    BASIS_HOURS,
                    basis_en=BASIS_HOURS_EN,
                )
            )
        start = cal.next_working_instant(received)
        if start != received:
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    received.date(),
                    f"Tiếp nhận ngoài giờ làm việc: bắt đầu tính từ {_format_instant(start, 'vi')}",
                    f"Received outside office hours: counting starts at "
                    f"{_format_instant(start, 'en')}",
                    BASIS_HOURS,
                    basis_en=BASIS_HOURS_EN,
                )
            )
            if start.date() != received.date():
                steps.extend(
                    day_steps(
                        cal,
                        received.date() + dt.timedelta(days=1),
                        start.date() - dt.timedelta(days=1),
                        number_days=False,
                    )
                )
        steps.extend(day_steps(cal, start.date(), deadline.due_date, number_days=False))
        steps.append(
            _due_step(
                deadline.due,
                f"đủ {hours} giờ làm việc ({cal.hours_on(deadline.due_date)})",
                f"{_n(hours, 'working hour')} elapsed (office hours "
                f"{cal.hours_on(deadline.due_date)})",
            )
        )
        return tuple(steps)


@attrs.frozen(slots=True)
class SameDayPolicy(CountingPolicy):
    """Within the day, with a cut-off hour (trong ngày; sau 15 giờ thì ngày làm việc tiếp theo).

    A dossier received on a working day up to :attr:`cutoff` (and before closing) is due at the
    close of office hours that day; one received after the cut-off ("sau 15 giờ": 15:00:00
    itself is not after 15:00), at or after closing, or on a non-working day is due at the
    close of the next working day. This is a sector rule: Luật Hộ tịch 2014 Art. 5(3) (civil
    status), NĐ 23/2015/NĐ-CP Art. 7 (certification), NĐ 99/2022/NĐ-CP Art. 16(1)
    (registration of security interests).

    Attributes:
        cutoff: local wall-clock cut-off (default 15:00); ``None`` for no cut-off (only the
            close of office hours matters).
    """

    name: ClassVar[str] = "same-day"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.SAME_DAY})
    basis: ClassVar[str] = BASIS_SAME_DAY
    cutoff: dt.time | None = attrs.field(default=SAME_DAY_CUTOFF, kw_only=True)

    def __attrs_post_init__(self) -> None:
        if self.cutoff is not None and (
            type(self.cutoff) is not dt.time or self.cutoff.tzinfo is not None
        ):
            raise InvalidInputError(
                "cutoff must be a local wall-clock datetime.time without tzinfo, e.g. 15:00",
                field="cutoff",
            )

    def _in_time(self, calendar: WorkCalendar, received: dt.datetime) -> bool:
        day = received.date()
        if not calendar.is_working_day(day):
            return False
        t = received.time()
        if self.cutoff is not None and t > self.cutoff:
            return False
        return t < calendar.hours_on(day).closing

    def _due(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,  # noqa: ARG002 - the base class's signature
        unit: TimeUnit,  # noqa: ARG002 - the base class's signature
    ) -> dt.datetime:
        day = received.date()
        if self._in_time(calendar, received):
            return calendar.closing_time(day)
        return calendar.closing_time(calendar.add_working_days(day, 1))

    def explain_steps(self, deadline: Deadline) -> tuple[ExplanationStep, ...]:
        """The reasoning: receipt, cut-off check, days skipped, due."""
        cal, received = deadline.calendar, deadline.received
        day = received.date()
        cut = f"{self.cutoff:%H:%M}" if self.cutoff is not None else None
        steps = [_received_step(received)]
        if self._in_time(cal, received):
            vi = (
                f"Nhận không muộn hơn {cut}: trả kết quả trong ngày"
                if cut
                else "Trả kết quả trong ngày"
            )
            en = f"Received by {cut}: result due the same day" if cut else "Due the same day"
            steps.append(ExplanationStep(StepKind.RULE, day, vi, en, BASIS_SAME_DAY))
            steps.append(_due_step(deadline.due, "hết giờ làm việc", "close of office hours"))
            return tuple(steps)
        if not cal.is_working_day(day):
            vi = "Nhận vào ngày không làm việc: trả kết quả trong ngày làm việc tiếp theo"
            en = "Received on a non-working day: result due on the next working day"
        elif self.cutoff is not None and received.time() > self.cutoff:
            vi = f"Nhận sau {cut}: trả kết quả trong ngày làm việc tiếp theo"
            en = f"Received after {cut}: result due on the next working day"
        else:
            vi = "Nhận sau giờ làm việc: trả kết quả trong ngày làm việc tiếp theo"
            en = "Received after office hours: result due on the next working day"
        steps.append(ExplanationStep(StepKind.RULE, day, vi, en, BASIS_SAME_DAY))
        steps.extend(
            day_steps(cal, day + dt.timedelta(days=1), deadline.due_date, number_days=False)
        )
        steps.append(_due_step(deadline.due, "hết giờ làm việc", "close of office hours"))
        return tuple(steps)


def _end_instant(
    calendar: WorkCalendar, day: dt.date, day_end: Literal["close", "midnight"]
) -> dt.datetime:
    if day_end == "close":
        return calendar.closing_time(day)
    return dt.datetime.combine(day, dt.time(23, 59, 59, 999_999), VN_TZ)


def _check_day_end(_inst: object, _attr: object, value: object) -> None:
    if value not in ("close", "midnight"):
        raise InvalidInputError("day_end must be 'close' or 'midnight'", field="day_end")


@attrs.frozen(slots=True)
class _PeriodPolicy(CountingPolicy):
    """A Civil Code period (days or months) whose last day is found by the calendar."""

    day_end: Literal["close", "midnight"] = attrs.field(
        default="close", kw_only=True, validator=_check_day_end
    )

    @abc.abstractmethod
    def _last_day(self, calendar: WorkCalendar, day: dt.date, amount: int) -> dt.date:
        """The last day of the period starting after ``day`` (moved by Art. 148(5))."""

    def _due(
        self,
        calendar: WorkCalendar,
        received: dt.datetime,
        amount: int,
        unit: TimeUnit,  # noqa: ARG002 - the base class's signature
    ) -> dt.datetime:
        return _end_instant(
            calendar, self._last_day(calendar, received.date(), amount), self.day_end
        )

    @abc.abstractmethod
    def _rule_step(self, deadline: Deadline) -> tuple[ExplanationStep, dt.date]:
        """The step that states the period's arithmetic, and its last day before any move."""

    def explain_steps(self, deadline: Deadline) -> tuple[ExplanationStep, ...]:
        """The reasoning: receipt, the period's arithmetic, a move if any, due."""
        rule, last = self._rule_step(deadline)
        return (
            _received_step(deadline.received),
            rule,
            *_moved_steps(deadline.calendar, last, deadline.due_date),
            _due_step(deadline.due, "kết thúc thời hạn", "end of the period"),
        )


@attrs.frozen(slots=True)
class CalendarDaysPolicy(_PeriodPolicy):
    """Calendar days (ngày), Civil Code 2015 Arts. 147–148.

    The receipt day is not counted (Art. 147(2)); the period ends on receipt day + N
    (Art. 148(1)); when that day is a weekly rest day or a day off, the period ends on the next
    working day (Art. 148(5)).

    Attributes:
        day_end: ``"close"`` (default) puts the due instant at the close of office hours of the
            last day, as appointment slips do; ``"midnight"`` at the end of the day (24:00,
            Art. 148(6), given as 23:59:59.999999).
    """

    name: ClassVar[str] = "calendar-days"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.CALENDAR_DAYS})
    basis: ClassVar[str] = f"{BASIS_FIRST_DAY}; BLDS 2015 Điều 148 khoản 1, 5"

    def _last_day(self, calendar: WorkCalendar, day: dt.date, amount: int) -> dt.date:
        return calendar.add_calendar_days(day, amount)

    def _rule_step(self, deadline: Deadline) -> tuple[ExplanationStep, dt.date]:
        day = deadline.received.date()
        last = day + dt.timedelta(days=deadline.amount)
        step = ExplanationStep(
            StepKind.RULE,
            day,
            f"Ngày tiếp nhận không được tính; {deadline.amount} ngày kết thúc vào "
            f"{format_day(last, 'vi')}",
            f"The receipt day is not counted; {_n(deadline.amount, 'day')} "
            f"{'ends' if deadline.amount == 1 else 'end'} on "
            f"{format_day(last, 'en')}",
            f"{BASIS_FIRST_DAY}; {BASIS_DAY_END}",
        )
        return step, last


@attrs.frozen(slots=True)
class MonthsPolicy(_PeriodPolicy):
    """Months (tháng), Civil Code 2015 Arts. 147–148.

    The period ends on the same day-number of the N-th month after receipt, or that month's
    last day when the day-number does not exist (Art. 148(3)); a last day that is a rest day or
    day off moves to the next working day (Art. 148(5)).

    Attributes:
        day_end: ``"close"`` (default) or ``"midnight"``, as for :class:`CalendarDaysPolicy`.
    """

    name: ClassVar[str] = "months"
    units: ClassVar[frozenset[TimeUnit]] = frozenset({TimeUnit.MONTHS})
    basis: ClassVar[str] = f"{BASIS_MONTH_END}; {BASIS_MOVE}"

    def _last_day(self, calendar: WorkCalendar, day: dt.date, amount: int) -> dt.date:
        return calendar.add_months(day, amount)

    def _rule_step(self, deadline: Deadline) -> tuple[ExplanationStep, dt.date]:
        from dateutil.relativedelta import relativedelta

        day = deadline.received.date()
        last = day + relativedelta(months=deadline.amount)
        clamp_vi = (
            " (tháng đó không có ngày tương ứng: ngày cuối tháng)" if last.day != day.day else ""
        )
        clamp_en = " (that month has no such day: its last day)" if last.day != day.day else ""
        step = ExplanationStep(
            StepKind.RULE,
            day,
            f"{deadline.amount} tháng kết thúc vào {format_day(last, 'vi')}{clamp_vi}",
            f"{_n(deadline.amount, 'month')} "
            f"{'ends' if deadline.amount == 1 else 'end'} on "
            f"{format_day(last, 'en')}{clamp_en}",
            f"{BASIS_FIRST_DAY}; {BASIS_MONTH_END}",
        )
        return step, last


#: The default instance of each policy, by name.
POLICIES: Mapping[str, CountingPolicy] = MappingProxyType(
    {
        p.name: p
        for p in (
            WorkingDaysPolicy(),
            WorkingHoursPolicy(),
            SameDayPolicy(),
            CalendarDaysPolicy(),
            MonthsPolicy(),
        )
    }
)


def policy_by_name(name: str) -> CountingPolicy:
    """The default policy registered under ``name`` (e.g. ``"working-days"``).

    Underscores are accepted for hyphens (``"working_days"``).

    Raises:
        InvalidInputError: an unknown name (the message lists the known ones).
    """
    policy = POLICIES.get(str(name).strip().lower().replace("_", "-"))
    if policy is None:
        raise InvalidInputError(
            f"policy: unknown counting policy {name!r}; expected one of "
            f"{', '.join(sorted(POLICIES))}",
            field="policy",
        )
    return policy


_DEFAULT_BY_UNIT: dict[TimeUnit, str] = {
    TimeUnit.WORKING_DAYS: "working-days",
    TimeUnit.WORKING_HOURS: "working-hours",
    TimeUnit.CALENDAR_DAYS: "calendar-days",
    TimeUnit.MONTHS: "months",
    TimeUnit.SAME_DAY: "same-day",
}


def policy_for(processing_time: ProcessingTime) -> CountingPolicy:
    """The policy that counts a published processing time by default.

    ``working_days`` → :class:`WorkingDaysPolicy`; ``working_hours`` →
    :class:`WorkingHoursPolicy`; ``calendar_days`` → :class:`CalendarDaysPolicy`; ``months`` →
    :class:`MonthsPolicy`; ``same_day`` → :class:`SameDayPolicy` with the processing time's own
    cut-off (``None`` = no cut-off).
    """
    unit = processing_time.unit
    if unit is TimeUnit.SAME_DAY:
        return SameDayPolicy(cutoff=processing_time.cutoff)
    return POLICIES[_DEFAULT_BY_UNIT[unit]]


def compute_due(
    calendar: WorkCalendar,
    received: dt.datetime,
    processing_time: ProcessingTime,
    *,
    policy: CountingPolicy | str | None = None,
) -> Deadline:
    """The deadline of a dossier received at ``received`` with a published processing time.

    Args:
        calendar: the working calendar.
        received: the aware receipt instant.
        processing_time: the procedure's processing time for the dossier's channel.
        policy: a policy object or registry name; default :func:`policy_for`.

    Returns:
        The deadline.
    """
    if not isinstance(processing_time, ProcessingTime):
        raise InvalidInputError(
            "processing_time must be a ProcessingTime such as ProcessingTime.working_days(5), "
            f"got {type(processing_time).__name__}",
            field="processing_time",
        )
    return _resolve_policy(policy, processing_time).due(
        calendar, received, processing_time.amount, processing_time.unit
    )


def _resolve_policy(
    policy: CountingPolicy | str | None, processing_time: ProcessingTime
) -> CountingPolicy:
    """The policy object meant by ``policy`` (object, registry name, or ``None`` = default).

    Raises:
        InvalidInputError: an unknown name, or a value that is not a policy.
    """
    if policy is None:
        return policy_for(processing_time)
    if isinstance(policy, str):
        return policy_by_name(policy)
    if isinstance(policy, CountingPolicy):
        return policy
    raise InvalidInputError(
        f"policy must be a CountingPolicy or a policy name such as 'working-days', got "
        f"{type(policy).__name__}",
        field="policy",
    )
