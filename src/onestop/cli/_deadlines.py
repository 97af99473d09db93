"""The ``onestop due`` and ``onestop working-days`` commands."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    app,
    console,
    format_instant,
    handle_errors,
    print_json,
    text_value,
)
from onestop.deadlines.calendar import WorkCalendar, civil_service_calendar
from onestop.deadlines.hours import OfficeHours
from onestop.deadlines.policies import (
    CountingPolicy,
    SameDayPolicy,
    format_day,
    policy_by_name,
    policy_for,
)
from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

__all__ = ["due_command", "working_days_command"]

_UNITS = {u.value.replace("_", "-"): u for u in TimeUnit}


def _parse_instant(text: str, field: str) -> dt.datetime:
    """An aware instant; converted to Vietnam time by the library (which reports overflow)."""
    try:
        value = dt.datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"{field}: {text!r} is not an ISO 8601 date-time; expected e.g. "
            "2026-02-13T10:00:00+07:00",
            field=field,
        ) from None
    if value.utcoffset() is None:
        raise InvalidInputError(
            f"{field}: {text!r} has no UTC offset; add one, e.g. 2026-02-13T10:00:00+07:00 "
            "(Vietnam local time)",
            field=field,
        )
    return value


def _parse_date(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"{field}: {text!r} is not a date; expected YYYY-MM-DD, e.g. 2026-02-13",
            field=field,
        ) from None


def _parse_unit(text: str) -> TimeUnit:
    unit = _UNITS.get(text.strip().lower().replace("_", "-"))
    if unit is None:
        raise InvalidInputError(
            f"unit: {text!r} is not a unit; expected one of {', '.join(sorted(_UNITS))}",
            field="unit",
        )
    return unit


def _parse_cutoff(text: str) -> dt.time:
    try:
        value = dt.time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInputError(
            f"cutoff: {text!r} is not a time; expected HH:MM, e.g. 15:00", field="cutoff"
        ) from None
    if value.tzinfo is not None:
        raise InvalidInputError("cutoff: give a local time without offset", field="cutoff")
    return value


def _calendar(office_hours: str | None = None) -> WorkCalendar:
    hours = None if office_hours is None else OfficeHours.parse(office_hours)
    return civil_service_calendar(office_hours=hours, warn_provisional=False)


@app.command("due")
@handle_errors
def due_command(
    received: Annotated[
        str,
        typer.Option(
            "--received",
            parser=text_value,
            metavar="INSTANT",
            help="Receipt instant, ISO 8601 with offset: 2026-02-13T10:00:00+07:00.",
        ),
    ],
    amount: Annotated[int, typer.Option("--amount", help="Processing time amount (>= 0).")] = 0,
    unit: Annotated[
        str | None,
        typer.Option(
            "--unit",
            parser=text_value,
            metavar="UNIT",
            help="working-days, working-hours, calendar-days, months or same-day (default: "
            "working-days, or the --policy's own unit when it does not count working days).",
        ),
    ] = None,
    policy: Annotated[
        str | None,
        typer.Option(
            "--policy",
            parser=text_value,
            metavar="POLICY",
            help="Counting policy: working-days, working-hours, same-day, calendar-days, months "
            "(default: the unit's own).",
        ),
    ] = None,
    cutoff: Annotated[
        str | None,
        typer.Option(
            "--cutoff",
            parser=text_value,
            metavar="HH:MM",
            help="Same-day cut-off hour, HH:MM (default 15:00).",
        ),
    ] = None,
    office_hours: Annotated[
        str | None,
        typer.Option(
            "--office-hours",
            parser=text_value,
            metavar="SESSIONS",
            help="Office sessions, e.g. '07:30-11:30,13:00-17:00' (default).",
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            "--explain",
            metavar="",
            help="Print the step-by-step reasoning (Vietnamese, then English); --json always "
            "carries it.",
        ),
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Compute the due instant of a dossier (hạn trả kết quả) on the civil-service calendar.

    With --json, print one object: due (ISO 8601 with offset), received, amount, unit, policy,
    provisional and explanation (vi, en, steps).
    """
    when = _parse_instant(received, "received")
    time_unit = TimeUnit.WORKING_DAYS if unit is None else _parse_unit(unit)
    if unit is None and policy is not None:
        named = policy_by_name(policy)
        if TimeUnit.WORKING_DAYS not in named.units:
            time_unit = named.default_unit
    if amount < 0:
        raise InvalidInputError(f"amount: must be >= 0, got {amount}", field="amount")
    rule: CountingPolicy
    if policy is not None:
        rule = policy_by_name(policy)
        if cutoff is not None:
            if not isinstance(rule, SameDayPolicy):
                raise InvalidInputError(
                    "cutoff: --cutoff applies to the same-day policy only", field="cutoff"
                )
            rule = SameDayPolicy(cutoff=_parse_cutoff(cutoff))
    elif time_unit is TimeUnit.SAME_DAY:
        rule = SameDayPolicy(cutoff=dt.time(15) if cutoff is None else _parse_cutoff(cutoff))
    else:
        if cutoff is not None:
            raise InvalidInputError(
                "cutoff: --cutoff applies to --unit same-day only", field="cutoff"
            )
        rule = policy_for(ProcessingTime(amount=0, unit=time_unit))
    # The calendar does not warn: the deadline's own flag says whether it is provisional.
    calendar = _calendar(office_hours)
    deadline = rule.due(calendar, when, amount, time_unit)
    provisional = deadline.provisional
    explanation: dict[str, Any] | None = None
    if explain or json_:
        steps = deadline.steps
        explanation = {
            "vi": deadline.explain("vi"),
            "en": deadline.explain("en"),
            "steps": [s.to_dict() for s in steps],
        }
    if json_:
        out = deadline.to_dict()
        out["due"] = format_instant(deadline.due)
        out["received"] = format_instant(deadline.received)
        out["explanation"] = explanation
        print_json(out)
        return
    local = deadline.due.astimezone(VN_TZ)
    console.print(
        f"due: {format_instant(local)}  ({local:%H:%M} {format_day(local.date(), 'vi')})",
        markup=False,
    )
    if isinstance(rule, SameDayPolicy):
        period = "same day" + (f", cut-off {rule.cutoff:%H:%M}" if rule.cutoff else "")
    else:
        words = deadline.unit.value.replace("_", " ")
        period = f"{deadline.amount} {words.removesuffix('s') if deadline.amount == 1 else words}"
    console.print(f"policy: {deadline.policy}; {period}", markup=False)
    if provisional:
        console.print(
            "warning: depends on a year without an official civil-service notice (provisional)",
            markup=False,
        )
    if explain and explanation is not None:
        console.print("", markup=False)
        console.print(explanation["vi"], markup=False, soft_wrap=True)
        console.print("", markup=False)
        console.print(explanation["en"], markup=False, soft_wrap=True)


