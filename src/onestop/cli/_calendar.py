"""The ``onestop lunar`` command: Gregorian ↔ Vietnamese lunar dates."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

import typer

from onestop.cli._app import JsonOption, console, handle_errors, print_envelope, text_value
from onestop.deadlines.lunar import LunarDate, from_lunar, to_lunar
from onestop.errors import InvalidInputError
from onestop.tz import parse_date

__all__ = ["CalendarChoice", "lunar", "lunar_payload"]


class CalendarChoice(StrEnum):
    """Calendars the command can use (see ``onestop.deadlines.lunar``)."""

    VN = "vn"
    CN = "cn"
    VN_HISTORICAL = "vn-historical"
    VN_COMPAT = "vn-compat"


_YMD = re.compile(r"(-?[0-9]{1,4})-([0-9]{1,2})-([0-9]{1,2})")


def _parse_ymd(text: str, *, field: str) -> tuple[int, int, int]:
    # A lunar date is not a Gregorian date (day 30 of a lunar month, a leap month): it is
    # read as three numbers, not with onestop.tz.parse_date.
    match = _YMD.fullmatch(text.strip())
    if match is None:
        msg = f"{field}: expected YEAR-MONTH-DAY (e.g. 2026-01-01), got {text!r}"
        raise InvalidInputError(msg, field=field)
    year, month, day = (int(g) for g in match.groups())
    return year, month, day


def lunar_payload(ld: LunarDate) -> dict[str, Any]:
    """The JSON object printed by ``onestop lunar --json`` (stable keys)."""
    return {
        "solar": ld.solar.isoformat(),
        "lunar": {"year": ld.year, "month": ld.month, "day": ld.day, "leap": ld.leap},
        "can_chi": {"year": ld.year_name, "month": ld.month_name, "day": ld.day_name},
        "calendar": ld.calendar,
        "text": str(ld),
    }


@handle_errors
def lunar(
    date: Annotated[
        str | None,
        typer.Argument(
            help="Gregorian date to convert to the lunar calendar: YYYY-MM-DD or dd/mm/yyyy."
        ),
    ] = None,
    to_solar: Annotated[
        str | None,
        typer.Option(
            "--to-solar",
            parser=text_value,
            metavar="YEAR-MONTH-DAY",
            help="Convert this lunar date (e.g. 2026-03-10) to the Gregorian calendar instead.",
        ),
    ] = None,
    leap: Annotated[
        bool,
        typer.Option("--leap", metavar="", help="With --to-solar: the month is the leap month."),
    ] = False,
    calendar: Annotated[
        CalendarChoice,
        typer.Option(
            "--calendar",
            help="vn: UTC+7 (default); cn: China, UTC+8; vn-historical: China-aligned before "
            "1968; vn-compat: the simplified series of Hồ Ngọc Đức's programs.",
        ),
    ] = CalendarChoice.VN,
    json_: JsonOption = False,
) -> None:
    """Convert a date to the Vietnamese lunar calendar (âm lịch), or back with --to-solar."""
    if (date is None) == (to_solar is None):
        msg = "date: give either a Gregorian DATE or --to-solar YEAR-MONTH-DAY, not both or neither"
        raise InvalidInputError(msg, field="date")
    if to_solar is not None:
        year, month, day = _parse_ymd(to_solar, field="to_solar")
        solar = from_lunar(year, month, day, leap=leap, calendar=calendar.value)
    else:
        if leap:
            msg = "leap: --leap only applies to --to-solar"
            raise InvalidInputError(msg, field="leap")
        assert date is not None  # noqa: S101 - checked above, for the type checker
        solar = parse_date(date, field="date")
    ld = to_lunar(solar, calendar=calendar.value)
    payload = lunar_payload(ld)
    if json_:
        print_envelope(payload)
        return
    leap_text = " (nhuận)" if ld.leap else ""
    console.print(f"Dương lịch: {solar.isoformat()}", markup=False)
    console.print(
        f"Âm lịch:    {ld.day}/{ld.month}{leap_text}/{ld.year} (lịch {ld.calendar})", markup=False
    )
    console.print(
        f"Can chi:    năm {ld.year_name}, tháng {ld.month_name}, ngày {ld.day_name}", markup=False
    )
