"""Checking a rule table against onestop: every disagreement with its explanation and basis.

Each :class:`~onestop.testing.RuleCase` is counted by onestop's dossier clock
(:class:`~onestop.deadlines.DossierClock`: the deadline engine of ``compute_due`` plus
supplements, the extension and the timeliness rules), on the civil-service calendar unless
another is given. What the vendor expects is compared with what onestop computes:

* ``due``: the due instant in force (after supplements and the re-appointment), by date
  when the vendor gave a date, exactly when an instant; ``pending`` while a supplement is
  awaited;
* ``timeliness``: early / on time / late (TT 01/2018/TT-VPCP Art. 13) of a finished case, or
  in progress on time / overdue at ``at``;
* ``flags``: the clock's findings (late apology, supplement unanswered after 15 days…).

A disagreement carries onestop's step-by-step explanation in Vietnamese and English and the
citations behind it: the governing decree (NĐ 61/2018/NĐ-CP before 1 July 2025, NĐ
118/2025/NĐ-CP from then on), the Civil Code article, each notice that moved a day…
:meth:`RuleReport.to_junit` writes the report as JUnit XML for a CI server.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

import attrs

from onestop._version import __version__
from onestop.deadlines import (
    Citation,
    DossierClock,
    Explanation,
    ExtensionSpan,
    WorkCalendar,
    civil_service_calendar,
)
from onestop.errors import InvalidInputError, OneStopError
from onestop.models import Procedure, ProcessingTime
from onestop.testing._rule_tables import (
    PENDING,
    RowProblem,
    RuleCase,
    TableFormat,
    problems_error,
    read_rule_table,
)
from onestop.tz import format_instant, vn_date

__all__ = [
    "CaseResult",
    "Check",
    "Disagreement",
    "RuleReport",
    "check_case",
    "check_rules",
]

CheckField = Literal["due", "timeliness", "flags"]


@functools.cache
def _default_calendar() -> WorkCalendar:
    # A deadline says itself whether it is provisional; the checks do not warn.
    return civil_service_calendar(warn_provisional=False)


@attrs.frozen(slots=True)
class Check:
    """One comparison of a case.

    Attributes:
        field: ``"due"``, ``"timeliness"`` or ``"flags"``.
        expected: what the table says, as text (ISO 8601 for dates and instants).
        computed: what onestop computes, as text (``"pending"``: no due date while a
            supplement is awaited; ``"-"``: no flag).
        agreed: whether they agree.
    """

    field: CheckField
    expected: str
    computed: str
    agreed: bool


def _text(value: dt.datetime | dt.date | str | None) -> str:
    if value is None:
        return PENDING
    if isinstance(value, dt.datetime):
        return format_instant(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


@attrs.frozen(slots=True, eq=False)
class CaseResult:
    """onestop's answer to one case of a rule table.

    Attributes:
        case: the case.
        clock: the dossier clock that answered it.
        checks: one :class:`Check` per expectation the case gives.
    """

    case: RuleCase
    clock: DossierClock
    checks: tuple[Check, ...]

    @property
    def agreed(self) -> bool:
        """Whether every check agrees."""
        return all(c.agreed for c in self.checks)

    @property
    def disagreements(self) -> tuple[Disagreement, ...]:
        """The checks that disagree, each with this result."""
        return tuple(Disagreement(self, c) for c in self.checks if not c.agreed)

    @property
    def era(self) -> str:
        """The decree the case is counted under (``"ND-61-2018"`` or ``"ND-118-2025"``)."""
        return self.clock.era

    @property
    def provisional(self) -> bool:
        """Whether the count looked at a year without an official civil-service notice."""
        return self.clock.base.provisional

    def explanation(self) -> Explanation:
        """Onestop's reasoning for the case, step by step (at the case's ``at``)."""
        return self.clock.explanation(self.case.at)

    def basis(self) -> tuple[Citation, ...]:
        """The texts the reasoning relies on, each once, in the order they are first cited."""
        return self.explanation().citations()

    def report(self, lang: Literal["vi", "en"] = "vi") -> str:
        """A readable account: each check, the note, the basis and the explanation."""
        case = self.case
        verdict = "agrees" if self.agreed else "disagrees"
        lines = [f"{case.test_id}: onestop {verdict}"]
        for c in self.checks:
            mark = "ok" if c.agreed else "DIFFERS"
            lines.append(f"  {c.field}: expected {c.expected}, onestop {c.computed} [{mark}]")
        if case.note:
            lines.append(f"  note: {case.note}")
        lines.append(f"  era: {self.era}" + (" (provisional calendar)" if self.provisional else ""))
        lines.append("  basis: " + "; ".join(c.text(lang) for c in self.basis()))
        lines.append(f"  explanation ({lang}):")
        lines.extend(f"    {line}" for line in self.explanation().text(lang).splitlines())
        return "\n".join(lines)

    def assert_agrees(self) -> None:
        """Do nothing when onestop agrees; otherwise fail with :meth:`report`.

        Raises:
            AssertionError: a check disagrees (the message holds the report in Vietnamese
                and the English explanation).
        """
        if not self.agreed:
            english = self.explanation().text("en")
            raise AssertionError(
                self.report("vi")
                + "\n  explanation (en):\n"
                + "\n".join(f"    {line}" for line in english.splitlines())
            )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form: ``row``, ``id``, ``agreed``, ``era``, ``provisional``, ``checks``."""
        return {
            "row": self.case.row,
            "id": self.case.id,
            "agreed": self.agreed,
            "era": self.era,
            "provisional": self.provisional,
            "checks": [attrs.asdict(c) for c in self.checks],
        }