@app.command("working-days")
@handle_errors
def working_days_command(
    start: Annotated[str, typer.Argument(metavar="FROM", help="First date, YYYY-MM-DD.")],
    end: Annotated[str, typer.Argument(metavar="TO", help="Last date, YYYY-MM-DD.")],
    include_start: Annotated[
        bool,
        typer.Option("--include-start", metavar="", help="Count FROM too (default: excluded)."),
    ] = False,
    exclude_end: Annotated[
        bool, typer.Option("--exclude-end", metavar="", help="Do not count TO (default: included).")
    ] = False,
    json_: JsonOption = False,
) -> None:
    """Count the civil-service working days from FROM to TO: (FROM, TO] by default."""
    a = _parse_date(start, "from")
    b = _parse_date(end, "to")
    calendar = _calendar()
    count = calendar.working_days_between(
        a, b, include_start=include_start, include_end=not exclude_end
    )
    provisional = bool(calendar.provisional_years(a, b))
    if json_:
        print_json(
            {
                "from": a.isoformat(),
                "to": b.isoformat(),
                "working_days": count,
                "include_start": include_start,
                "include_end": not exclude_end,
                "provisional": provisional,
            }
        )
        return
    left = "[" if include_start else "("
    right = ")" if exclude_end else "]"
    console.print(
        f"{count} working days in {left}{a.isoformat()}, {b.isoformat()}{right}"
        + (" (provisional year involved)" if provisional else ""),
        markup=False,
    )
