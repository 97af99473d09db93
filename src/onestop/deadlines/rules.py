"""The legal texts the deadline engine cites, by era: citations, rules and rule sets.

A dossier is governed by the texts in force at its **receipt**, never by today's date, and an
archive or an audit spans eras:

* :data:`RULES_61_2018` — NĐ 61/2018/NĐ-CP (in force from 21 June 2018, amended by NĐ
  107/2021/NĐ-CP), for dossiers received before 1 July 2025 00:00 Vietnam time;
* :data:`RULES_118_2025` — NĐ 118/2025/NĐ-CP, from then on (its Art. 40(1) makes the two older
  decrees lapse that day).

:func:`rules_for` chooses by the receipt instant (one comparison with a precomputed boundary);
``rules=`` (a :class:`RuleSet` or a name, :func:`rules_by_name`) overrides the choice wherever a
deadline or a clock is built. Each :class:`Rule` the engine applies is cited by the rule set
(:meth:`RuleSet.cite`), which also carries the era's numbers (the supplement window, the
online answer limit, the closing period). :mod:`onestop.deadlines.explain` renders the
citations; the holidays cite their own notices (data).

Example:
    >>> import datetime as dt
    >>> from onestop.tz import VN_TZ
    >>> rules = rules_for(dt.datetime(2025, 7, 1, 8, tzinfo=VN_TZ))
    >>> rules.era, rules.cite(Rule.SUPPLEMENT_RESTART)[0].text()
    ('ND-118-2025', 'NĐ 118/2025/NĐ-CP Điều 19 khoản 5')
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from enum import StrEnum
from types import MappingProxyType
from typing import Any

import attrs

from onestop.deadlines._text import Lang, check_lang
from onestop.errors import DeadlineError, InvalidInputError
from onestop.models import TimeUnit
from onestop.tz import VN_TZ, require_aware

__all__ = [
    "ERAS",
    "RULES_61_2018",
    "RULES_118_2025",
    "RULE_SETS",
    "Citation",
    "Rule",
    "RuleSet",
    "resolve_rules",
    "rules_by_name",
    "rules_for",
]


def _frozen_citations(
    value: Mapping[Rule, tuple[Citation, ...]],
) -> Mapping[Rule, tuple[Citation, ...]]:
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class Citation:
    """A legal text (or a notice, or a precedent) a step relies on.

    Attributes:
        instrument: the text, as Vietnamese practice cites it: ``"NĐ 61/2018/NĐ-CP"``,
            ``"BLDS 2015"``, ``"Công văn 12729/VPCP-KGVX"``.
        article: the provision, ``"Điều 19 khoản 4"``; empty for the whole text.
        en: the English wording, when the citation is not a legal reference that reads the
            same in both languages (a precedent); ``None`` otherwise.
        url: where the text can be read, when known.

    Example:
        >>> Citation("NĐ 61/2018/NĐ-CP", "Điều 19 khoản 4").text()
        'NĐ 61/2018/NĐ-CP Điều 19 khoản 4'
    """

    instrument: str
    article: str = ""
    en: str | None = attrs.field(default=None, kw_only=True)
    url: str | None = attrs.field(default=None, kw_only=True)

    def text(self, lang: Lang = "vi") -> str:
        """The citation as written in ``lang``'s text."""
        if check_lang(lang) == "en" and self.en is not None:
            return self.en
        return f"{self.instrument} {self.article}" if self.article else self.instrument

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form: ``instrument``, ``article``, ``url``, ``vi``, ``en``."""
        return {
            "instrument": self.instrument,
            "article": self.article or None,
            "url": self.url,
            "vi": self.text("vi"),
            "en": self.text("en"),
        }


class Rule(StrEnum):
    """A rule the deadline engine applies; a :class:`RuleSet` says which text sets it."""

    GOVERNING_TEXT = "governing_text"
    """Which text governs a dossier: the one in force at its receipt."""
    FIRST_DAY_EXCLUDED = "first_day_excluded"
    """The day of the event that starts a period is not counted (Civil Code)."""
    DAY_PERIOD_END = "day_period_end"
    """A period of days ends at the end of its last day."""
    MONTH_PERIOD_END = "month_period_end"
    """A period of months ends on the same day-number, or the month's last day."""
    NEXT_WORKING_DAY = "next_working_day"
    """A period whose last day is not a working day ends on the next working day."""
    RECEIPT_DAY_COUNTS = "receipt_day_counts"
    """A sector rule counting the receipt day itself ("kể từ ngày nhận")."""
    WORKING_DAYS = "working_days"
    """Processing times in working days, from the receipt of a complete dossier."""
    WORKING_HOURS = "working_hours"
    """Working time counted from the receipt instant inside office hours (precedent)."""
    SAME_DAY = "same_day"
    """Same-day procedures: after the cut-off, the next working day."""
    RECEIPT = "receipt"
    """The clock starts at the receipt of a complete dossier."""
    ONLINE_ANSWER = "online_answer"
    """An online dossier is accepted, or sent back, within a few working hours."""
    SUPPLEMENT_RESTART = "supplement_restart"
    """After a supplement, the processing time is counted again from the start."""
    SUPPLEMENT_WINDOW = "supplement_window"
    """A supplement is requested within a few working days of receipt."""
    SUPPLEMENT_ONCE = "supplement_once"
    """A supplement is requested once."""
    SUPPLEMENT_PAUSE = "supplement_pause"
    """The time waiting for a supplement does not count."""
    SUPPLEMENT_CLOSE = "supplement_close"
    """A dossier whose supplement has not come back within a period is closed."""
    EXTENSION = "extension"
    """One extension, with an apology letter at the latest a day before the due date."""
    LIEN_THONG = "lien_thong"
    """Each agency of a liên thông procedure has its share of the time."""
    TIMELINESS = "timeliness"
    """Early / on time / late."""


