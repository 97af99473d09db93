"""The dossier clock: a dossier's due date through supplements, an extension and liên thông steps.

A :class:`DossierClock` starts at the receipt of a complete dossier and a published processing
time (:class:`~onestop.models.ProcessingTime`), counts it with a counting policy
(:func:`~onestop.deadlines.compute_due`), then applies, in time order:

* **supplement requests** (yêu cầu bổ sung, hoàn thiện hồ sơ), with a named supplement policy
  (:mod:`onestop.deadlines.supplements`: :data:`~onestop.deadlines.RESTART`, NĐ 61/2018/NĐ-CP
  Art. 19(4) and NĐ 118/2025/NĐ-CP Art. 19(5), or :data:`~onestop.deadlines.PAUSE`, the
  Decision 766 formula). A request made later than 3 working days after receipt is flagged;
  more than one request is flagged (the supplement is asked for once: NĐ 61/2018 Art. 17(1),
  NĐ 118/2025 Arts. 11(2)(c), 16(3), 17(2)(a); Decision 766 counts such a dossier as overdue);
  from 1 July 2025 a request still unanswered 15 days after the notice is flagged: the dossier
  should be closed (NĐ 118/2025 Art. 19(5)).
* **one extension** (NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6): the apology letter is sent
  at the latest one day before the due date, and the appointment is re-set only once): a late
  letter is flagged, and so is a recorded second re-appointment; :meth:`DossierClock.with_extension`
  refuses a second one with :class:`~onestop.errors.DeadlineError`.
* **liên thông steps** (NĐ 61/2018 Art. 19(5)–(8), NĐ 118/2025 Arts. 19(4), 20(2)): each
  participating agency's share of the time gives the step its own due instant; a step finished
  after it is flagged.

Before receipt, an online dossier must be accepted or sent back within 8 working hours of its
submission from 1 July 2025 (NĐ 118/2025 Art. 17(2)(c)): give the clock its
:class:`Submission` to check it.

Every step, flag and message cites the texts of the rule set that governs the dossier
(:attr:`DossierClock.rules`): the one in force at the receipt
(:func:`~onestop.deadlines.rules_for`: NĐ 61/2018/NĐ-CP before 1 July 2025, NĐ 118/2025/NĐ-CP
from then on), or the one given with ``rules=``.

The clock answers the remaining office time at any instant (negative once overdue), whether it
is overdue, the early / on-time / late classification (:mod:`onestop.deadlines.timeliness`),
its flags (:class:`ClockFlag`) and a step-by-step explanation in Vietnamese and English
(:mod:`onestop.deadlines.explain`). Nothing here reads the system clock: every question takes
the instant explicitly. Build the clock of a recorded dossier with
:meth:`DossierClock.from_dossier`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Any, Literal, cast

import attrs

from onestop.deadlines._text import Lang, check_lang
from onestop.deadlines._types import WorkingTime
from onestop.deadlines.calendar import WorkCalendar, default_calendar
from onestop.deadlines.deadline import Deadline
from onestop.deadlines.explain import (
    Explanation,
    ExplanationStep,
    FlagCode,
    StepKind,
    Topic,
    day_steps,
    governing_step,
    renderer,
)
from onestop.deadlines.policies import CountingPolicy, policy_by_name, resolve_policy
from onestop.deadlines.rules import Citation, Rule, RuleSet, resolve_rules, rules_for
from onestop.deadlines.supplements import (
    RESTART,
    Resumed,
    SupplementContext,
    SupplementPolicy,
    supplement_policy_by_name,
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
from onestop.tz import require_aware, vn_date

__all__ = [
    "ClockFlag",
    "DossierClock",
    "ExtensionSpan",
    "FlagCode",
    "LienThongSpan",
    "StepDeadline",
    "Submission",
]


# ---------------------------------------------------------------------------- flags


def _frozen_values(value: Mapping[str, Any]) -> Mapping[str, Any]:
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class ClockFlag:
    """Something about a dossier's clock a one-stop officer should look at.

    Attributes:
        code: stable machine code.
        values: the facts of the finding (dates, counts, the agency...), by name.
        basis: the rule behind the flag.
    """

    code: FlagCode
    values: Mapping[str, Any] = attrs.field(converter=_frozen_values)
    basis: tuple[Citation, ...] = ()

    def message(self, lang: Lang = "vi") -> str:
        """The finding in ``lang``, as the explanation states it."""
        return renderer(lang).flag(self.code, self.values)

    @property
    def message_vi(self) -> str:
        """The finding in Vietnamese."""
        return self.message("vi")

    @property
    def message_en(self) -> str:
        """The finding in English."""
        return self.message("en")

    def to_step(self) -> ExplanationStep:
        """The flag as a step of the clock's explanation."""
        return ExplanationStep(StepKind.FLAG, self.code, values=self.values, basis=self.basis)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``code``, ``vi``, ``en`` and ``basis`` (citations)."""
        return {
            "code": self.code.value,
            "vi": self.message("vi"),
            "en": self.message("en"),
            "basis": [c.to_dict() for c in self.basis],
        }


# ---------------------------------------------------------------------------- inputs


@attrs.frozen(slots=True)
class Submission:
    """How and when a dossier was submitted, and when the desk first answered it.

    From 1 July 2025 an online dossier must be accepted, or sent back for completion, "không
    muộn hơn 08 (tám) giờ làm việc kể từ khi Hệ thống thông tin giải quyết thủ tục hành chính
    tiếp nhận hồ sơ" (NĐ 118/2025/NĐ-CP Art. 17(2)(c); a sector law may set another limit, see
    :attr:`RuleSet.online_answer_hours <onestop.deadlines.RuleSet.online_answer_hours>`).
    onestop counts those working hours from ``submitted_at`` (``NgayNopHoSo``): the national
    portal hands an online dossier to the provincial system as it acknowledges it (our
    reading). NĐ 61/2018/NĐ-CP set no such limit; dossiers submitted at the counter or by post
    are not checked.

    Attributes:
        submitted_at: when the dossier was submitted (aware).
        channel: how it was submitted (a :class:`~onestop.models.Channel` or its value).
        answered_at: when the desk first answered: accepted it, asked for a supplement at
            intake or refused it; ``None``: the receipt (``received_at`` of the clock).

    Raises:
        InvalidInputError: naive instants, an unknown channel, an answer before the
            submission.
    """

    submitted_at: dt.datetime
    channel: Channel = attrs.field(converter=Channel)
    answered_at: dt.datetime | None = None

    def __attrs_post_init__(self) -> None:
        require_aware(self.submitted_at, field="submission.submitted_at")
        if (
            self.answered_at is not None
            and require_aware(self.answered_at, field="submission.answered_at") < self.submitted_at
        ):
            raise InvalidInputError(
                "submission.answered_at: earlier than submission.submitted_at; the desk answers "
                "a dossier after it was submitted",
                field="submission.answered_at",
            )


@attrs.frozen(slots=True)
class ExtensionSpan:
    """A re-appointment of a late dossier (NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6)).

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
    """One participating agency's part of a liên thông dossier.

    Each body has its own task and time limit: NĐ 61/2018 Art. 19(5)–(8), NĐ 118/2025 Arts.
    19(4), 20(2) (the Phiếu chuyển xử lý states each body's time limit).

    The step's own time limit is its ``share`` counted from ``started_at``, or an explicit
    ``due_at`` when the share is not known (at least one of the two is required).

    Attributes:
        agency: the agency's code or name (no personal data).
        started_at: when the agency received its part (Phiếu chuyển xử lý).
        share: the agency's own share of the processing time.
        due_at: the step's due instant, when set directly instead of a share.
        finished_at: when it returned its part (at or after ``started_at``; a step may take no
            time at all); ``None`` while running.
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
        due_at: its due instant: its share counted from ``step.started_at`` (or its ``due_at``).
        deadline: the counted share (``None`` when the step had an explicit ``due_at``).
        over_share: ``True`` when finished after its due instant (finishing exactly at it is in
            time; unfinished: when the instant asked about is past it); ``None`` when
            unfinished and no instant was given.
    """

    step: LienThongSpan
    due_at: dt.datetime
    deadline: Deadline | None
    over_share: bool | None


