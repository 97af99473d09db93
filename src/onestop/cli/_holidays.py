"""The ``onestop holidays`` command: a year of the civil-service calendar (table, JSON, .ics)."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table
from rich.text import Text

from onestop.cli._app import (
    JsonOption,
    console,
    err_console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_text,
)
from onestop.deadlines._ics import to_ics
from onestop.deadlines._types import Holiday
from onestop.deadlines.holidays import (
    MAX_NOTICE_BYTES,
    HolidaySchedule,
    official_schedule,
    parse_notice,
)
from onestop.errors import InvalidInputError

__all__ = ["NoticeOption", "holiday_to_json", "holidays_command", "with_notices"]

_WEEKDAYS_VI = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ nhật")


def holiday_to_json(holiday: Holiday) -> dict[str, Any]:
    """The JSON form of one entry (stable keys)."""
    return {
        "date": holiday.date.isoformat(),
        "name_vi": holiday.name_vi,
        "name_en": holiday.name_en,
        "kind": holiday.kind.value,
        "basis": holiday.basis,
        "source_url": holiday.source_url,
        "provisional": holiday.provisional,
    }


#: ``--notice FILE`` (repeatable): civil-service notices applied on top of the official ones.
NoticeOption = Annotated[
    list[Path] | None,
    typer.Option(
        "--notice",
        parser=path_value,
        metavar="FILE",
        help="Apply a notice file (TOML/JSON: next year's notice, a province's closure); "
        "repeatable, later files win.",
    ),
]


def with_notices(schedule: HolidaySchedule, paths: Sequence[Path] | None) -> HolidaySchedule:
    """``schedule`` with each ``--notice`` file applied in order (later files win).

    Files are read with :func:`~onestop.cli._app.read_input_text` and the notice size cap.

    Raises:
        InvalidInputError: a file cannot be read or is not UTF-8.
        CalendarDataError: a notice is invalid (the message names the entry).
    """
    for path in paths or ():
        text = read_input_text(path, field="notice", max_bytes=MAX_NOTICE_BYTES)
        schedule = schedule.with_notice(parse_notice(text, origin=path.name))
    return schedule


@handle_errors
def holidays_command(
    year: Annotated[int, typer.Argument(help="Gregorian year, 1995–2199.")],
    ics: Annotated[
        Path | None,
        typer.Option(
            "--ics",
            parser=path_value,
            metavar="FILE",
            help="Also write the year as an iCalendar (.ics) file.",
        ),
    ] = None,
    notice: NoticeOption = None,
    culture_day: Annotated[
        bool,
        typer.Option(
            "--culture-day/--no-culture-day",
            metavar="",
            help="Count 24/11 (Ngày Văn hóa Việt Nam, from 1/7/2026) as a day off.",
        ),
    ] = True,
    json_: JsonOption = False,
) -> None:
    """Show the civil-service days off and make-up working days of YEAR, with their sources."""
    schedule = with_notices(official_schedule(culture_day=culture_day), notice)
    provisional = schedule.is_provisional(year)
    entries = schedule.holidays(year, warn=False)
    if ics is not None:
        try:
            ics.write_text(to_ics(schedule, year, warn=False), encoding="utf-8", newline="")
        except OSError as exc:
            raise InvalidInputError(
                f"ics: cannot write {ics.name!r} ({exc.strerror or type(exc).__name__}); "
                "give a path in an existing, writable directory",
                field="ics",
            ) from exc
    if json_:
        print_envelope(
            {
                "year": year,
                "provisional": provisional,
                "holidays": [holiday_to_json(h) for h in entries],
            }
        )
        return
    title = f"Civil-service calendar {year}"
    if provisional:
        title += " (PROVISIONAL: no official notice; computed from the Labor Code)"
    table = Table(title=title, show_lines=False)
    for column in ("date", "weekday", "tên (vi)", "name (en)", "kind", "source"):
        table.add_column(column, overflow="fold")
    for h in entries:
        cells = (
            h.date.isoformat(),
            _WEEKDAYS_VI[h.date.weekday()],
            h.name_vi,
            h.name_en,
            h.kind.value,
            h.basis,
        )
        table.add_row(*(Text(c) for c in cells))
    console.print(table)
    console.print("Source URLs: onestop holidays YEAR --json (or --ics FILE).", markup=False)
    if ics is not None:
        err_console.print(f"wrote {ics}", markup=False)