def _bounded(low: int, high: int, *, optional: bool = False) -> Callable[[Any, Any, Any], None]:
    """An attrs validator: an ``int`` in ``[low, high]`` (or ``None`` when ``optional``)."""

    def check(_inst: Any, attribute: Any, value: Any) -> None:
        if value is None and optional:
            return
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            allowed = f"an integer from {low} to {high}" + (" or None" if optional else "")
            raise InvalidInputError(
                f"rules.{attribute.name}: expected {allowed}, got {value!r}",
                field=f"rules.{attribute.name}",
            )

    return check


def _check_close_unit(_inst: Any, _attribute: Any, value: Any) -> None:
    if value not in (TimeUnit.CALENDAR_DAYS, TimeUnit.WORKING_DAYS):
        raise InvalidInputError(
            "rules.supplement_close_unit: expected TimeUnit.CALENDAR_DAYS or "
            f"TimeUnit.WORKING_DAYS, got {value!r}",
            field="rules.supplement_close_unit",
        )


def _check_text(_inst: Any, attribute: Any, value: Any) -> None:
    if value is not None and (not isinstance(value, str) or not value.strip()):
        raise InvalidInputError(
            f"rules.{attribute.name}: expected non-empty text, got {value!r}",
            field=f"rules.{attribute.name}",
        )


def _as_tuple(value: Iterable[str]) -> tuple[str, ...]:
    if isinstance(value, str):  # one text, not its characters
        return (value,)
    return tuple(value)


def _check_texts(_inst: Any, attribute: Any, value: tuple[Any, ...]) -> None:
    for item in value:
        _check_text(_inst, attribute, item)


def _check_citations(_inst: Any, _attribute: Any, value: Mapping[Any, Any]) -> None:
    for rule, cited in value.items():
        if not isinstance(rule, Rule) or not isinstance(cited, tuple):
            raise InvalidInputError(
                "rules.citations: expected a mapping of Rule to a tuple of Citation, got "
                f"{type(rule).__name__} -> {type(cited).__name__}",
                field="rules.citations",
            )
        if not all(isinstance(c, Citation) for c in cited):
            raise InvalidInputError(
                f"rules.citations: the citations of {rule.value!r} must be Citation objects",
                field="rules.citations",
            )


