"""Why a deadline is what it is: one explanation model, rendered once per language.

Every computed :class:`~onestop.deadlines.Deadline` and every
:class:`~onestop.deadlines.DossierClock` can explain itself step by step. The explanation is
data first:

* an :class:`ExplanationStep` holds a :class:`StepKind` (received, rule, counted, skipped...),
  a :class:`Topic` that says precisely which rule or situation it records, the structured values
  (dates, instants, counts), what it counts towards the processing time, and its legal basis as
  :class:`Citation` objects;
* the steps of a deadline are built from the small :class:`Trace` the calculation recorded (the
  rule it applied, where counting started, the period's nominal last day...), never by running
  the arithmetic a second time, and only when an explanation is asked for: counting stays cheap;
* one :class:`Renderer` per language turns steps into sentences, through the one formatter of
  that language (dates, instants, amounts, unit words), for policies and clocks alike.

Citations come from a :class:`RuleSet` (:mod:`onestop.deadlines.rules`, whose names this
module re-exports): each :class:`Rule` the engine applies (the first day
of a period is not counted, a supplement restarts the clock, a liên thông step has its share...)
is cited by the rule set in force at the dossier's receipt (:func:`rules_for`), or by the one
the caller chose (``rules=``). The legal texts change with the era: :data:`RULES_61_2018`
(NĐ 61/2018/NĐ-CP as amended by NĐ 107/2021/NĐ-CP) for dossiers received before 1 July 2025,
:data:`RULES_118_2025` (NĐ 118/2025/NĐ-CP) from then on; every explanation starts with the
text that governs and why (:func:`governing_step`).

Example:
    >>> import datetime as dt
    >>> from onestop.deadlines import compute_due
    >>> from onestop.models import ProcessingTime
    >>> from onestop.tz import VN_TZ
    >>> d = compute_due(dt.datetime(2026, 3, 2, 10, tzinfo=VN_TZ), ProcessingTime.working_days(3))
    >>> print(d.explain("en"))
    1. Governing text: NĐ 118/2025/NĐ-CP — the dossier was received on Monday 02/03/2026, when NĐ 118/2025/NĐ-CP was in force (since Tuesday 01/07/2025) (NĐ 118/2025/NĐ-CP Điều 40 khoản 1)
    2. Dossier received at 10:00 Monday 02/03/2026
    3. The receipt day is not counted; 3 working days are counted from the next day (BLDS 2015 Điều 147 khoản 2)
    4. Tuesday 03/03/2026 – Thursday 05/03/2026: working days 1–3
    5. Result due: 17:00 Thursday 05/03/2026 — close of office hours on working day 3
"""  # noqa: E501

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import StrEnum
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from onestop.deadlines._text import LANGS, Formatter, Lang, check_lang, formatter
from onestop.deadlines._types import Holiday, WorkingTime
from onestop.deadlines.calendar import DayInfo, DayKind, WorkCalendar
from onestop.deadlines.rules import (
    ERAS,
    RULE_SETS,
    RULES_61_2018,
    RULES_118_2025,
    Citation,
    Rule,
    RuleSet,
    resolve_rules,
    rules_by_name,
    rules_for,
)
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

__all__ = [
    "ERAS",
    "RULES_61_2018",
    "RULES_118_2025",
    "RULE_SETS",
    "Citation",
    "Count",
    "Explanation",
    "ExplanationStep",
    "FlagCode",
    "Renderer",
    "Rule",
    "RuleSet",
    "StepKind",
    "Topic",
    "Trace",
    "count_explanation",
    "day_steps",
    "governing_step",
    "renderer",
    "resolve_rules",
    "rules_by_name",
    "rules_for",
]


# ---------------------------------------------------------------------------- the governing text