# ---------------------------------------------------------------------------- the clock


@attrs.frozen(slots=True)
class _Segment:
    span: SupplementSpan
    number: int
    due_before: dt.datetime
    resumed: Resumed | None  # None while the request is pending


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


def _policy_converter(value: SupplementPolicy | str | None) -> SupplementPolicy:
    if value is None:
        return RESTART
    return value if isinstance(value, SupplementPolicy) else supplement_policy_by_name(value)


def _calendar_converter(value: WorkCalendar | None) -> WorkCalendar:
    return default_calendar() if value is None else value


def _extensions_converter(value: Iterable[ExtensionSpan]) -> tuple[ExtensionSpan, ...]:
    return cast("tuple[ExtensionSpan, ...]", _tuple_of(value, "later_extensions"))


def _without_governing(explanation: Explanation) -> Explanation:
    """A deadline's explanation nested in a clock's: the clock says which text governs."""
    return Explanation(tuple(s for s in explanation if s.kind is not StepKind.GOVERNING_TEXT))


@attrs.frozen(slots=True)
class DossierClock:
    """The processing clock of one dossier (immutable; ``with_*`` methods return copies).

    Attributes:
        received_at: the aware instant the complete dossier was received.
        processing_time: the published processing time for the dossier's channel.
        calendar: the working calendar of the competent agency (``None``: the civil-service
            calendar).
        supplement_policy: :data:`~onestop.deadlines.RESTART` (default: the processing time is
            counted again from the completed dossier, NĐ 61/2018 Art. 19(4), NĐ 118/2025 Art.
            19(5)) or :data:`~onestop.deadlines.PAUSE` (or their names).
        supplements: supplement requests, sorted by request instant.
        extension: the extension (re-appointment), if any.
        steps: liên thông steps.
        finished_at: when the result was ready (or the dossier closed); ``None`` if running.
        counting_policy: the counting policy (object or registry name such as
            ``"working-hours"``); default the policy of the processing time's unit
            (:func:`~onestop.deadlines.policy_for`). Also used for liên thông shares.
        later_extensions: re-appointments recorded after ``extension``, in order. Both
            decrees allow one (NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6)): each is
            flagged ``repeated_extension``, and the last one's date is the due date in force
            from its apology letter on.
        submission: how and when the dossier was submitted, for the online answer limit
            (:class:`Submission`); ``None``: not checked.
        rules: the rule set whose texts the clock cites and whose limits it checks (a
            :class:`~onestop.deadlines.RuleSet` or an era name such as ``"ND-61-2018"``);
            ``None``: the one in force at the receipt (:func:`~onestop.deadlines.rules_for`).
            Read it back as :attr:`rules`.

    Raises:
        InvalidInputError: naive datetimes, wrong types, events before receipt or out of
            order (a supplement before the receipt, a result before the resubmission, a
            submission after the receipt), an unknown era name.
    """

    received_at: dt.datetime
    processing_time: ProcessingTime
    calendar: WorkCalendar = attrs.field(default=None, converter=_calendar_converter, kw_only=True)
    supplement_policy: SupplementPolicy = attrs.field(
        default=None, converter=_policy_converter, kw_only=True
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
    later_extensions: tuple[ExtensionSpan, ...] = attrs.field(
        default=(), converter=_extensions_converter, kw_only=True
    )
    submission: Submission | None = attrs.field(default=None, kw_only=True)
    _rules: RuleSet | None = attrs.field(
        default=None, converter=resolve_rules, kw_only=True, alias="rules"
    )
    _timeline: _Timeline = attrs.field(init=False, repr=False, eq=False)

    def __attrs_post_init__(self) -> None:
        self._check()
        object.__setattr__(self, "_timeline", self._build())

    # -------------------------------------------------------------- construction

    @classmethod
    def from_dossier(
        cls,
        dossier: Dossier,
        *,
        procedure: Procedure | None = None,
        calendar: WorkCalendar | None = None,
        supplement_policy: SupplementPolicy | str | None = None,
        counting_policy: CountingPolicy | str | None = None,
        rules: RuleSet | str | None = None,
    ) -> DossierClock:
        """The clock of a recorded :class:`~onestop.models.Dossier`.

        Reads the dossier's ``received_at`` and the processing time it carries
        (``dossier.procedure.processing_time``, the one that applied at receipt), its
        submission (instant, channel, and the desk's first answer: acceptance, an intake
        supplement request or a refusal), its appraisal-stage supplement requests (intake
        requests come before receipt and do not touch the clock), its extension (the apology
        letter is ``extension.letter_at``), its liên thông steps and the end of processing
        (completion, else return of the result, else stop / closing / refusal / withdrawal).

        Args:
            dossier: the dossier; it must have been received.
            procedure: its procedure, for the liên thông participants' shares of the time;
                steps with neither a share nor their own ``due_at`` are left out.
            calendar: the competent agency's calendar; ``None`` is the civil-service calendar.
            supplement_policy: :data:`~onestop.deadlines.RESTART` (default),
                :data:`~onestop.deadlines.PAUSE` or their names.
            counting_policy: override of the counting policy (see :class:`DossierClock`).
            rules: override of the rule set (see :class:`DossierClock`); default the one in
                force at the dossier's receipt.

        Raises:
            InvalidInputError: a value of the wrong type, an unknown era name.
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
                f"received_at: the dossier is {dossier.status.value} and has not been "
                "received; its clock starts at acceptance (tiếp nhận)",
                field="received_at",
            )
        supplements = tuple(
            SupplementSpan(s.requested_at, s.resubmitted_at)
            for s in dossier.supplements
            if s.stage is SupplementStage.APPRAISAL
        )
        ext = dossier.extension
        extension = None if ext is None else ExtensionSpan(ext.new_due_at, ext.letter_at)
        return cls(
            dossier.received_at,
            dossier.procedure.processing_time,
            calendar=calendar,
            supplement_policy=supplement_policy,
            supplements=supplements,
            extension=extension,
            steps=_lien_thong_spans(dossier, procedure),
            finished_at=_finished_at(dossier),
            counting_policy=counting_policy,
            submission=Submission(dossier.submitted_at, dossier.channel, _answered_at(dossier)),
            rules=rules,
        )

    def _check(self) -> None:
        """Refuse wrong types, naive instants and a finish before receipt."""
        if not isinstance(self.calendar, WorkCalendar):
            raise InvalidInputError(
                f"calendar: expected a WorkCalendar (e.g. civil_service_calendar()) or None, "
                f"got {type(self.calendar).__name__}",
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
        self._check_finish_order()
        self._check_extensions()
        sub = self.submission
        if sub is not None:
            if not isinstance(sub, Submission):
                raise InvalidInputError(
                    f"submission: expected a Submission or None, got {type(sub).__name__}",
                    field="submission",
                )
            if sub.submitted_at > self.received_at:
                raise InvalidInputError(
                    "submission.submitted_at: later than received_at; a dossier is received "
                    "after it is submitted",
                    field="submission.submitted_at",
                )
            if sub.answered_at is not None and sub.answered_at > self.received_at:
                raise InvalidInputError(
                    "submission.answered_at: later than received_at; the receipt itself answers "
                    "the submission, so the first answer cannot come after it",
                    field="submission.answered_at",
                )

    def _check_finish_order(self) -> None:
        """Refuse a result recorded before a supplement request or before its resubmission."""
        end = self.finished_at
        if end is None:
            return
        for i, span in enumerate(self.supplements):
            if not isinstance(span, SupplementSpan):
                return  # refused with its own message by _check
            for name, instant in (
                ("requested_at", span.requested_at),
                ("resubmitted_at", span.resubmitted_at),
            ):
                if instant is not None and instant > end:
                    raise InvalidInputError(
                        f"finished_at: earlier than supplements[{i}].{name}; the result (or the "
                        "closing) comes after the supplement requests and resubmissions",
                        field="finished_at",
                    )

    def _check_extensions(self) -> None:
        """Refuse later re-appointments without a first one, of the wrong type or not in order."""
        later = self.later_extensions
        if not later:
            return
        given: tuple[object, ...] = later  # callers without a type checker may pass anything
        wrong = [type(x).__name__ for x in given if not isinstance(x, ExtensionSpan)]
        if wrong:
            raise InvalidInputError(
                f"later_extensions: expected ExtensionSpan items, got {wrong[0]}",
                field="later_extensions",
            )
        if self.extension is None:
            raise InvalidInputError(
                "later_extensions: a later re-appointment needs the first one (extension=)",
                field="later_extensions",
            )
        previous = self.extension
        for i, ext in enumerate(later):
            if (
                ext.apology_at is not None
                and previous.apology_at is not None
                and (ext.apology_at < previous.apology_at)
            ):
                field = f"later_extensions[{i}].apology_at"
                raise InvalidInputError(
                    f"{field}: earlier than the previous re-appointment's letter; list the "
                    "re-appointments in the order they were made",
                    field=field,
                )
            previous = ext

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

    def _count(self, start: dt.datetime, processing_time: ProcessingTime) -> Deadline:
        rule = resolve_policy(self.counting_policy, processing_time)
        return rule.due(start, processing_time, calendar=self.calendar, rules=self._rules)

    def _build(self) -> _Timeline:
        base = self._count(self.received_at, self.processing_time)
        ctx = SupplementContext(base)
        due: dt.datetime | None = base.due_at
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
                segments.append(_Segment(span, i + 1, due, None))
                due = None
                continue
            resumed = self.supplement_policy.resume(ctx, self.supplements[: i + 1], due)
            segments.append(_Segment(span, i + 1, due, resumed))
            due = resumed.due_at
            previous_end = span.resubmitted_at
        return _Timeline(base, tuple(segments), due)

    @property
    def rules(self) -> RuleSet:
        """The rule set governing the dossier.

        The one given with ``rules=``, else the one in force at the receipt: NĐ 61/2018/NĐ-CP
        before 1 July 2025, NĐ 118/2025/NĐ-CP from then on (NĐ 118/2025 Art. 40(1)).
        """
        return self._rules if self._rules is not None else rules_for(self.received_at)

    @property
    def era(self) -> str:
        """The era of :attr:`rules`, e.g. ``"ND-118-2025"``."""
        return self.rules.era

    @property
    def extensions(self) -> tuple[ExtensionSpan, ...]:
        """Every recorded re-appointment, in order (``extension`` then ``later_extensions``)."""
        return () if self.extension is None else (self.extension, *self.later_extensions)

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
        """A copy with the dossier's one extension (NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6)).

        Raises:
            DeadlineError: the dossier was already extended (the appointment is re-set only
                once), a supplement request is pending, or the new due date is not later than
                the current one. (A recorded extension given to the constructor or read by
                :meth:`from_dossier` is not refused: it is flagged ``extension_not_later``.)
        """
        basis = "; ".join(c.text() for c in self.rules.cite(Rule.EXTENSION)[:1])
        if self.extension is not None:
            raise DeadlineError(
                f"extension: the dossier was already extended once; {basis} allows re-setting "
                "the appointment only once (hẹn lại ngày trả kết quả không quá một lần)",
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
                f"current due date {due.isoformat()}; an extension ({basis}) sets a later "
                "appointment",
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
        """The effective due instant: the (last) re-appointment's when extended.

        ``None`` while a supplement request is pending (the due date depends on the
        resubmission).
        """
        if self.extension is not None:
            return self.extensions[-1].new_due_at
        return self._timeline.due_after_supplements

    @property
    def apology_due_date(self) -> dt.date | None:
        """Latest date for the apology letter: the working day before the due date.

        "chậm nhất 01 ngày trước ngày hết hạn" (NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art.
        19(6)). ``None`` while a supplement request is pending.
        """
        due = self.original_due_at
        if due is None:
            return None
        return self.calendar.previous_working_day(vn_date(due, field="due_at"))

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
        due = self._timeline.base.due_at
        for seg in self._timeline.segments:
            if at < seg.span.requested_at:
                break
            resubmitted = seg.span.resubmitted_at
            if seg.resumed is None or resubmitted is None or at < resubmitted:
                return seg.span.requested_at, seg.due_before, True
            due = seg.resumed.due_at
        if use_extension:
            for ext in self.extensions:
                if ext.apology_at is None or at >= ext.apology_at:
                    due = ext.new_due_at
        return at, due, False

    def is_paused(self, at: dt.datetime) -> bool:
        """Whether the clock is stopped at ``at``, waiting for a supplement.

        From the request (included) to the resubmission (excluded).
        """
        return self._state_at(at)[2]

    def remaining(self, at: dt.datetime) -> WorkingTime:
        """Office time left at ``at``, negative once overdue.

        While a supplement is awaited the value stays at what it was at the request. It can
        jump up at the resubmission: under :data:`~onestop.deadlines.RESTART` the time is
        counted again, and under :data:`~onestop.deadlines.PAUSE` with day units the paused
        days are given back whole. An extension applies from its apology letter (from the
        start when the letter's date is unknown). Once the dossier is finished the clock is
        stopped: later instants give the value at ``finished_at``.

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
        by default an extension does not move it (NĐ 61/2018 Art. 19(9) and NĐ 118/2025 Art.
        19(6) extend a dossier that is already going to be late — use ``against="extended"``
        to judge against the new appointment).
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
                due = self.extensions[-1].new_due_at
            return classify(due, finished_at=clock_at)
        if at is None:
            raise InvalidInputError(
                "at: the dossier is unfinished; pass at= (an aware datetime) to judge it",
                field="at",
            )
        clock_at, due_then, _ = self._state_at(at, use_extension=use_extension)
        return classify(due_then, at=clock_at)

    def timeliness_766(self, period_end_at: dt.datetime) -> Timeliness:
        """Classification for Decision 766/QĐ-TTg indicator 2.1 at the end of a period.

        Judged against the deadline counted at receipt (``NgayHenTra``), with the waiting time
        for supplements subtracted and more than one request counted as overdue
        (:func:`onestop.deadlines.timeliness.classify_766`). The end is ``finished_at``, else a
        pending request's instant, else ``period_end_at``.
        """
        pending = None
        if self.supplements and self.supplements[-1].resubmitted_at is None:
            pending = self.supplements[-1].requested_at
        end = end_instant_766(
            period_end_at=period_end_at,
            completed_at=self.finished_at,
            pending_supplement_at=pending,
        )
        return classify_766(self.base.due_at, end, self.supplements)

    # -------------------------------------------------------------- liên thông

    def step_deadlines(self, at: dt.datetime | None = None) -> tuple[StepDeadline, ...]:
        """Each liên thông step with its own due instant, counted from its start.

        A step finished exactly at its due instant is in time.

        Args:
            at: for unfinished steps, the instant to judge "over its share" at.
        """
        if at is not None:
            require_aware(at, field="at")
        out = []
        for step in self.steps:
            deadline = None
            if step.share is not None:
                deadline = self._count(step.started_at, step.share)
                due = deadline.due_at
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
        """What an officer should look at, as of ``at`` (default: the recorded facts only).

        In this order: a late answer to an online submission; supplement requests later than
        the window, more than one, pending, or unanswered past the closing period (as of
        ``at``); the re-appointments (late, missing or second apology letters, a date not
        later); liên thông steps over their share; overdue at ``at``. Each flag cites the
        rule set of the dossier (:attr:`rules`); a check its era does not have (the online
        answer limit and the closing period before 1 July 2025) is not made.
        """
        if at is not None:
            require_aware(at, field="at")
        rules = self.rules
        out: list[ClockFlag] = self._submission_flags(rules)
        cal = self.calendar
        window = rules.supplement_request_window
        start = self.received_at
        for i, span in enumerate(self.supplements):
            limit = cal.add_working_days(vn_date(start, field="received_at"), window)
            requested = vn_date(span.requested_at, field="requested_at")
            if requested > limit:
                values: dict[str, Any] = {"number": i + 1, "requested_on": requested}
                values |= {"limit": limit, "window": window}
                out.append(
                    ClockFlag(
                        FlagCode.LATE_SUPPLEMENT_REQUEST,
                        values,
                        rules.cite(Rule.SUPPLEMENT_WINDOW),
                    )
                )
            if span.resubmitted_at is not None:
                start = span.resubmitted_at
        if len(self.supplements) > 1:
            out.append(
                ClockFlag(
                    FlagCode.REPEATED_SUPPLEMENT_REQUEST,
                    {"count": len(self.supplements)},
                    rules.cite(Rule.SUPPLEMENT_ONCE),
                )
            )
        if self.supplements and self.supplements[-1].resubmitted_at is None:
            out.append(
                ClockFlag(FlagCode.SUPPLEMENT_PENDING, {}, rules.cite(self.supplement_policy.basis))
            )
            if at is not None and self.finished_at is None:
                out.extend(self._expired_supplement_flags(rules, at))
        out.extend(self._extension_flags(rules))
        for sd in self.step_deadlines(at):
            if sd.over_share:
                out.append(
                    ClockFlag(
                        FlagCode.STEP_OVER_SHARE,
                        {"agency": sd.step.agency, "share": sd.step.share, "due_at": sd.due_at},
                        rules.cite(Rule.LIEN_THONG),
                    )
                )
        if at is not None and self.finished_at is None and self.is_overdue(at):
            out.append(ClockFlag(FlagCode.OVERDUE, {"at": at}, rules.cite(Rule.TIMELINESS)))
        return tuple(out)

    def _submission_flags(self, rules: RuleSet) -> list[ClockFlag]:
        """An online dossier answered later than the era's limit (NĐ 118/2025 Art. 17(2)(c))."""
        sub = self.submission
        hours = rules.online_answer_hours
        if sub is None or hours is None or sub.channel is not Channel.ONLINE:
            return []
        answered = sub.answered_at if sub.answered_at is not None else self.received_at
        limit_at = self.calendar.add_working_time(sub.submitted_at, WorkingTime.of(hours=hours))
        if answered <= limit_at:
            return []
        values = {
            "submitted_at": sub.submitted_at,
            "answered_at": answered,
            "limit_at": limit_at,
            "hours": hours,
            "elapsed": self.calendar.working_time_between(sub.submitted_at, answered),
        }
        return [ClockFlag(FlagCode.LATE_ONLINE_ACCEPTANCE, values, rules.cite(Rule.ONLINE_ANSWER))]

    def supplement_close_date(self) -> dt.date | None:
        """The last day of the period the applicant has to answer the pending supplement request.

        NĐ 118/2025/NĐ-CP Art. 19(5): "Sau 15 ngày kể từ khi thông báo … nếu tổ chức, cá nhân
        không hoàn thành việc hoàn thiện hồ sơ, … thực hiện đóng hồ sơ". The period starts the
        day after the request (Civil Code 2015 Art. 147(2)); in calendar days (the default of
        :attr:`RuleSet.supplement_close_unit <onestop.deadlines.RuleSet.supplement_close_unit>`,
        our reading) its last day moves to the next working day when it is not one (Art.
        148(5)); in working days it is the N-th working day after the request. From the day
        after it, the dossier should be closed. ``None`` when no request is pending or the
        era has no such rule (NĐ 61/2018).
        """
        days = self.rules.supplement_close_days
        if days is None or not self.supplements or self.supplements[-1].resubmitted_at is not None:
            return None
        requested = vn_date(self.supplements[-1].requested_at, field="requested_at")
        if self.rules.supplement_close_unit is TimeUnit.WORKING_DAYS:
            return self.calendar.add_working_days(requested, days)
        return self.calendar.add_calendar_days(requested, days)

    def _expired_supplement_flags(self, rules: RuleSet, at: dt.datetime) -> list[ClockFlag]:
        last_day = self.supplement_close_date()
        if last_day is None or vn_date(at, field="at") <= last_day:
            return []
        span = self.supplements[-1]
        values = {
            "number": len(self.supplements),
            "requested_on": vn_date(span.requested_at, field="requested_at"),
            "days": rules.supplement_close_days,
            "unit": rules.supplement_close_unit,
            "last_day": last_day,
            "at": at,
        }
        return [ClockFlag(FlagCode.SUPPLEMENT_EXPIRED, values, rules.cite(Rule.SUPPLEMENT_CLOSE))]

    def _extension_flags(self, rules: RuleSet) -> list[ClockFlag]:
        ext = self.extension
        latest = self.apology_due_date
        if ext is None or latest is None:
            return []
        basis = rules.cite(Rule.EXTENSION)
        out: list[ClockFlag] = []
        if self.later_extensions:
            count = {"count": len(self.extensions)}
            out.append(ClockFlag(FlagCode.REPEATED_EXTENSION, count, basis))
        due = self.original_due_at
        if due is not None and ext.new_due_at <= due:
            not_later = {"new_due_at": ext.new_due_at, "due_at": due}
            out.append(ClockFlag(FlagCode.EXTENSION_NOT_LATER, not_later, basis))
        if ext.apology_at is None:
            return [*out, ClockFlag(FlagCode.MISSING_APOLOGY, {}, basis)]
        issued = vn_date(ext.apology_at, field="apology_at")
        if issued <= latest:
            return out
        late = {"issued_on": issued, "latest": latest}
        return [*out, ClockFlag(FlagCode.LATE_APOLOGY, late, basis)]

    # -------------------------------------------------------------- explanation

    def explanation(self, at: dt.datetime | None = None) -> Explanation:
        """The reasoning behind the due date, step by step, each with its legal basis.

        First which text governs and why (the rule set in force at the receipt, or the one
        chosen with ``rules=``); then the receipt (with the date arithmetic of the deadline
        counted then), each supplement request and what it did, the re-appointments, each
        liên thông step, the flags as of ``at``, and the result with its timeliness.
        """
        rules = self.rules
        base = self.base
        steps = [
            governing_step(self.received_at, self._rules),
            ExplanationStep(
                StepKind.RECEIPT,
                Topic.CLOCK_RECEIPT,
                base.received_at.date(),
                at=self.received_at,
                values={"processing_time": self.processing_time, "due_at": base.due_at},
                basis=rules.cite(Rule.RECEIPT),
                detail=_without_governing(base.explanation),
            ),
        ]
        basis = rules.cite(self.supplement_policy.basis)
        for segment in self._timeline.segments:
            requested = segment.span.requested_at
            resumed = segment.resumed
            if resumed is None:
                steps.append(
                    ExplanationStep(
                        StepKind.SUPPLEMENT,
                        Topic.SUPPLEMENT_AWAITED,
                        vn_date(requested, field="requested_at"),
                        at=requested,
                        values={"number": segment.number},
                        basis=basis,
                    )
                )
                continue
            if resumed.deadline is not None:
                detail = _without_governing(resumed.deadline.explanation)
            else:
                # no recounted deadline: the days between the due date counted at receipt and
                # the moved one (a pause adds to that deadline) explain the move
                first = base.due_date + dt.timedelta(days=1)
                last = vn_date(resumed.due_at, field="due_at")
                detail = Explanation(tuple(day_steps(self.calendar, first, last)))
            steps.append(
                ExplanationStep(
                    StepKind.SUPPLEMENT,
                    resumed.topic,
                    vn_date(requested, field="requested_at"),
                    at=requested,
                    values={**resumed.values, "number": segment.number},
                    basis=basis,
                    detail=detail if detail.steps else None,
                )
            )
        ext = self.extension
        original = self.original_due_at
        if ext is not None and original is not None:
            due_before = original
            for span in self.extensions:
                latest = self.calendar.previous_working_day(vn_date(due_before, field="due_at"))
                steps.append(
                    ExplanationStep(
                        StepKind.EXTENSION,
                        Topic.EXTENSION,
                        vn_date(span.new_due_at, field="new_due_at"),
                        at=span.new_due_at,
                        values={
                            "due_before": due_before,
                            "due_at": span.new_due_at,
                            "apology_at": span.apology_at,
                            "latest": latest,
                        },
                        basis=rules.cite(Rule.EXTENSION),
                    )
                )
                due_before = span.new_due_at
        for sd in self.step_deadlines(at):
            steps.append(
                ExplanationStep(
                    StepKind.LIEN_THONG,
                    Topic.LIEN_THONG,
                    vn_date(sd.step.started_at, field="started_at"),
                    at=sd.step.started_at,
                    values={"agency": sd.step.agency, "share": sd.step.share, "due_at": sd.due_at},
                    basis=rules.cite(Rule.LIEN_THONG),
                    detail=(
                        None if sd.deadline is None else _without_governing(sd.deadline.explanation)
                    ),
                )
            )
        steps.extend(flag.to_step() for flag in self.flags(at))
        if self.finished_at is not None and original is not None:
            values: dict[str, Any] = {
                "due_date": vn_date(original, field="due_at"),
                "timeliness": self.timeliness(),
            }
            if ext is not None:
                values["extended"] = self.timeliness(against="extended")
                values["new_due_date"] = vn_date(self.extensions[-1].new_due_at, field="new_due_at")
            steps.append(
                ExplanationStep(
                    StepKind.RESULT,
                    Topic.RESULT,
                    vn_date(self.finished_at, field="finished_at"),
                    at=self.finished_at,
                    values=values,
                    basis=rules.cite(Rule.TIMELINESS),
                )
            )
        return Explanation(tuple(steps))

    def explain(self, lang: Lang = "vi", *, at: dt.datetime | None = None) -> str:
        """The explanation as numbered text in Vietnamese (``"vi"``) or English (``"en"``).

        Raises:
            InvalidInputError: ``lang`` is not ``"vi"`` or ``"en"``.
        """
        return self.explanation(at).text(check_lang(lang))

    def to_dict(self, *, at: dt.datetime | None = None) -> dict[str, Any]:
        """A JSON-ready summary with stable keys.

        Keys: ``received_at``, ``processing_time`` (``amount``, ``unit``, ``cutoff``),
        ``supplement_policy``, ``counting_policy``, ``base_due_at`` (counted from receipt),
        ``original_due_at`` (after supplements), ``due_at`` (after the extension),
        ``finished_at``, ``at``, ``remaining_minutes`` / ``overdue`` / ``paused`` (``None``
        without ``at``), ``timeliness`` (``None`` when unfinished and no ``at``), ``flags``
        (``code``, ``vi``, ``en``, ``basis``), ``era`` (the governing text, e.g.
        ``"ND-118-2025"``) and ``explanation`` (``vi``, ``en``, ``steps``). Instants are ISO
        8601 strings.
        """

        def iso(value: dt.datetime | None) -> str | None:
            return None if value is None else value.isoformat()

        timeliness: Timeliness | None = None
        if self.finished_at is not None or at is not None:
            timeliness = self.timeliness(at)
        cutoff = self.processing_time.cutoff
        return {
            "received_at": iso(self.received_at),
            "processing_time": {
                "amount": self.processing_time.amount,
                "unit": self.processing_time.unit.value,
                "cutoff": None if cutoff is None else cutoff.isoformat(),
            },
            "supplement_policy": self.supplement_policy.name,
            "counting_policy": self.base.policy.name,
            "base_due_at": iso(self.base.due_at),
            "original_due_at": iso(self.original_due_at),
            "due_at": iso(self.due_at),
            "finished_at": iso(self.finished_at),
            "at": iso(at),
            "remaining_minutes": None if at is None else self.remaining(at).total_minutes(),
            "overdue": None if at is None else self.is_overdue(at),
            "paused": None if at is None else self.is_paused(at),
            "timeliness": None if timeliness is None else timeliness.value,
            "flags": [f.to_dict() for f in self.flags(at)],
            "era": self.era,
            "explanation": self.explanation(at).to_dict(),
        }


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


#: The desk's possible first answers to a submission: accept, ask for a supplement, refuse.
_ANSWERS = frozenset(
    {DossierStatus.RECEIVED, DossierStatus.SUPPLEMENT_REQUESTED, DossierStatus.REFUSED}
)


def _answered_at(dossier: Dossier) -> dt.datetime | None:
    """The desk's first answer to the submission, from the history (``None``: unknown)."""
    for event in dossier.events:
        if event.to_status in _ANSWERS and event.from_status is not event.to_status:
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