@attrs.frozen(slots=True)
class RuleSet:
    """The legal texts in force for dossiers received in an era, by rule, and their numbers.

    A dossier is governed by the texts in force at its **receipt**, not today's: an archive or
    an audit spans eras. :func:`rules_for` chooses the rule set by the receipt instant
    (:data:`RULES_61_2018` before 1 July 2025, :data:`RULES_118_2025` from then on);
    ``rules=`` (a rule set or its name, :func:`rules_by_name`) overrides the choice wherever a
    deadline or a clock is built, e.g. for a sector law or to replay a dossier under the other
    text. Adapt a rule set with :meth:`replace`.

    Attributes:
        name: the governing text, e.g. ``"NĐ 118/2025/NĐ-CP"``.
        effective_from: the first receipt date it governs (``None``: from the start).
        citations: each :class:`Rule` with the citations that set it.
        code: the stable name of the era, e.g. ``"ND-118-2025"`` (``None`` for a custom set:
            :attr:`era` is then its :attr:`name`).
        amended_by: the texts that amended the governing one, e.g.
            ``("NĐ 107/2021/NĐ-CP",)``.
        supplement_request_window: working days after receipt (or after the previous
            resubmission) within which a supplement may be requested (1-60; 3 in both decrees
            unless a sector law says otherwise).
        online_answer_hours: working hours within which an online dossier must be accepted or
            sent back for completion (1-240), counted from its submission; ``None`` when the
            era sets no such limit (NĐ 61/2018).
        supplement_close_days: days after the supplement notice after which an unanswered
            dossier is closed (1-365); ``None`` when the era has no such rule (NĐ 61/2018).
        supplement_close_unit: the unit of ``supplement_close_days``:
            ``TimeUnit.CALENDAR_DAYS`` (default, our reading: NĐ 118/2025 Art. 19(5) says "15
            ngày", and a period of days counts calendar days under the Civil Code, the last day
            moved to the next working day by Art. 148(5)) or ``TimeUnit.WORKING_DAYS``.

    Raises:
        InvalidInputError: a value out of range or of the wrong type, naming the field
            (``rules.supplement_close_days``...).
    """

    name: str = attrs.field(validator=_check_text)
    effective_from: dt.date | None
    citations: Mapping[Rule, tuple[Citation, ...]] = attrs.field(
        converter=_frozen_citations, validator=_check_citations
    )
    code: str | None = attrs.field(default=None, kw_only=True, validator=_check_text)
    amended_by: tuple[str, ...] = attrs.field(
        default=(), kw_only=True, converter=_as_tuple, validator=_check_texts
    )
    supplement_request_window: int = attrs.field(default=3, kw_only=True, validator=_bounded(1, 60))
    online_answer_hours: int | None = attrs.field(
        default=None, kw_only=True, validator=_bounded(1, 240, optional=True)
    )
    supplement_close_days: int | None = attrs.field(
        default=None, kw_only=True, validator=_bounded(1, 365, optional=True)
    )
    supplement_close_unit: TimeUnit = attrs.field(
        default=TimeUnit.CALENDAR_DAYS, kw_only=True, validator=_check_close_unit
    )

    def __attrs_post_init__(self) -> None:
        if self.effective_from is not None and type(self.effective_from) is not dt.date:
            raise InvalidInputError(
                "rules.effective_from: expected a datetime.date or None, got "
                f"{type(self.effective_from).__name__}",
                field="rules.effective_from",
            )

    @property
    def era(self) -> str:
        """The era's stable name (:attr:`code`), else the governing text's :attr:`name`."""
        return self.code if self.code is not None else self.name

    @property
    def starts_at(self) -> dt.datetime | None:
        """The first receipt instant the set governs.

        00:00 of :attr:`effective_from`, Vietnam time; ``None`` when the set has no start.
        """
        if self.effective_from is None:
            return None
        return dt.datetime.combine(self.effective_from, dt.time(0), VN_TZ)

    def cite(self, rule: Rule) -> tuple[Citation, ...]:
        """The citations of ``rule``.

        Raises:
            DeadlineError: the rule set does not cite ``rule`` (an incomplete custom set).
        """
        try:
            return self.citations[rule]
        except KeyError:
            raise DeadlineError(
                f"rules: the rule set {self.name!r} cites nothing for {rule.value!r}",
                field="rules",
            ) from None

    def replace(self, **changes: Any) -> RuleSet:
        """A copy with some fields changed, checked like a new rule set.

        Example:
            >>> RULES_118_2025.replace(supplement_close_days=30).supplement_close_days
            30

        Raises:
            InvalidInputError: a value out of range, or an unknown field.
        """
        unknown = sorted(set(changes) - {a.name for a in attrs.fields(RuleSet)})
        if unknown:
            raise InvalidInputError(
                f"rules: unknown field {unknown[0]!r} of RuleSet", field=f"rules.{unknown[0]}"
            )
        return attrs.evolve(self, **changes)


_BLDS = "BLDS 2015"
_ND61 = "NĐ 61/2018/NĐ-CP"
_ND118 = "NĐ 118/2025/NĐ-CP"
_LAPSE = (Citation(_ND118, "Điều 40 khoản 1"),)