def _frozen_mapping(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


def governing_step(received_at: dt.datetime, rules: RuleSet | None = None) -> ExplanationStep:
    """The step saying which text governs a dossier received at ``received_at``, and why.

    The rule set in force at the receipt (:func:`rules_for`), or the one the caller chose
    (``rules``, when it is not that one). Its basis is the provision that sets the era's
    boundary (NĐ 118/2025/NĐ-CP Art. 40(1): in force from 1 July 2025, when NĐ 61/2018/NĐ-CP
    and NĐ 107/2021/NĐ-CP lapse).

    Args:
        received_at: the aware receipt instant.
        rules: the rule set the caller chose, if any.
    """
    by_date = rules_for(received_at)
    governing = by_date if rules is None else rules
    day = received_at.astimezone(VN_TZ).date()
    values: dict[str, Any] = {
        "era": governing.era,
        "name": governing.name,
        "amended_by": governing.amended_by,
        "received_on": day,
        "since": governing.effective_from,
        "next_name": None,
        "next_from": None,
        "by_date": None,
    }
    if governing is not by_date:
        values |= {"reason": "chosen", "by_date": by_date.name}
    elif governing.effective_from is not None and day < governing.effective_from:
        values["reason"] = "before_first"
    else:
        later = ERAS[ERAS.index(governing) + 1 :]
        if later:
            values |= {
                "reason": "before_next",
                "next_name": later[0].name,
                "next_from": later[0].effective_from,
            }
        else:
            values["reason"] = "in_force"
    # before the first era's text took effect, the provision setting the boundaries is moot
    basis = (
        ()
        if values["reason"] == "before_first"
        else governing.citations.get(Rule.GOVERNING_TEXT, ())
    )
    return ExplanationStep(
        StepKind.GOVERNING_TEXT, Topic.GOVERNING_TEXT, day, values=values, basis=basis
    )


def _holiday_citations(holiday: Holiday | None, fallback: str = "") -> tuple[Citation, ...]:
    """The notice (or statute) of a calendar entry as a citation."""
    text = holiday.basis if holiday is not None else fallback
    if not text:
        return ()
    return (Citation(text, url=holiday.source_url if holiday is not None else None),)


# ---------------------------------------------------------------------------- steps


class StepKind(StrEnum):
    """What sort of step: the coarse classification (stable values, used in JSON)."""

    GOVERNING_TEXT = "governing_text"
    """Which legal text governs the dossier, and why (the first step)."""
    RECEIVED = "received"
    """The receipt instant."""
    RULE = "rule"
    """The counting rule applied (first day excluded, cut-off, conversion to hours...)."""
    COUNTED = "counted"
    """Working days (or office time) counted towards the period."""
    SKIPPED = "skipped"
    """Days not counted (weekly rest, holiday, day off)."""
    MAKE_UP = "make_up"
    """A weekly rest day that is a make-up working day (or another entry making a day worked)."""
    MOVED = "moved"
    """The last day was not a working day and the end moved to the next working day."""
    PROVISIONAL = "provisional"
    """The due date is provisional (dự kiến): a year counted has no official notice yet."""
    DUE = "due"
    """The resulting due instant."""
    RECEIPT = "receipt"
    """A dossier clock: the complete dossier received, its processing time and first due date."""
    SUPPLEMENT = "supplement"
    """A dossier clock: a supplement request and what it did to the due date."""
    EXTENSION = "extension"
    """A dossier clock: the one extension."""
    LIEN_THONG = "lien_thong"
    """A dossier clock: a liên thông step and its own due date."""
    FLAG = "flag"
    """A dossier clock: something an officer should look at."""
    RESULT = "result"
    """A dossier clock: the result and its timeliness."""


class Topic(StrEnum):
    """Which rule or situation a step records (the precise sentence it renders to).

    The ``values`` each topic carries are listed with it.
    """

    GOVERNING_TEXT = "governing_text"
    """The text that governs (``era``, ``name``, ``amended_by``) and why (``reason``:
    ``in_force`` since ``since``; ``before_next``, received before ``next_name`` took effect
    on ``next_from``; ``before_first``, received before the first text took effect on
    ``since``; ``chosen`` by the caller, the receipt date pointing to ``by_date``), for a
    dossier received on ``received_on``."""
    RECEIVED = "received"
    """The receipt (``at``)."""
    FIRST_DAY_EXCLUDED = "first_day_excluded"
    """The receipt day is not counted; ``amount`` working days from the next day."""
    RECEIPT_DAY_COUNTS = "receipt_day_counts"
    """The receipt day counts as working day 1 of ``amount`` (counts 1)."""
    ZERO_PERIOD = "zero_period"
    """A period of 0 working days: due on the working day of receipt."""
    HOURS_PER_DAY = "hours_per_day"
    """``amount`` working days × ``per_day`` minutes = ``minutes`` of office time."""
    OUTSIDE_HOURS = "outside_hours"
    """Received outside office hours: counting starts at ``at``."""
    SAME_DAY_IN_TIME = "same_day_in_time"
    """Received by the ``cutoff`` (or with none): due the same day."""
    SAME_DAY_NON_WORKING_DAY = "same_day_non_working_day"
    """Received on a non-working day: due on the next working day."""
    SAME_DAY_AFTER_CUTOFF = "same_day_after_cutoff"
    """Received after the ``cutoff``: due on the next working day."""
    SAME_DAY_AFTER_HOURS = "same_day_after_hours"
    """Received after office hours: due on the next working day."""
    CALENDAR_PERIOD = "calendar_period"
    """``amount`` calendar days from the day after receipt end on ``last`` (counts them)."""
    MONTH_PERIOD = "month_period"
    """``amount`` months end on ``last`` (``clamped``: the month's last day) (counts them)."""
    WORKING_DAYS = "working_days"
    """A run of working days, numbered ``first_number`` – ``last_number`` when counted."""
    WORKING_TIME = "working_time"
    """A run of working days whose office time counts (``counted_time``)."""
    WEEKLY_REST = "weekly_rest"
    """A run of weekly rest days."""
    HOLIDAY = "holiday"
    """A day off by a calendar entry (``holiday``)."""
    DAY_OFF = "day_off"
    """A day off without a recorded entry."""
    MAKE_UP_DAY = "make_up_day"
    """A weekly rest day worked under a notice (``holiday``); ``number`` when numbered."""
    WORKING_DAY_ENTRY = "working_day_entry"
    """A working day with a calendar entry of its own (``holiday``); ``number`` when numbered."""
    MOVED = "moved"
    """The period's last day ``date`` is not a working day: it ends on the next one."""
    PROVISIONAL = "provisional"
    """The ``years`` without an official notice."""
    DUE_CLOSE_OF_DAY_N = "due_close_of_day_n"
    """Due at the close of office hours of working day ``amount``."""
    DUE_CLOSE_OF_DAY = "due_close_of_day"
    """Due at the close of office hours."""
    DUE_HOURS_ELAPSED = "due_hours_elapsed"
    """Due when ``minutes`` of office time have elapsed (``office_hours`` that day)."""
    DUE_END_OF_PERIOD = "due_end_of_period"
    """Due at the end of the period."""
    CLOCK_RECEIPT = "clock_receipt"
    """The complete dossier received; ``processing_time``; first due ``due_at``."""
    SUPPLEMENT_AWAITED = "supplement_awaited"
    """Supplement request ``number`` at ``at``, not answered: the clock is stopped."""
    SUPPLEMENT_RESTART = "supplement_restart"
    """Request ``number`` at ``at``; counted again: ``processing_time`` from ``resubmitted_at``;
    new due ``due_at`` (was ``due_before``)."""
    SUPPLEMENT_PAUSE = "supplement_pause"
    """Request ``number`` at ``at`` until ``resubmitted_at``; ``paused`` (a count or office
    time) added to the deadline counted from receipt: new due ``due_at`` (was ``due_before``)."""
    EXTENSION = "extension"
    """Re-appointed from ``due_before`` to ``due_at``; apology letter ``apology_at`` (``None``:
    not recorded), at the latest on ``latest``."""
    LIEN_THONG = "lien_thong"
    """The step at ``agency``: ``share`` (``None``: its own time limit) from ``at``, due
    ``due_at``."""
    RESULT = "result"
    """Result ready ``at``; ``timeliness`` against ``due_date``; with an extension, also
    ``extended`` against ``new_due_date``."""


class FlagCode(StrEnum):
    """Stable codes of the things a dossier clock flags (not errors: the dossier is valid).

    Each flag cites the article of the era that governs the dossier (:func:`rules_for`); the
    articles below are NĐ 61/2018/NĐ-CP's (dossiers received before 1 July 2025) and NĐ
    118/2025/NĐ-CP's (from then on).
    """

    LATE_ONLINE_ACCEPTANCE = "late_online_acceptance"
    """An online dossier accepted, or sent back for completion, later than the era's working
    hours after its submission (NĐ 118/2025 Art. 17(2)(c): 8 working hours; no such limit in
    NĐ 61/2018). ``values``: ``submitted_at``, ``answered_at``, ``limit_at``, ``hours``,
    ``elapsed``."""
    LATE_SUPPLEMENT_REQUEST = "late_supplement_request"
    """A supplement requested later than the window after receipt, or after the previous
    resubmission (3 working days: NĐ 61/2018 Art. 19(4), NĐ 118/2025 Art. 19(5))."""
    REPEATED_SUPPLEMENT_REQUEST = "repeated_supplement_request"
    """More than one supplement request (NĐ 61/2018 Art. 17(1) "một lần"; NĐ 118/2025 Arts.
    11(2)(c), 16(3), 17(2)(a); overdue under Decision 766)."""
    SUPPLEMENT_PENDING = "supplement_pending"
    """A supplement request has not been answered: the clock is stopped."""
    SUPPLEMENT_EXPIRED = "supplement_expired"
    """A supplement request still unanswered after the era's period (NĐ 118/2025 Art. 19(5):
    15 days after the notice, calendar days by default): the One-Stop office should close the
    dossier (đóng hồ sơ). ``values``: ``number``, ``requested_on``, ``days``, ``unit``,
    ``last_day`` (the period's last day), ``at``."""
    LATE_APOLOGY = "late_apology"
    """The apology letter was issued later than one working day before the due date (NĐ
    61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6))."""
    MISSING_APOLOGY = "missing_apology"
    """An extension without the date of its apology letter."""
    EXTENSION_NOT_LATER = "extension_not_later"
    """A recorded extension whose new date is not after the due date computed here."""
    REPEATED_EXTENSION = "repeated_extension"
    """The result date was re-appointed more than once (NĐ 61/2018 Art. 19(9), NĐ 118/2025
    Art. 19(6): "không quá một lần"). ``values``: ``count``."""
    STEP_OVER_SHARE = "step_over_share"
    """A liên thông step finished (or is still running) after its own share of the time."""
    OVERDUE = "overdue"
    """The dossier is unfinished and past its due instant."""


@attrs.frozen(slots=True)
class ExplanationStep:
    """One step of an explanation: structured values, rendered per language on demand.

    Attributes:
        kind: the sort of step.
        topic: the precise rule or situation (a :class:`Topic`, or a :class:`FlagCode`).
        date: the (first) local date the step is about, when it is about days.
        last_date: the last date of a run of days (``None`` for a single day).
        at: the instant the step is about (receipt, counting start, due...).
        counted: what the step counts towards the processing time, in ``counted_unit``
            (working days, calendar days, months); ``0`` when it counts nothing.
        counted_unit: the unit of ``counted``; ``None`` when the step counts days of no unit.
        counted_time: office time the step counts (working-time counts), else ``None``.
        values: the other values of the topic (see :class:`Topic`).
        basis: the rule, notice or statute behind the step.
        detail: a nested explanation (the date arithmetic of a deadline a clock step counted).
    """

    kind: StepKind
    topic: Topic | FlagCode
    date: dt.date | None = None
    last_date: dt.date | None = None
    at: dt.datetime | None = None
    counted: int = 0
    counted_unit: TimeUnit | None = None
    counted_time: WorkingTime | None = None
    values: Mapping[str, Any] = attrs.field(factory=dict, converter=_frozen_mapping)
    basis: tuple[Citation, ...] = ()
    detail: Explanation | None = None

    def text(self, lang: Lang = "vi") -> str:
        """The step as one sentence in ``lang``, its basis in brackets."""
        return renderer(lang).step(self)

    def citations(self) -> tuple[Citation, ...]:
        """Every text the step relies on: its basis, then its calendar entry's notice or statute.

        The entry's citation is added when it is not already in :attr:`basis`: a make-up
        working day names its notice in its sentence rather than in brackets.
        """
        holiday = self.values.get("holiday")
        extra = _holiday_citations(holiday) if isinstance(holiday, Holiday) else ()
        return self.basis + tuple(c for c in extra if c not in self.basis)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form with stable keys.

        ``kind``, ``topic``, ``date``, ``last_date``, ``at`` (ISO 8601), ``counted``
        (``{"amount", "unit"}`` or ``None``), ``counted_minutes`` (office time, or ``None``),
        ``values``, ``basis`` (citations), ``vi``, ``en`` (the sentence) and ``detail`` (the
        nested steps, or ``None``).
        """
        return {
            "kind": self.kind.value,
            "topic": self.topic.value,
            "date": None if self.date is None else self.date.isoformat(),
            "last_date": None if self.last_date is None else self.last_date.isoformat(),
            "at": None if self.at is None else self.at.isoformat(),
            "counted": (
                None
                if self.counted_unit is None
                else {"amount": self.counted, "unit": self.counted_unit.value}
            ),
            "counted_minutes": (
                None if self.counted_time is None else self.counted_time.total_minutes()
            ),
            "values": {k: _json_value(v) for k, v in self.values.items()},
            "basis": [c.to_dict() for c in self.basis],
            **{lang: self.text(lang) for lang in LANGS},
            "detail": None if self.detail is None else self.detail.to_dict()["steps"],
        }


def _json_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, WorkingTime):
        return value.total_minutes()
    if isinstance(value, ProcessingTime):
        return value.model_dump(mode="json")
    if isinstance(value, Holiday):
        return {"date": value.date.isoformat(), "name_vi": value.name_vi, "name_en": value.name_en}
    if isinstance(value, StrEnum):
        return value.value
    if isinstance(value, tuple):
        return [_json_value(v) for v in value]
    return value


@attrs.frozen(slots=True)
class Explanation:
    """The steps of a deadline's (or a clock's) reasoning, in order.

    Attributes:
        steps: the steps.
    """

    steps: tuple[ExplanationStep, ...]

    def __iter__(self) -> Iterator[ExplanationStep]:
        return iter(self.steps)

    def __len__(self) -> int:
        return len(self.steps)

    def __getitem__(self, index: int) -> ExplanationStep:
        return self.steps[index]

    def text(self, lang: Lang = "vi") -> str:
        """Numbered lines in ``lang``; a step's nested detail indented under it.

        Raises:
            InvalidInputError: ``lang`` is not ``"vi"`` or ``"en"``.
        """
        return renderer(lang).text(self)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``vi`` and ``en`` (the numbered text) and ``steps``."""
        return {
            **{lang: self.text(lang) for lang in LANGS},
            "steps": [s.to_dict() for s in self.steps],
        }

    def citations(self) -> tuple[Citation, ...]:
        """Every text the reasoning relies on, nested details included, each once.

        In the order they are first cited (:meth:`ExplanationStep.citations`).
        """
        seen: dict[Citation, None] = {}
        stack = list(reversed(self.steps))
        while stack:
            step = stack.pop()
            for citation in step.citations():
                seen.setdefault(citation, None)
            if step.detail is not None:
                stack.extend(reversed(step.detail.steps))
        return tuple(seen)


