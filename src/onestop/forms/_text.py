"""How the forms write dates, instants and durations (one rule, used by every form).

Dates follow the administrative-document rule of Nghị định 30/2020/NĐ-CP Phụ lục I: a day
below 10 and the months 1 and 2 take a leading zero (``ngày 05 tháng 02 năm 2026``, ``ngày 15
tháng 3 năm 2026``). Instants are written in Vietnam time (Asia/Ho_Chi_Minh) as the receipt
writes them: ``09 giờ 30 phút, ngày 05 tháng 3 năm 2026``.
"""

from __future__ import annotations

import datetime as dt

from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import VN_TZ

__all__ = ["date_line", "date_text", "duration_text", "instant_text", "local_day"]


def local_day(instant: dt.datetime) -> dt.date:
    """The calendar date of ``instant`` in Vietnam."""
    return instant.astimezone(VN_TZ).date()


def date_text(day: dt.date) -> str:
    """``"ngày 05 tháng 02 năm 2026"`` (Nghị định 30/2020/NĐ-CP Phụ lục I)."""
    month = f"{day.month:02d}" if day.month < 3 else str(day.month)
    return f"ngày {day.day:02d} tháng {month} năm {day.year}"


def instant_text(instant: dt.datetime) -> str:
    """``"09 giờ 30 phút, ngày 05 tháng 3 năm 2026"``, in Vietnam time."""
    local = instant.astimezone(VN_TZ)
    return f"{local.hour:02d} giờ {local.minute:02d} phút, {date_text(local.date())}"


def date_line(place: str, instant: dt.datetime) -> str:
    """The place-and-date line under the national motto, the date in Vietnam time.

    For example ``"Thanh Hóa, ngày 05 tháng 3 năm 2026"``.
    """
    return f"{place}, {date_text(local_day(instant))}"


_UNITS = {
    TimeUnit.WORKING_DAYS: "ngày làm việc",
    TimeUnit.CALENDAR_DAYS: "ngày",
    TimeUnit.WORKING_HOURS: "giờ làm việc",
    TimeUnit.MONTHS: "tháng",
}


def duration_text(time: ProcessingTime) -> str:
    """A processing time as printed: ``"05 ngày làm việc"``, ``"Trong ngày"``..."""
    if time.unit is TimeUnit.SAME_DAY:
        if time.cutoff is None:
            return "Trong ngày"
        return (
            f"Trong ngày (hồ sơ nhận sau {time.cutoff.hour:02d} giờ {time.cutoff.minute:02d} "
            "phút được trả trong ngày làm việc tiếp theo)"
        )
    return f"{time.amount:02d} {_UNITS[time.unit]}"