#: What both decrees leave to the Civil Code, the sector laws and the deployed systems.
_COMMON: Mapping[Rule, tuple[Citation, ...]] = MappingProxyType(
    {
        Rule.FIRST_DAY_EXCLUDED: (Citation(_BLDS, "Điều 147 khoản 2"),),
        Rule.DAY_PERIOD_END: (Citation(_BLDS, "Điều 148 khoản 1"),),
        Rule.MONTH_PERIOD_END: (Citation(_BLDS, "Điều 148 khoản 3"),),
        Rule.NEXT_WORKING_DAY: (Citation(_BLDS, "Điều 148 khoản 5"),),
        Rule.RECEIPT_DAY_COUNTS: (Citation("quy định chuyên ngành", en="the sector's own rule"),),
        Rule.WORKING_HOURS: (
            Citation(
                "cách tính của các hệ thống một cửa đang vận hành, tiền lệ: hệ thống Thanh Hóa",
                en="as deployed one-stop systems count (precedent: the Thanh Hóa system)",
            ),
        ),
        Rule.SAME_DAY: (
            Citation("Luật Hộ tịch 2014", "Điều 5 khoản 3"),
            Citation("NĐ 23/2015/NĐ-CP", "Điều 7"),
            Citation("NĐ 99/2022/NĐ-CP", "Điều 16 khoản 1"),
        ),
        Rule.SUPPLEMENT_PAUSE: (
            Citation(
                "QĐ 766/QĐ-TTg",
                "chỉ số 2.1 (thời gian bổ sung không tính)",
                en="QĐ 766/QĐ-TTg indicator 2.1 (the supplement time does not count)",
            ),
        ),
        # No text replacing the scoring of TT 01/2018 Art. 13 has been seen for the 2025 era.
        Rule.TIMELINESS: (Citation("TT 01/2018/TT-VPCP", "Điều 13"),),
    }
)

#: The rules as NĐ 61/2018/NĐ-CP (in force from 21 June 2018, amended by NĐ 107/2021/NĐ-CP),
#: the Civil Code 2015 and the sector laws set them: dossiers received before 1 July 2025,
#: when NĐ 118/2025/NĐ-CP Art. 40(1) made both decrees lapse. This decree has no time limit
#: for answering an online dossier and no rule closing an unanswered supplement request.
RULES_61_2018 = RuleSet(
    name=_ND61,
    effective_from=dt.date(2018, 6, 21),
    code="ND-61-2018",
    amended_by=("NĐ 107/2021/NĐ-CP",),
    citations={
        **_COMMON,
        Rule.GOVERNING_TEXT: _LAPSE,
        Rule.WORKING_DAYS: (Citation(_BLDS, "Điều 147 khoản 2"), Citation(_ND61, "Điều 17–19")),
        Rule.RECEIPT: (Citation(_ND61, "Điều 17"), Citation(_BLDS, "Điều 147")),
        Rule.SUPPLEMENT_RESTART: (Citation(_ND61, "Điều 19(4)"),),
        Rule.SUPPLEMENT_WINDOW: (Citation(_ND61, "Điều 19(4)"),),
        Rule.SUPPLEMENT_ONCE: (
            Citation(_ND61, "Điều 17(1)"),
            Citation("QĐ 766/QĐ-TTg", "chỉ số 2.1"),
        ),
        Rule.EXTENSION: (Citation(_ND61, "Điều 19(9)"), Citation("TT 01/2018/TT-VPCP", "Mẫu 04")),
        Rule.LIEN_THONG: (Citation(_ND61, "Điều 19(5)-(8)"),),
    },
)

#: The rules of NĐ 118/2025/NĐ-CP (9 June 2025, in force from 1 July 2025, Art. 40(1)), for
#: dossiers received from 1 July 2025 00:00 Vietnam time: the clock runs from the receipt of a
#: complete dossier (Art. 17(3)); an online dossier is accepted or sent back within 8 working
#: hours (Art. 17(2)(c)); a supplement is requested once (Arts. 11(2)(c), 16(3), 17(2)(a)),
#: within 3 working days of receipt, and the time restarts on resubmission (Art. 19(5)); a
#: dossier whose supplement has not come back 15 days after the notice is closed (Art. 19(5);
#: calendar days, our reading); the apology and new date come at the latest one day before the
#: due date, once (Art. 19(6), forms of TT 03/2025/TT-VPCP); each body of a liên thông
#: procedure has its own time limit (Arts. 19(4), 20(2)). Sector laws may set other periods
#: (Arts. 17(2)(c), 19(5)): adapt the set with :meth:`RuleSet.replace`.
RULES_118_2025 = RuleSet(
    name=_ND118,
    effective_from=dt.date(2025, 7, 1),
    code="ND-118-2025",
    online_answer_hours=8,
    supplement_close_days=15,
    supplement_close_unit=TimeUnit.CALENDAR_DAYS,
    citations={
        **_COMMON,
        Rule.GOVERNING_TEXT: _LAPSE,
        Rule.WORKING_DAYS: (
            Citation(_BLDS, "Điều 147 khoản 2"),
            Citation(_ND118, "Điều 17 khoản 3"),
        ),
        Rule.RECEIPT: (Citation(_ND118, "Điều 17 khoản 3"), Citation(_BLDS, "Điều 147")),
        Rule.ONLINE_ANSWER: (Citation(_ND118, "Điều 17 khoản 2 điểm c"),),
        Rule.SUPPLEMENT_RESTART: (Citation(_ND118, "Điều 19 khoản 5"),),
        Rule.SUPPLEMENT_WINDOW: (Citation(_ND118, "Điều 19 khoản 5"),),
        Rule.SUPPLEMENT_ONCE: (
            Citation(_ND118, "Điều 11 khoản 2 điểm c"),
            Citation(_ND118, "Điều 16 khoản 3"),
            Citation(_ND118, "Điều 17 khoản 2 điểm a"),
            Citation("QĐ 766/QĐ-TTg", "chỉ số 2.1"),
        ),
        Rule.SUPPLEMENT_CLOSE: (Citation(_ND118, "Điều 19 khoản 5"),),
        Rule.EXTENSION: (
            Citation(_ND118, "Điều 19 khoản 6"),
            Citation("TT 03/2025/TT-VPCP", "Phụ lục I Mẫu 04"),
        ),
        Rule.LIEN_THONG: (Citation(_ND118, "Điều 19 khoản 4"), Citation(_ND118, "Điều 20")),
    },
)

