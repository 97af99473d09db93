"""Value types shared by the holiday data, the lunar calendar and the working calendar."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

import attrs

__all__ = ["Holiday", "HolidayKind"]


class HolidayKind(StrEnum):
    """What a calendar entry does to the civil-service working week.

    Every kind except ``MAKE_UP_WORKING_DAY`` is a day off.
    """

    STATUTORY = "statutory"
    """A public holiday of the Labor Code (e.g. BLLĐ 2019 Art. 112(1))."""
    COMPENSATORY = "compensatory"
    """Nghỉ bù: a holiday fell on a weekly rest day (BLLĐ 2019 Art. 111(3))."""
    SWAPPED_DAY_OFF = "swapped_day_off"
    """Ngày nghỉ hoán đổi: a working day given off, worked back on a make-up day."""
    MAKE_UP_WORKING_DAY = "make_up_working_day"
    """Ngày làm bù: a weekly rest day (usually a Saturday) that is worked."""
    EXTRA_DAY_OFF = "extra_day_off"
    """Any other official closure (a province's own notice, a national mourning day off...)."""

    @property
    def is_day_off(self) -> bool:
        """Whether the kind makes the day a non-working day."""
        return self is not HolidayKind.MAKE_UP_WORKING_DAY


@attrs.frozen(slots=True, order=False)
class Holiday:
    """One dated entry of the civil-service calendar.

    Attributes:
        date: the calendar day (Gregorian, Vietnam local date).
        name_vi: Vietnamese name, e.g. ``"Tết Nguyên đán"``.
        name_en: English name, e.g. ``"Lunar New Year"``.
        kind: what the entry does (day off or make-up working day).
        basis: the legal basis or notice, e.g. ``"BLLĐ 2019 Điều 112"`` or
            ``"Công văn 12729/VPCP-KGVX"``.
        source_url: where the notice can be read, when known.
        provisional: ``True`` when no official notice for the year was available and the entry
            was derived from the statutes alone.
    """

    date: dt.date
    name_vi: str
    name_en: str
    kind: HolidayKind
    basis: str
    source_url: str | None = None
    provisional: bool = False

    @property
    def is_day_off(self) -> bool:
        """Whether the entry makes its date a non-working day."""
        return self.kind.is_day_off
