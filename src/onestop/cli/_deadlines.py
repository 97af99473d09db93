"""The ``onestop due`` and ``onestop working-days`` commands."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    console,
    handle_errors,
    print_envelope,
    text_value,
)
from onestop.deadlines._text import formatter
from onestop.deadlines.calendar import WorkCalendar, civil_service_calendar
from onestop.deadlines.holidays import HolidaySchedule
from onestop.deadlines.hours import OfficeHours
from onestop.deadlines.policies import compute_due, parse_processing_time
from onestop.tz import format_instant, parse_date, parse_instant

__all__ = ["OfficeHoursOption", "command_calendar", "due_command", "working_days_command"]


#: ``--office-hours SESSIONS``: the agency's office sessions (default 07:30-11:30, 13:00-17:00).
OfficeHoursOption = Annotated[
    str | None,
    typer.Option(
        "--office-hours",
        parser=text_value,
        metavar="SESSIONS",
        help="Office sessions, e.g. '07:30-11:30,13:00-17:00' (default).",
    ),
]


def command_calendar(
    office_hours: str | None = None, *, schedule: HolidaySchedule | None = None
) -> WorkCalendar:
    """The civil-service calendar a command counts on: its office hours and notices.

    It does not warn about provisional years: each answer says whether it is provisional.

    Raises:
        InvalidInputError: ``office_hours`` is not a list of sessions.
    """
    hours = None if office_hours is None else OfficeHours.parse(office_hours)
    return civil_service_calendar(schedule=schedule, office_hours=hours, warn_provisional=False)


@handle_errors
def due_command(
    received: Annotated[
        str,
        typer.Option(
            "--received",
            parser=text_value,
            metavar="INSTANT",
            help="Receipt instant: ISO 8601 (2026-02-13T10:00:00+07:00; without an offset, "
            "Vietnam time) or dd/mm/yyyy HH:MM.",
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
    office_hours: OfficeHoursOption = None,
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
    provisional and explanation (vi, en, steps). Unit, policy and cut-off are resolved by the
    library (onestop.deadlines.parse_processing_time, compute_due).
    """
    when = parse_instant(received, field="received")
    # the library resolves unit, policy and cut-off (parse_processing_time, compute_due)
    processing_time = parse_processing_time(amount, unit, policy=policy, cutoff=cutoff)
    # The calendar does not warn: the deadline's own flag says whether it is provisional.
    calendar = command_calendar(office_hours)
    deadline = compute_due(when, processing_time, calendar=calendar, policy=policy)
    if json_:
        out: dict[str, Any] = {
            "due": format_instant(deadline.due_at),
            "received": format_instant(deadline.received_at),
            "amount": deadline.amount,
            "unit": deadline.unit.value,
            "policy": deadline.policy.name,
            "provisional": deadline.provisional,
            "explanation": deadline.explanation.to_dict(),
        }
        print_envelope(out)
        return
    console.print(
        f"due: {format_instant(deadline.due_at)}  ({formatter('vi').instant(deadline.due_at)})",
        markup=False,
    )
    period = formatter("en").processing_time(deadline.processing_time)
    console.print(f"policy: {deadline.policy.name}; {period}", markup=False)
    if deadline.provisional:
        console.print(
            "warning: depends on a year without an official civil-service notice (provisional)",
            markup=False,
        )
    if explain:
        console.print("", markup=False)
        console.print(deadline.explain("vi"), markup=False, soft_wrap=True)
        console.print("", markup=False)
        console.print(deadline.explain("en"), markup=False, soft_wrap=True)


@handle_errors
def working_days_command(
    start: Annotated[
        str, typer.Argument(metavar="FROM", help="First date: YYYY-MM-DD or dd/mm/yyyy.")
    ],
    end: Annotated[str, typer.Argument(metavar="TO", help="Last date: YYYY-MM-DD or dd/mm/yyyy.")],
    include_start: Annotated[
        bool,
        typer.Option(
            "--include-start/--exclude-start",
            metavar="",
            help="Count FROM too, or not.",
        ),
    ] = False,
    include_end: Annotated[
        bool,
        typer.Option(
            "--include-end/--exclude-end",
            metavar="",
            help="Count TO too, or not.",
        ),
    ] = True,
    json_: JsonOption = False,
) -> None:
    """Count the civil-service working days from FROM to TO: (FROM, TO] by default."""
    a = parse_date(start, field="from")
    b = parse_date(end, field="to")
    calendar = command_calendar()
    count = calendar.working_days_between(
        a, b, include_start=include_start, include_end=include_end
    )
    provisional = bool(calendar.provisional_years(a, b))
    if json_:
        print_envelope(
            {
                "from": a.isoformat(),
                "to": b.isoformat(),
                "working_days": count,
                "include_start": include_start,
                "include_end": include_end,
                "provisional": provisional,
            }
        )
        return
    left = "[" if include_start else "("
    right = "]" if include_end else ")"
    console.print(
        f"{count} working days in {left}{a.isoformat()}, {b.isoformat()}{right}"
        + (" (provisional year involved)" if provisional else ""),
        markup=False,
    )