# ---------------------------------------------------------------------------- renderers


class Renderer(abc.ABC):
    """Turns steps into sentences in one language (one renderer per language).

    Every value goes through the language's one formatter (:attr:`fmt`): dates, instants,
    amounts, unit words and durations are written the same way in every step of every
    explanation, whether a policy or a dossier clock built it.

    Attributes:
        fmt: the formatter of the language.
    """

    fmt: Formatter

    def __init__(self, fmt: Formatter) -> None:
        self.fmt = fmt
        topics: dict[str, Callable[[ExplanationStep], str]] = {}
        for topic in (*Topic, *FlagCode):
            topics[topic.value] = getattr(self, f"_{topic.value}")
        self._topics = MappingProxyType(topics)

    def citation(self, citation: Citation) -> str:
        """A citation in this language."""
        return citation.text(self.fmt.lang)

    def basis(self, citations: Sequence[Citation]) -> str:
        """Citations joined with ``"; "``."""
        return "; ".join(self.citation(c) for c in citations)

    def step(self, step: ExplanationStep) -> str:
        """The step's sentence, its basis in brackets."""
        body = self._topics[step.topic.value](step)
        basis = self.basis(step.basis)
        return f"{body} ({basis})" if basis else body

    def flag(self, code: FlagCode, values: Mapping[str, Any]) -> str:
        """The message of a clock flag (the same sentence as its explanation step)."""
        return self._topics[code.value](ExplanationStep(StepKind.FLAG, code, values=values))

    def text(self, explanation: Explanation) -> str:
        """Numbered lines; nested details indented by three spaces."""
        lines: list[str] = []
        for n, step in enumerate(explanation.steps, start=1):
            lines.append(f"{n}. {self.step(step)}")
            if step.detail is not None:
                lines.extend(f"   {line}" for line in self.text(step.detail).splitlines())
        return "\n".join(lines)

    def _at(self, step: ExplanationStep) -> str:
        """The instant of a step."""
        assert step.at is not None  # noqa: S101 - every step rendered with it has one
        return self.fmt.instant(step.at)

    def days(self, step: ExplanationStep) -> str:
        """The day, or run of days, of a step."""
        assert step.date is not None  # noqa: S101 - every day step has its date
        return self.fmt.days(step.date, step.last_date)

    def numbers(self, step: ExplanationStep) -> str:
        """``3`` or ``1–4``: the working-day numbers of a counted run."""
        first, last = step.values["first_number"], step.values["last_number"]
        return str(first) if first == last else f"{first}–{last}"

    def _paused(self, s: ExplanationStep) -> str:
        paused = s.values["paused"]
        if isinstance(paused, WorkingTime):
            return paused.text(self.fmt.lang)
        amount, unit = paused
        return self.fmt.count(amount, unit)

    def _share(self, s: ExplanationStep) -> str:
        share = s.values["share"]
        if share is None:
            return self._own_limit()
        assert isinstance(share, ProcessingTime)  # noqa: S101 - the clock records one
        return self.fmt.processing_time(share)

    @abc.abstractmethod
    def _own_limit(self) -> str:
        """The words for a liên thông step with its own time limit instead of a share."""