#: The rule sets of the eras, oldest first; :func:`rules_for` picks among them.
ERAS: tuple[RuleSet, ...] = (RULES_61_2018, RULES_118_2025)
#: The rule sets by :attr:`RuleSet.code` (``"ND-61-2018"``, ``"ND-118-2025"``).
RULE_SETS: Mapping[str, RuleSet] = MappingProxyType({r.era: r for r in ERAS})

# Each era's first receipt instant, newest first: the one comparison rules_for makes.
_STARTS: tuple[tuple[dt.datetime, RuleSet], ...] = tuple(
    (start, r) for r in reversed(ERAS[1:]) if (start := r.starts_at) is not None
)


def rules_for(received_at: dt.datetime) -> RuleSet:
    """The rule set governing a dossier received at ``received_at``.

    A dossier is governed by the texts in force at its receipt, never by today's date: before
    1 July 2025 00:00 Vietnam time, :data:`RULES_61_2018`; from then on, :data:`RULES_118_2025`
    (NĐ 118/2025/NĐ-CP Art. 40(1)). A receipt before NĐ 61/2018 took effect (21 June 2018)
    gets the 61/2018 rules too: no earlier rule set is defined, and the explanation says so.

    Args:
        received_at: the aware receipt instant (any offset: compared as an instant).

    Raises:
        InvalidInputError: ``received_at`` is naive or not a datetime.

    Example:
        >>> import datetime as dt
        >>> from onestop.tz import VN_TZ, require_aware
        >>> rules_for(dt.datetime(2025, 6, 30, 23, 59, tzinfo=VN_TZ)).era
        'ND-61-2018'
        >>> rules_for(dt.datetime(2025, 7, 1, tzinfo=VN_TZ)).era
        'ND-118-2025'
    """
    require_aware(received_at, field="received_at")
    for start, rules in _STARTS:
        if received_at >= start:
            return rules
    return ERAS[0]


def rules_by_name(name: str) -> RuleSet:
    """The rule set of an era by name.

    The name is the era's code (``"ND-118-2025"``, in any case, with ``_`` or spaces for
    ``-``) or its governing text (``"NĐ 118/2025/NĐ-CP"``).

    Raises:
        InvalidInputError: an unknown name (field ``rules``), listing the known ones.
    """
    if isinstance(name, str):
        key = "-".join(name.strip().upper().replace("_", "-").split())
        for rules in ERAS:
            if key == rules.era.upper() or name.strip() == rules.name:
                return rules
        shown = repr(name[:40])
    else:
        shown = f"a value of type {type(name).__name__}"
    raise InvalidInputError(
        f"rules: unknown era {shown}; expected one of {', '.join(RULE_SETS)} (or a RuleSet)",
        field="rules",
    )


def resolve_rules(rules: RuleSet | str | None) -> RuleSet | None:
    """A caller's ``rules=`` argument as a rule set: itself, the set of a name, or ``None``.

    ``None`` means "chosen by the receipt instant" (:func:`rules_for`).

    Raises:
        InvalidInputError: an unknown name, or a value that is neither (field ``rules``).
    """
    if rules is None or isinstance(rules, RuleSet):
        return rules
    return rules_by_name(rules)