@attrs.frozen(slots=True, eq=False)
class Disagreement:
    """One check of one case where onestop answers otherwise.

    Attributes:
        result: the case's result (its explanation and basis).
        check: the check that disagrees.
    """

    result: CaseResult = attrs.field(repr=False)
    check: Check

    @property
    def row(self) -> int:
        """The case's 1-based number in the table."""
        return self.result.case.row

    @property
    def id(self) -> str:
        """The case's readable name."""
        return self.result.case.id

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form.

        Keys: ``row``, ``id``, ``field``, ``expected``, ``computed``, ``note``, ``era``,
        ``provisional``, ``explanation`` (``vi``, ``en``: onestop's numbered reasoning) and
        ``basis`` (the citations it relies on: ``instrument``, ``article``, ``url``, ``vi``,
        ``en``).
        """
        explanation = self.result.explanation()
        return {
            "row": self.row,
            "id": self.id,
            "field": self.check.field,
            "expected": self.check.expected,
            "computed": self.check.computed,
            "note": self.result.case.note,
            "era": self.result.era,
            "provisional": self.result.provisional,
            "explanation": {"vi": explanation.text("vi"), "en": explanation.text("en")},
            "basis": [c.to_dict() for c in explanation.citations()],
        }


def _clock(case: RuleCase, calendar: WorkCalendar) -> DossierClock:
    extension = None
    if case.extension_due is not None:
        new_due = case.extension_due
        if not isinstance(new_due, dt.datetime):
            new_due = calendar.closing_time(new_due)
        extension = ExtensionSpan(new_due, case.apology_at)
    return DossierClock(
        case.received_at,
        case.processing_time,
        calendar=calendar,
        supplement_policy=case.supplement_policy,
        supplements=case.supplements,
        extension=extension,
        finished_at=case.finished_at,
        counting_policy=case.policy,
        rules=case.era,
    )


def _checks(case: RuleCase, clock: DossierClock) -> tuple[Check, ...]:
    checks: list[Check] = []
    expected = case.expected_due
    if expected is not None:
        due = clock.due_at
        if expected == PENDING:
            agreed = due is None
        elif isinstance(expected, dt.datetime):
            agreed = due == expected
        else:
            agreed = due is not None and vn_date(due, field="due_at") == expected
        checks.append(Check("due", _text(expected), _text(due), agreed))
    if case.expected_timeliness is not None:
        computed = clock.timeliness(case.at, against=case.timeliness_against)
        checks.append(
            Check(
                "timeliness",
                case.expected_timeliness.value,
                computed.value,
                computed is case.expected_timeliness,
            )
        )
    if case.expected_flags is not None:
        codes = frozenset(f.code for f in clock.flags(case.at))
        checks.append(
            Check(
                "flags",
                "; ".join(sorted(case.expected_flags)) or "-",
                "; ".join(sorted(codes)) or "-",
                codes == case.expected_flags,
            )
        )
    return tuple(checks)


def check_case(case: RuleCase, *, calendar: WorkCalendar | None = None) -> CaseResult:
    """Count one case with onestop and compare.

    Args:
        case: a case of :func:`~onestop.testing.load_rule_cases`.
        calendar: the working calendar (default: the civil-service calendar, without
            provisional-year warnings; :attr:`CaseResult.provisional` says so).

    Raises:
        InvalidInputError: the case cannot be counted as given (events out of order, a
            supplement before the receipt, a result before the resubmission…).
        CalendarDataMissingError: a date outside the calendar's years.
    """
    cal = _default_calendar() if calendar is None else calendar
    clock = _clock(case, cal)
    return CaseResult(case, clock, _checks(case, clock))


@attrs.frozen(slots=True, eq=False)
class RuleReport:
    """The result of checking a whole rule table.

    Attributes:
        results: one per case, in table order.
        source: the table's name (its file name), for reports.
        ignored_columns: the table's columns that are not rule-table columns.
    """

    results: tuple[CaseResult, ...]
    source: str = "<cases>"
    ignored_columns: tuple[str, ...] = ()

    @property
    def cases(self) -> int:
        """How many cases were checked."""
        return len(self.results)

    @property
    def agreed(self) -> int:
        """How many cases agree on every check."""
        return sum(r.agreed for r in self.results)

    @property
    def all_agree(self) -> bool:
        """Whether every case agrees."""
        return all(r.agreed for r in self.results)

    @property
    def disagreements(self) -> tuple[Disagreement, ...]:
        """Every disagreeing check, in table order (a case may have several)."""
        return tuple(d for r in self.results for d in r.disagreements)

    def summary(self) -> str:
        """One line: how many cases, how many agree."""
        if self.all_agree:
            return f"{self.source}: {self.cases} cases, all agree with onestop"
        failing = self.cases - self.agreed
        return (
            f"{self.source}: {self.cases} cases, {self.agreed} agree, {failing} disagree with "
            "onestop"
        )

    def to_dict(self, *, limit: int | None = None) -> dict[str, Any]:
        """A JSON-ready form.

        Keys: ``source``, ``cases``, ``agreed`` (cases agreeing on every check),
        ``all_agree``, ``disagreements`` (see :meth:`Disagreement.to_dict`; the first
        ``limit`` when given), ``ignored_columns``.
        """
        found = self.disagreements
        shown = found if limit is None else found[:limit]
        return {
            "source": self.source,
            "cases": self.cases,
            "agreed": self.agreed,
            "all_agree": self.all_agree,
            "disagreements": [d.to_dict() for d in shown],
            "ignored_columns": list(self.ignored_columns),
        }

    def to_junit(self, *, name: str | None = None) -> str:
        """The report as JUnit XML: one ``testsuite``, one ``testcase`` per case.

        A disagreeing case has one ``failure`` (``type="disagreement"``) whose ``message``
        lists the checks that differ and whose text is :meth:`CaseResult.report` in Vietnamese
        and the English explanation. Times are ``0``: the report is the same on every run.

        Args:
            name: the suite's name (default: :attr:`source`).
        """
        suite_name = name or self.source
        failures = str(self.cases - self.agreed)
        counts = {"tests": str(self.cases), "failures": failures, "errors": "0", "skipped": "0"}
        root = ET.Element("testsuites", {"name": "onestop check-rules", **counts, "time": "0"})
        suite = ET.SubElement(root, "testsuite", {"name": suite_name, **counts, "time": "0"})
        properties = ET.SubElement(suite, "properties")
        ET.SubElement(properties, "property", {"name": "onestop.version", "value": __version__})
        classname = "check-rules." + Path(suite_name).stem.replace(".", "_")
        for result in self.results:
            testcase = ET.SubElement(
                suite,
                "testcase",
                {"name": result.case.test_id, "classname": classname, "time": "0"},
            )
            if not result.agreed:
                message = "; ".join(
                    f"{c.field}: expected {c.expected}, onestop {c.computed}"
                    for c in result.checks
                    if not c.agreed
                )
                failure = ET.SubElement(
                    testcase, "failure", {"message": message, "type": "disagreement"}
                )
                english = result.explanation().text("en")
                failure.text = (
                    result.report("vi")
                    + "\n  explanation (en):\n"
                    + "\n".join(f"    {line}" for line in english.splitlines())
                )
            if result.case.note:
                ET.SubElement(testcase, "system-out").text = result.case.note
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

    def write_junit(self, path: str | os.PathLike[str], *, name: str | None = None) -> None:
        """Write :meth:`to_junit` to ``path`` (UTF-8).

        Raises:
            InvalidInputError: the file cannot be written (field ``junit``).
        """
        text = self.to_junit(name=name)
        target = Path(path)
        try:
            target.write_text(text, encoding="utf-8")
        except OSError as exc:
            raise InvalidInputError(
                f"junit: cannot write {target.name!r} ({exc.strerror or type(exc).__name__}); "
                "give a path in an existing, writable directory",
                field="junit",
            ) from None


def check_rules(
    cases: str | os.PathLike[str] | bytes | Sequence[Mapping[str, Any]] | Iterable[RuleCase],
    *,
    calendar: WorkCalendar | None = None,
    format: TableFormat | None = None,
    sheet: str | int | None = None,
    columns: Mapping[str, str] | None = None,
    procedures: Mapping[str, Procedure | ProcessingTime] | Iterable[Procedure] | None = None,
    name: str | None = None,
) -> RuleReport:
    """Check every case of a rule table against onestop.

    Example:
        >>> report = check_rules(
        ...     [{"received": "13/02/2026 10:00", "amount": 5, "expected_due": "27/02/2026"}]
        ... )
        >>> (report.cases, report.agreed, report.all_agree)
        (1, 1, True)

    Args:
        cases: a rule table (path, bytes with ``format``, or rows as mappings; see
            :func:`~onestop.testing.load_rule_cases`) or cases already loaded.
        calendar: the working calendar (default: the civil-service calendar).
        format: as :func:`~onestop.testing.load_rule_cases`.
        sheet: as :func:`~onestop.testing.load_rule_cases`.
        columns: as :func:`~onestop.testing.load_rule_cases`.
        procedures: as :func:`~onestop.testing.load_rule_cases`.
        name: the table's name in messages and reports (default: the file name).

    Returns:
        The report: :attr:`RuleReport.all_agree`, the disagreements with their explanations.

    Raises:
        InvalidInputError: a malformed table, or cases that cannot be counted as given (every
            row is tried first; the message lists the problems with their row and column).
        MissingExtraError: a YAML or Excel table without its extra.
    """
    source = name or "<cases>"
    ignored: tuple[str, ...] = ()
    loaded: tuple[RuleCase, ...]
    if isinstance(cases, str | os.PathLike | bytes | bytearray | memoryview) or (
        isinstance(cases, Sequence) and all(isinstance(c, Mapping) for c in cases)
    ):
        loaded, ignored, source = read_rule_table(
            cases,
            format=format,
            sheet=sheet,
            columns=columns,
            procedures=procedures,
            name=name,
        )
    else:
        given: tuple[object, ...] = tuple(cases)
        strays = [type(c).__name__ for c in given if not isinstance(c, RuleCase)]
        if strays:
            raise InvalidInputError(
                f"cases: expected a rule table or RuleCase objects, got a {strays[0]}",
                field="cases",
            )
        loaded = tuple(c for c in given if isinstance(c, RuleCase))
    results: list[CaseResult] = []
    problems: list[RowProblem] = []
    for case in loaded:
        try:
            results.append(check_case(case, calendar=calendar))
        except OneStopError as exc:
            field = exc.field or "cases"
            problems.append((case.row, field, exc.message.removeprefix(f"{field}: ")))
    if problems:
        raise problems_error(problems, source)
    return RuleReport(tuple(results), source=source, ignored_columns=ignored)