class _VietnameseRenderer(Renderer):
    def _governing_text(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        name = v["name"]
        if v["amended_by"]:
            name += f" (sửa đổi, bổ sung bởi {', '.join(v['amended_by'])})"
        received = f"hồ sơ tiếp nhận ngày {f.day(v['received_on'])}"
        reason = v["reason"]
        if reason == "chosen":
            return (
                f"Văn bản áp dụng: {name}, theo lựa chọn của người dùng ({received}; theo ngày "
                f"tiếp nhận, hồ sơ thuộc {v['by_date']})"
            )
        if reason == "before_first":
            return (
                f"Văn bản áp dụng: quy tắc của {name} — {received}, trước ngày {v['name']} có "
                f"hiệu lực ({f.day(v['since'])}); chưa có bộ quy tắc của văn bản trước đó"
            )
        if reason == "before_next":
            return (
                f"Văn bản áp dụng: {name} — {received}, trước ngày {v['next_name']} có hiệu "
                f"lực ({f.day(v['next_from'])})"
            )
        since = "" if v["since"] is None else f" (từ {f.day(v['since'])})"
        return f"Văn bản áp dụng: {name} — {received}, khi {v['name']} đã có hiệu lực{since}"

    def _received(self, s: ExplanationStep) -> str:
        return f"Tiếp nhận hồ sơ lúc {self._at(s)}"

    def _first_day_excluded(self, s: ExplanationStep) -> str:
        n = s.values["amount"]
        return f"Ngày tiếp nhận không được tính; đếm {n} ngày làm việc từ ngày hôm sau"

    def _receipt_day_counts(self, s: ExplanationStep) -> str:
        n = s.values["amount"]
        return f"Ngày tiếp nhận được tính là ngày làm việc thứ 1; thời hạn {n} ngày làm việc"

    def _zero_period(self, _s: ExplanationStep) -> str:
        return "Thời hạn 0 ngày làm việc: trả kết quả trong ngày làm việc tiếp nhận"

    def _hours_per_day(self, s: ExplanationStep) -> str:
        v = s.values
        return (
            f"{v['amount']} ngày làm việc × {self.fmt.hours(v['per_day'])} = "
            f"{self.fmt.hours(v['minutes'])} làm việc"
        )

    def _outside_hours(self, s: ExplanationStep) -> str:
        return f"Tiếp nhận ngoài giờ làm việc: bắt đầu tính từ {self._at(s)}"

    def _same_day_in_time(self, s: ExplanationStep) -> str:
        cut = s.values["cutoff"]
        if cut is None:
            return "Trả kết quả trong ngày"
        return f"Nhận không muộn hơn {self.fmt.time(cut)}: trả kết quả trong ngày"

    def _same_day_non_working_day(self, _s: ExplanationStep) -> str:
        return "Nhận vào ngày không làm việc: trả kết quả trong ngày làm việc tiếp theo"

    def _same_day_after_cutoff(self, s: ExplanationStep) -> str:
        cut = self.fmt.time(s.values["cutoff"])
        return f"Nhận sau {cut}: trả kết quả trong ngày làm việc tiếp theo"

    def _same_day_after_hours(self, _s: ExplanationStep) -> str:
        return "Nhận sau giờ làm việc: trả kết quả trong ngày làm việc tiếp theo"

    def _calendar_period(self, s: ExplanationStep) -> str:
        v = s.values
        return (
            f"Ngày tiếp nhận không được tính; {v['amount']} ngày kết thúc vào "
            f"{self.fmt.day(v['last'])}"
        )

    def _month_period(self, s: ExplanationStep) -> str:
        v = s.values
        clamp = " (tháng đó không có ngày tương ứng: ngày cuối tháng)" if v["clamped"] else ""
        return f"{v['amount']} tháng kết thúc vào {self.fmt.day(v['last'])}{clamp}"

    def _working_days(self, s: ExplanationStep) -> str:
        if "first_number" in s.values:
            return f"{self.days(s)}: ngày làm việc thứ {self.numbers(s)}"
        return f"{self.days(s)}: ngày làm việc, được tính"

    def _working_time(self, s: ExplanationStep) -> str:
        counted = s.counted_time.text("vi") if s.counted_time is not None else ""
        return f"{self.days(s)}: ngày làm việc, được tính {counted}"

    def _weekly_rest(self, s: ExplanationStep) -> str:
        return f"{self.days(s)}: nghỉ hằng tuần, không tính"

    def _holiday(self, s: ExplanationStep) -> str:
        return f"{self.days(s)}: {s.values['holiday'].name_vi} — ngày nghỉ, không tính"

    def _day_off(self, s: ExplanationStep) -> str:
        return f"{self.days(s)}: ngày nghỉ, không tính"

    def _counted_suffix(self, s: ExplanationStep) -> str:
        if "number" in s.values:
            return f", ngày làm việc thứ {s.values['number']}"
        if s.counted_time is not None:
            return f", tính {s.counted_time.text('vi')}"
        return ", được tính" if s.counted else ""

    def _make_up_day(self, s: ExplanationStep) -> str:
        basis = s.values["holiday"].basis
        return f"{self.days(s)} là ngày làm việc bù theo {basis}{self._counted_suffix(s)}"

    def _working_day_entry(self, s: ExplanationStep) -> str:
        basis = s.values["holiday"].basis
        return f"{self.days(s)} là ngày làm việc theo {basis}{self._counted_suffix(s)}"

    def _moved(self, s: ExplanationStep) -> str:
        return (
            f"Ngày cuối cùng của thời hạn, {self.days(s)}, không phải ngày làm việc: thời hạn "
            "kết thúc vào ngày làm việc tiếp theo"
        )

    def _provisional(self, s: ExplanationStep) -> str:
        return (
            f"Ngày hẹn là dự kiến: năm {self.fmt.years(s.values['years'])} chưa có thông báo "
            "chính thức về lịch nghỉ lễ, Tết của cán bộ, công chức; các ngày nghỉ được tính theo "
            "Bộ luật Lao động và có thể thay đổi khi thông báo được ban hành"
        )

    def _due(self, s: ExplanationStep, why: str) -> str:
        return f"Hạn trả kết quả: {self._at(s)} — {why}"

    def _due_close_of_day_n(self, s: ExplanationStep) -> str:
        return self._due(s, f"hết giờ làm việc của ngày làm việc thứ {s.values['amount']}")

    def _due_close_of_day(self, s: ExplanationStep) -> str:
        return self._due(s, "hết giờ làm việc")

    def _due_hours_elapsed(self, s: ExplanationStep) -> str:
        v = s.values
        return self._due(s, f"đủ {self.fmt.hours(v['minutes'])} làm việc ({v['office_hours']})")

    def _due_end_of_period(self, s: ExplanationStep) -> str:
        return self._due(s, "kết thúc thời hạn")

    def _clock_receipt(self, s: ExplanationStep) -> str:
        v = s.values
        return (
            f"Tiếp nhận hồ sơ đầy đủ lúc {self._at(s)}; thời hạn giải quyết "
            f"{self.fmt.processing_time(v['processing_time'])}: hạn {self.fmt.instant(v['due_at'])}"
        )

    def _request(self, s: ExplanationStep) -> str:
        return f"Yêu cầu bổ sung lần {s.values['number']} lúc {self._at(s)}"

    def _supplement_awaited(self, s: ExplanationStep) -> str:
        return f"{self._request(s)}; đang chờ bổ sung, thời hạn tạm dừng"

    def _supplement_pending(self, _s: ExplanationStep) -> str:
        return "Đang chờ công dân bổ sung hồ sơ; thời hạn tạm dừng"

    def _supplement_restart(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"{self._request(s)}. Thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ "
            f"sơ: {f.processing_time(v['processing_time'])} kể từ "
            f"{f.instant(v['resubmitted_at'])}; hạn mới {f.instant(v['due_at'])} (hạn trước đó "
            f"{f.instant(v['due_before'])})"
        )

    def _supplement_pause(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"{self._request(s)}. Thời gian chờ bổ sung (từ {self._at(s)} đến "
            f"{f.instant(v['resubmitted_at'])}) không tính vào thời hạn; tổng thời gian tạm dừng "
            f"{self._paused(s)} được cộng vào hạn tính từ lúc tiếp nhận: hạn mới "
            f"{f.instant(v['due_at'])} (hạn trước đó {f.instant(v['due_before'])})"
        )

    def _extension(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        letter = (
            f"Văn bản xin lỗi lập lúc {f.instant(v['apology_at'])}"
            if v["apology_at"] is not None
            else "Không ghi nhận ngày lập văn bản xin lỗi"
        )
        return (
            f"Gia hạn (chỉ một lần): hẹn lại từ {f.instant(v['due_before'])} sang "
            f"{f.instant(v['due_at'])}. {letter} (chậm nhất {f.day(v['latest'])})"
        )

    def _own_limit(self) -> str:
        return "thời hạn riêng"

    def _lien_thong(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Bước liên thông tại {v['agency']}: {self._share(s)} kể từ {self._at(s)}, hạn "
            f"{f.instant(v['due_at'])}"
        )

    def _result(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        text = (
            f"Có kết quả lúc {self._at(s)}, so với ngày hẹn {f.day(v['due_date'])}: "
            f"{v['timeliness'].label_vi}"
        )
        if v.get("extended") is not None:
            text += f"; so với ngày hẹn lại {f.day(v['new_due_date'])}: {v['extended'].label_vi}"
        return text

    def _late_supplement_request(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Yêu cầu bổ sung lần {v['number']} lập ngày {f.day(v['requested_on'])}, sau hạn "
            f"{v['window']:02d} ngày làm việc kể từ khi tiếp nhận ({f.day(v['limit'])})"
        )

    def _repeated_supplement_request(self, s: ExplanationStep) -> str:
        return (
            f"Hồ sơ bị yêu cầu bổ sung {s.values['count']} lần (chỉ được yêu cầu một lần); theo "
            "QĐ 766 hồ sơ được tính là quá hạn"
        )

    def _late_online_acceptance(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Hồ sơ nộp trực tuyến lúc {f.instant(v['submitted_at'])} được tiếp nhận hoặc trả "
            f"lời lúc {f.instant(v['answered_at'])}, quá {v['hours']:02d} giờ làm việc (hạn "
            f"{f.instant(v['limit_at'])}; đã qua {v['elapsed'].text('vi')})"
        )

    def _supplement_expired(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Yêu cầu bổ sung lần {v['number']} lập ngày {f.day(v['requested_on'])} chưa được "
            f"đáp ứng sau {f.count(v['days'], v['unit'])} (hết ngày {f.day(v['last_day'])}): "
            "Bộ phận Một cửa thực hiện đóng hồ sơ"
        )

    def _repeated_extension(self, s: ExplanationStep) -> str:
        return (
            f"Hồ sơ được hẹn lại ngày trả kết quả {s.values['count']} lần (việc hẹn lại chỉ được "
            "thực hiện không quá một lần)"
        )

    def _late_apology(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Văn bản xin lỗi lập ngày {f.day(v['issued_on'])}, muộn hơn hạn chậm nhất "
            f"{f.day(v['latest'])} (01 ngày làm việc trước ngày hết hạn)"
        )

    def _missing_apology(self, _s: ExplanationStep) -> str:
        return (
            "Hồ sơ được gia hạn nhưng không ghi nhận ngày lập văn bản xin lỗi và hẹn lại ngày "
            "trả kết quả"
        )

    def _extension_not_later(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Ngày hẹn lại {f.instant(v['new_due_at'])} không sau hạn giải quyết "
            f"{f.instant(v['due_at'])}"
        )

    def _step_over_share(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Bước liên thông tại {v['agency']} vượt thời gian được giao ({self._share(s)}, hạn "
            f"{f.instant(v['due_at'])})"
        )

    def _overdue(self, s: ExplanationStep) -> str:
        return f"Hồ sơ chưa giải quyết xong và đã quá hạn lúc {self.fmt.instant(s.values['at'])}"


class _EnglishRenderer(Renderer):
    def _governing_text(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        name = v["name"]
        if v["amended_by"]:
            name += f" (as amended by {', '.join(v['amended_by'])})"
        received = f"the dossier was received on {f.day(v['received_on'])}"
        reason = v["reason"]
        if reason == "chosen":
            return (
                f"Governing text: {name}, as chosen by the caller (by its receipt date, "
                f"{f.day(v['received_on'])}, the dossier falls under {v['by_date']})"
            )
        if reason == "before_first":
            return (
                f"Governing text: the rules of {name} — {received}, before {v['name']} took "
                f"effect ({f.day(v['since'])}); no rule set of the earlier texts is defined"
            )
        if reason == "before_next":
            return (
                f"Governing text: {name} — {received}, before {v['next_name']} took effect "
                f"({f.day(v['next_from'])})"
            )
        since = "" if v["since"] is None else f" (since {f.day(v['since'])})"
        return f"Governing text: {name} — {received}, when {v['name']} was in force{since}"

    def _received(self, s: ExplanationStep) -> str:
        return f"Dossier received at {self._at(s)}"

    def _first_day_excluded(self, s: ExplanationStep) -> str:
        n = s.values["amount"]
        verb = "is" if n == 1 else "are"
        return (
            "The receipt day is not counted; "
            f"{self.fmt.count(n, TimeUnit.WORKING_DAYS)} {verb} counted from the next day"
        )

    def _receipt_day_counts(self, s: ExplanationStep) -> str:
        n = s.values["amount"]
        return (
            "The receipt day counts as working day 1; the period is "
            f"{self.fmt.count(n, TimeUnit.WORKING_DAYS)}"
        )

    def _zero_period(self, _s: ExplanationStep) -> str:
        return "A period of 0 working days: the result is due on the working day of receipt"

    def _hours_per_day(self, s: ExplanationStep) -> str:
        v = s.values
        return (
            f"{self.fmt.count(v['amount'], TimeUnit.WORKING_DAYS)} × "
            f"{self.fmt.hours(v['per_day'])} = {self.fmt.hours(v['minutes'])} of office time"
        )

    def _outside_hours(self, s: ExplanationStep) -> str:
        return f"Received outside office hours: counting starts at {self._at(s)}"

    def _same_day_in_time(self, s: ExplanationStep) -> str:
        cut = s.values["cutoff"]
        if cut is None:
            return "Due the same day"
        return f"Received by {self.fmt.time(cut)}: result due the same day"

    def _same_day_non_working_day(self, _s: ExplanationStep) -> str:
        return "Received on a non-working day: result due on the next working day"

    def _same_day_after_cutoff(self, s: ExplanationStep) -> str:
        return (
            f"Received after {self.fmt.time(s.values['cutoff'])}: result due on the next "
            "working day"
        )

    def _same_day_after_hours(self, _s: ExplanationStep) -> str:
        return "Received after office hours: result due on the next working day"

    def _calendar_period(self, s: ExplanationStep) -> str:
        v = s.values
        verb = "ends" if v["amount"] == 1 else "end"
        return (
            f"The receipt day is not counted; {self.fmt.count(v['amount'], TimeUnit.CALENDAR_DAYS)}"
            f" {verb} on {self.fmt.day(v['last'])}"
        )

    def _month_period(self, s: ExplanationStep) -> str:
        v = s.values
        verb = "ends" if v["amount"] == 1 else "end"
        clamp = " (that month has no such day: its last day)" if v["clamped"] else ""
        return (
            f"{self.fmt.count(v['amount'], TimeUnit.MONTHS)} {verb} on "
            f"{self.fmt.day(v['last'])}{clamp}"
        )

    def _working_days(self, s: ExplanationStep) -> str:
        noun = "working day" if s.last_date is None else "working days"
        if "first_number" in s.values:
            return f"{self.days(s)}: {noun} {self.numbers(s)}"
        return f"{self.days(s)}: {noun}, counted"

    def _working_time(self, s: ExplanationStep) -> str:
        counted = s.counted_time.text("en") if s.counted_time is not None else ""
        noun = "working day" if s.last_date is None else "working days"
        return f"{self.days(s)}: {noun}, {counted} counted"

    def _weekly_rest(self, s: ExplanationStep) -> str:
        return f"{self.days(s)}: weekly rest, not counted"

    def _holiday(self, s: ExplanationStep) -> str:
        return f"{self.days(s)}: {s.values['holiday'].name_en} — day off, not counted"

    def _day_off(self, s: ExplanationStep) -> str:
        return f"{self.days(s)}: day off, not counted"

    def _counted_suffix(self, s: ExplanationStep) -> str:
        if "number" in s.values:
            return f", working day {s.values['number']}"
        if s.counted_time is not None:
            return f", {s.counted_time.text('en')} counted"
        return ", counted" if s.counted else ""

    def _make_up_day(self, s: ExplanationStep) -> str:
        basis = s.values["holiday"].basis
        return f"{self.days(s)} is a make-up working day under {basis}{self._counted_suffix(s)}"

    def _working_day_entry(self, s: ExplanationStep) -> str:
        basis = s.values["holiday"].basis
        return f"{self.days(s)} is a working day under {basis}{self._counted_suffix(s)}"

    def _moved(self, s: ExplanationStep) -> str:
        return (
            f"The last day of the period, {self.days(s)}, is not a working day: the period ends "
            "on the next working day"
        )

    def _provisional(self, s: ExplanationStep) -> str:
        years = s.values["years"]
        verb = "have" if len(years) > 1 else "has"
        return (
            f"The due date is provisional: {self.fmt.years(years)} {verb} no official notice of "
            "the civil-service days off yet; the days off are computed from the Labor Code and "
            "may change when the notice is published"
        )

    def _due(self, s: ExplanationStep, why: str) -> str:
        return f"Result due: {self._at(s)} — {why}"

    def _due_close_of_day_n(self, s: ExplanationStep) -> str:
        return self._due(s, f"close of office hours on working day {s.values['amount']}")

    def _due_close_of_day(self, s: ExplanationStep) -> str:
        return self._due(s, "close of office hours")

    def _due_hours_elapsed(self, s: ExplanationStep) -> str:
        v = s.values
        return self._due(
            s, f"{self.fmt.hours(v['minutes'])} of office time elapsed ({v['office_hours']})"
        )

    def _due_end_of_period(self, s: ExplanationStep) -> str:
        return self._due(s, "end of the period")

    def _clock_receipt(self, s: ExplanationStep) -> str:
        v = s.values
        return (
            f"Complete dossier received at {self._at(s)}; processing time "
            f"{self.fmt.processing_time(v['processing_time'])}: due "
            f"{self.fmt.instant(v['due_at'])}"
        )

    def _request(self, s: ExplanationStep) -> str:
        return f"Supplement request {s.values['number']} at {self._at(s)}"

    def _supplement_awaited(self, s: ExplanationStep) -> str:
        return f"{self._request(s)}; awaiting the supplement, the clock is stopped"

    def _supplement_pending(self, _s: ExplanationStep) -> str:
        return "Waiting for the applicant's supplement; the clock is stopped"

    def _supplement_restart(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"{self._request(s)}. The processing time is counted again from the receipt of the "
            f"completed dossier: {f.processing_time(v['processing_time'])} from "
            f"{f.instant(v['resubmitted_at'])}; new due {f.instant(v['due_at'])} (was "
            f"{f.instant(v['due_before'])})"
        )

    def _supplement_pause(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"{self._request(s)}. The wait for the supplement ({self._at(s)} to "
            f"{f.instant(v['resubmitted_at'])}) does not count; the total pause of "
            f"{self._paused(s)} is added to the deadline counted from receipt: new due "
            f"{f.instant(v['due_at'])} (was {f.instant(v['due_before'])})"
        )

    def _extension(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        letter = (
            f"apology letter issued at {f.instant(v['apology_at'])}"
            if v["apology_at"] is not None
            else "no apology letter date recorded"
        )
        return (
            f"Extension (once only): re-appointed from {f.instant(v['due_before'])} to "
            f"{f.instant(v['due_at'])}; {letter} (latest {f.day(v['latest'])})"
        )

    def _own_limit(self) -> str:
        return "own time limit"

    def _lien_thong(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Liên thông step at {v['agency']}: {self._share(s)} from {self._at(s)}, due "
            f"{f.instant(v['due_at'])}"
        )

    def _result(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        text = (
            f"Result ready at {self._at(s)}, against the due date {f.day(v['due_date'])}: "
            f"{v['timeliness'].label_en}"
        )
        if v.get("extended") is not None:
            text += f"; against the new date {f.day(v['new_due_date'])}: {v['extended'].label_en}"
        return text

    def _late_supplement_request(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Supplement request {v['number']} was made on {f.day(v['requested_on'])}, after the "
            f"{v['window']}-working-day limit from receipt ({f.day(v['limit'])})"
        )

    def _repeated_supplement_request(self, s: ExplanationStep) -> str:
        return (
            f"The dossier had {s.values['count']} supplement requests (only one is allowed); "
            "Decision 766 counts it as overdue"
        )

    def _late_online_acceptance(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"The online dossier submitted at {f.instant(v['submitted_at'])} was accepted or "
            f"answered at {f.instant(v['answered_at'])}, later than {v['hours']} working hours "
            f"(limit {f.instant(v['limit_at'])}; elapsed {v['elapsed'].text('en')})"
        )

    def _supplement_expired(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"Supplement request {v['number']} of {f.day(v['requested_on'])} is still "
            f"unanswered {f.count(v['days'], v['unit'])} later (the period ended on "
            f"{f.day(v['last_day'])}): the One-Stop office should close the dossier"
        )

    def _repeated_extension(self, s: ExplanationStep) -> str:
        return (
            f"The result date was re-appointed {s.values['count']} times (only one "
            "re-appointment is allowed)"
        )

    def _late_apology(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"The apology letter was issued on {f.day(v['issued_on'])}, later than "
            f"{f.day(v['latest'])} (one working day before the due date)"
        )

    def _missing_apology(self, _s: ExplanationStep) -> str:
        return "The dossier was extended but the date of the apology letter is not recorded"

    def _extension_not_later(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"The new appointment {f.instant(v['new_due_at'])} is not after the due date "
            f"{f.instant(v['due_at'])}"
        )

    def _step_over_share(self, s: ExplanationStep) -> str:
        v, f = s.values, self.fmt
        return (
            f"The liên thông step at {v['agency']} exceeded its share ({self._share(s)}, due "
            f"{f.instant(v['due_at'])})"
        )

    def _overdue(self, s: ExplanationStep) -> str:
        return f"The dossier is unfinished and overdue at {self.fmt.instant(s.values['at'])}"


_RENDERERS: Mapping[str, Renderer] = MappingProxyType(
    {
        "vi": _VietnameseRenderer(formatter("vi")),
        "en": _EnglishRenderer(formatter("en")),
    }
)


def renderer(lang: Lang) -> Renderer:
    """The renderer of ``lang`` (``"vi"`` or ``"en"``).

    Raises:
        InvalidInputError: another language.
    """
    return _RENDERERS[check_lang(lang)]


# ---------------------------------------------------------------------------- the trace


class Count(StrEnum):
    """The counting rule a calculation applied, as recorded in its :class:`Trace`."""

    WORKING_DAYS = "working_days"
    """N working days after the receipt day (the receipt day not counted)."""
    WORKING_DAYS_FROM_RECEIPT = "working_days_from_receipt"
    """N working days, the receipt day (a working day) counted as the first."""
    ZERO_WORKING_DAYS = "zero_working_days"
    """0 working days: the close of the receipt day, or of the next working day."""
    WORKING_TIME = "working_time"
    """Office time counted from an instant."""
    SAME_DAY_IN_TIME = "same_day_in_time"
    """Same day: received in time."""
    SAME_DAY_NON_WORKING_DAY = "same_day_non_working_day"
    """Same day: received on a non-working day."""
    SAME_DAY_AFTER_CUTOFF = "same_day_after_cutoff"
    """Same day: received after the cut-off."""
    SAME_DAY_AFTER_HOURS = "same_day_after_hours"
    """Same day: received at or after the close of office hours."""
    CALENDAR_DAYS = "calendar_days"
    """A Civil Code period of calendar days."""
    MONTHS = "months"
    """A Civil Code period of months."""


class Trace(NamedTuple):
    """What a calculation recorded for its explanation (cheap: built on every deadline).

    Attributes:
        kind: the counting rule applied.
        nominal_last: a period's last day before it moved to a working day (calendar days,
            months), else ``None``.
        minutes: the office minutes counted (working-time counts, from the receipt instant,
            or from the next opening when received outside office hours).
        per_day: minutes per working day of a days-to-hours conversion; ``0`` when none.
        cutoff: the same-day cut-off applied (``None``: none).
    """

    kind: Count
    nominal_last: dt.date | None = None
    minutes: int = 0
    per_day: int = 0
    cutoff: dt.time | None = None


# ---------------------------------------------------------------------------- building steps


class _Listing(StrEnum):
    NUMBERED = "numbered"  # working days counted and numbered
    COUNTED = "counted"  # working days counted, not numbered
    TIMED = "timed"  # office time counted within a window
    LISTED = "listed"  # working days shown, counting nothing


def _is_plain_run(info: DayInfo) -> bool:
    """Ordinary working days and weekly rest days form runs; entries stand alone."""
    return info.holiday is None and info.kind in (DayKind.WORKING, DayKind.REST)


def day_steps(
    calendar: WorkCalendar,
    first: dt.date,
    last: dt.date,
    *,
    counted_before: int | None = None,
    window: tuple[dt.datetime, dt.datetime] | None = None,
    listed: bool = False,
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
        counted_before: number the working days, continuing after this many counted before
            ``first``; ``None`` leaves them unnumbered (each still counted).
        window: count the office time of each working day inside ``[start, end]`` instead of
            whole days (working-time counts).
        listed: show the working days without counting them (a same-day period, days a period
            moved over); ordinary working days are then left out.

    Yields:
        The steps, in date order.
    """
    if last < first:
        return
    mode = (
        _Listing.LISTED
        if listed
        else _Listing.TIMED
        if window is not None
        else _Listing.COUNTED
        if counted_before is None
        else _Listing.NUMBERED
    )
    count = counted_before or 0
    run: list[DayInfo] = []

    def counted_time(a: dt.date, b: dt.date) -> WorkingTime:
        assert window is not None  # noqa: S101 - TIMED mode only
        lo = max(window[0], dt.datetime.combine(a, dt.time(0), VN_TZ))
        hi = min(window[1], dt.datetime.combine(b + dt.timedelta(days=1), dt.time(0), VN_TZ))
        return calendar.working_time_between(lo, hi)

    def flush() -> Iterator[ExplanationStep]:
        nonlocal count
        if not run:
            return
        a, b = run[0].date, run[-1].date
        last_date = b if b != a else None
        if run[0].kind is DayKind.REST:
            yield ExplanationStep(
                StepKind.SKIPPED,
                Topic.WEEKLY_REST,
                a,
                last_date,
                basis=_holiday_citations(None, run[0].rest_basis),
            )
        elif mode is _Listing.NUMBERED:
            first_number = count + 1
            count += len(run)
            yield ExplanationStep(
                StepKind.COUNTED,
                Topic.WORKING_DAYS,
                a,
                last_date,
                counted=len(run),
                counted_unit=TimeUnit.WORKING_DAYS,
                values={"first_number": first_number, "last_number": count},
            )
        elif mode is _Listing.COUNTED:
            yield ExplanationStep(
                StepKind.COUNTED,
                Topic.WORKING_DAYS,
                a,
                last_date,
                counted=len(run),
                counted_unit=TimeUnit.WORKING_DAYS,
            )
        elif mode is _Listing.TIMED:
            yield ExplanationStep(
                StepKind.COUNTED, Topic.WORKING_TIME, a, last_date, counted_time=counted_time(a, b)
            )
        run.clear()

    for info in calendar.days(first, last):
        if _is_plain_run(info):
            if run and (run[0].kind is not info.kind):
                yield from flush()
            if info.kind is DayKind.WORKING and mode is _Listing.LISTED:
                yield from flush()
                continue  # an ordinary working day shown by the due step itself
            run.append(info)
            continue
        yield from flush()
        if info.is_working:
            topic = Topic.MAKE_UP_DAY if info.kind is DayKind.MAKE_UP else Topic.WORKING_DAY_ENTRY
            values: dict[str, Any] = {"holiday": info.holiday}
            if mode is _Listing.NUMBERED:
                count += 1
                values["number"] = count
            yield ExplanationStep(
                StepKind.MAKE_UP,
                topic,
                info.date,
                counted=0 if mode in (_Listing.LISTED, _Listing.TIMED) else 1,
                counted_unit=(
                    None if mode in (_Listing.LISTED, _Listing.TIMED) else TimeUnit.WORKING_DAYS
                ),
                counted_time=(
                    counted_time(info.date, info.date) if mode is _Listing.TIMED else None
                ),
                values=values,
            )
        elif info.holiday is not None:
            yield ExplanationStep(
                StepKind.SKIPPED,
                Topic.HOLIDAY,
                info.date,
                values={"holiday": info.holiday},
                basis=_holiday_citations(info.holiday),
            )
        else:
            yield ExplanationStep(
                StepKind.SKIPPED,
                Topic.DAY_OFF,
                info.date,
                basis=_holiday_citations(None, info.basis),
            )
    yield from flush()


def count_explanation(
    trace: Trace,
    *,
    received_at: dt.datetime,
    due_at: dt.datetime,
    processing_time: ProcessingTime,
    calendar: WorkCalendar,
    provisional_years: tuple[int, ...] = (),
    rules: RuleSet | None = None,
) -> Explanation:
    """The explanation of a counted deadline, from what its calculation recorded.

    Steps: which text governs and why (:func:`governing_step`); the receipt; the counting
    rule; the days counted and skipped; a note when the due date is provisional; the due
    instant, always last.

    Args:
        trace: what the calculation recorded.
        received_at: the receipt instant (Vietnam time).
        due_at: the due instant the calculation returned.
        processing_time: the processing time counted.
        calendar: the calendar it was counted on.
        provisional_years: the years without an official notice the count looked at.
        rules: the rule set the caller chose; ``None``: the one in force at the receipt.
    """
    governing = governing_step(received_at, rules)
    rules = rules if rules is not None else rules_for(received_at)
    day = received_at.date()
    due_day = due_at.astimezone(VN_TZ).date()
    amount = processing_time.amount
    next_day = day + dt.timedelta(days=1)
    steps = [governing, ExplanationStep(StepKind.RECEIVED, Topic.RECEIVED, day, at=received_at)]
    due_topic: Topic = Topic.DUE_CLOSE_OF_DAY
    due_values: dict[str, Any] = {}
    count = trace.kind

    def days(first: dt.date, last: dt.date, **kwargs: Any) -> None:
        steps.extend(day_steps(calendar, first, last, **kwargs))

    if count is Count.WORKING_DAYS:
        steps.append(_rule(Topic.FIRST_DAY_EXCLUDED, day, rules, Rule.FIRST_DAY_EXCLUDED, amount))
        days(next_day, due_day, counted_before=0)
        due_topic, due_values = Topic.DUE_CLOSE_OF_DAY_N, {"amount": amount}
    elif count is Count.WORKING_DAYS_FROM_RECEIPT:
        step = _rule(Topic.RECEIPT_DAY_COUNTS, day, rules, Rule.RECEIPT_DAY_COUNTS, amount)
        steps.append(attrs.evolve(step, counted=1, counted_unit=TimeUnit.WORKING_DAYS))
        days(next_day, due_day, counted_before=1)
        due_topic, due_values = Topic.DUE_CLOSE_OF_DAY_N, {"amount": amount}
    elif count is Count.ZERO_WORKING_DAYS:
        steps.append(ExplanationStep(StepKind.RULE, Topic.ZERO_PERIOD, day))
        days(day, due_day, listed=True)
    elif count is Count.WORKING_TIME:
        # the instant counting started: the receipt, or the next opening (the rule of the
        # count, read from the calendar; the count itself recorded only the amount)
        start = calendar.next_working_instant(received_at)
        if trace.per_day:
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    Topic.HOURS_PER_DAY,
                    day,
                    values={"amount": amount, "per_day": trace.per_day, "minutes": trace.minutes},
                    basis=rules.cite(Rule.WORKING_HOURS),
                )
            )
        if start != received_at:
            steps.append(
                ExplanationStep(
                    StepKind.RULE,
                    Topic.OUTSIDE_HOURS,
                    day,
                    at=start,
                    basis=rules.cite(Rule.WORKING_HOURS),
                )
            )
            days(next_day, start.date() - dt.timedelta(days=1), listed=True)
        days(start.date(), due_day, window=(start, due_at))
        due_topic = Topic.DUE_HOURS_ELAPSED
        due_values = {"minutes": trace.minutes, "office_hours": str(calendar.hours_on(due_day))}
    elif count in _SAME_DAY_TOPICS:
        steps.append(
            ExplanationStep(
                StepKind.RULE,
                _SAME_DAY_TOPICS[count],
                day,
                values={"cutoff": trace.cutoff},
                basis=rules.cite(Rule.SAME_DAY),
            )
        )
        days(next_day, due_day, listed=True)
    else:  # a Civil Code period: calendar days or months
        last = trace.nominal_last
        assert last is not None  # noqa: S101 - recorded by every period count
        unit = TimeUnit.CALENDAR_DAYS if count is Count.CALENDAR_DAYS else TimeUnit.MONTHS
        end_rule = Rule.DAY_PERIOD_END if count is Count.CALENDAR_DAYS else Rule.MONTH_PERIOD_END
        steps.append(
            ExplanationStep(
                StepKind.RULE,
                Topic.CALENDAR_PERIOD if count is Count.CALENDAR_DAYS else Topic.MONTH_PERIOD,
                day,
                counted=amount,
                counted_unit=unit,
                values={"amount": amount, "last": last, "clamped": last.day != day.day},
                basis=rules.cite(Rule.FIRST_DAY_EXCLUDED) + rules.cite(end_rule),
            )
        )
        if due_day != last:
            steps.append(
                ExplanationStep(
                    StepKind.MOVED, Topic.MOVED, last, basis=rules.cite(Rule.NEXT_WORKING_DAY)
                )
            )
            days(last, due_day, listed=True)
        due_topic = Topic.DUE_END_OF_PERIOD
    if provisional_years:
        first = max(day, dt.date(provisional_years[0], 1, 1))
        steps.append(
            ExplanationStep(
                StepKind.PROVISIONAL,
                Topic.PROVISIONAL,
                first,
                values={"years": provisional_years},
            )
        )
    steps.append(ExplanationStep(StepKind.DUE, due_topic, due_day, at=due_at, values=due_values))
    return Explanation(tuple(steps))


_SAME_DAY_TOPICS: Mapping[Count, Topic] = MappingProxyType(
    {
        Count.SAME_DAY_IN_TIME: Topic.SAME_DAY_IN_TIME,
        Count.SAME_DAY_NON_WORKING_DAY: Topic.SAME_DAY_NON_WORKING_DAY,
        Count.SAME_DAY_AFTER_CUTOFF: Topic.SAME_DAY_AFTER_CUTOFF,
        Count.SAME_DAY_AFTER_HOURS: Topic.SAME_DAY_AFTER_HOURS,
    }
)


def _rule(topic: Topic, day: dt.date, rules: RuleSet, rule: Rule, amount: int) -> ExplanationStep:
    return ExplanationStep(
        StepKind.RULE, topic, day, values={"amount": amount}, basis=rules.cite(rule)
    )
