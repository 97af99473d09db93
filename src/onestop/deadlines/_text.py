"""How onestop writes dates, instants, amounts and durations: one formatter per language.

Every text the deadline engine produces — explanations of deadlines and of dossier clocks,
clock flags, durations of office time, the command line — formats its values through
:func:`formatter`, so that one text never mixes two date styles and the Vietnamese and English
words cannot swap. Dates are written ``dd/mm/yyyy`` with their weekday in both languages
(``Thứ Sáu 13/02/2026``, ``Friday 13/02/2026``); instants are Vietnam local time
(``10:00 Thứ Sáu 13/02/2026``). Nothing depends on the process locale.
"""

from __future__ import annotations

import abc
import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from onestop.errors import InvalidInputError
from onestop.models import ProcessingTime, TimeUnit
from onestop.tz import to_vn

__all__ = ["ENGLISH", "LANGS", "VIETNAMESE", "Formatter", "Lang", "check_lang", "formatter"]

#: A language of onestop's texts: Vietnamese or English.
Lang = Literal["vi", "en"]
#: The languages, in the order texts are given (Vietnamese first).
LANGS: tuple[Lang, ...] = ("vi", "en")

_US_PER_SECOND = 1_000_000


def check_lang(lang: object) -> Lang:
    """``lang`` itself when it is ``"vi"`` or ``"en"``.

    Raises:
        InvalidInputError: any other value, naming the ``lang`` argument.
    """
    if lang == "vi":
        return "vi"
    if lang == "en":
        return "en"
    raise InvalidInputError(
        f"lang: unsupported language {lang!r}; expected 'vi' or 'en'", field="lang"
    )


class Formatter(abc.ABC):
    """The words and number styles of one language.

    Attributes:
        lang: ``"vi"`` or ``"en"``.
    """

    lang: Lang
    weekdays: tuple[str, ...]
    #: unit -> (singular, plural) words for counted amounts.
    unit_words: Mapping[TimeUnit, tuple[str, str]]

    def day(self, day: dt.date) -> str:
        """A date with its weekday: ``Thứ Sáu 13/02/2026`` / ``Friday 13/02/2026``."""
        return f"{self.weekdays[day.weekday()]} {day.day:02d}/{day.month:02d}/{day.year}"

    def days(self, first: dt.date, last: dt.date | None) -> str:
        """A date, or a run of dates ``first – last``."""
        if last is None or last == first:
            return self.day(first)
        return f"{self.day(first)} – {self.day(last)}"

    def time(self, t: dt.time) -> str:
        """A wall-clock time ``HH:MM`` (seconds shown only when not zero)."""
        if t.second or t.microsecond:
            return f"{t.hour:02d}:{t.minute:02d}:{t.second:02d}"
        return f"{t.hour:02d}:{t.minute:02d}"

    def instant(self, instant: dt.datetime) -> str:
        """An instant in Vietnam local time: ``10:00 Thứ Sáu 13/02/2026``."""
        local = to_vn(instant, field="instant")
        return f"{self.time(local.time())} {self.day(local.date())}"

    def count(self, amount: int, unit: TimeUnit) -> str:
        """``amount`` units: ``5 ngày làm việc`` / ``5 working days``, ``1 working day``."""
        one, many = self.unit_words[unit]
        return f"{amount} {one if amount == 1 else many}"

    def processing_time(self, processing_time: ProcessingTime) -> str:
        """A published processing time in words (the same-day rule with its cut-off)."""
        if processing_time.unit is TimeUnit.SAME_DAY:
            return self.same_day(processing_time.cutoff)
        return self.count(processing_time.amount, processing_time.unit)

    @abc.abstractmethod
    def same_day(self, cutoff: dt.time | None) -> str:
        """The same-day rule in words, with its cut-off."""

    @abc.abstractmethod
    def hours(self, minutes: int) -> str:
        """A number of working hours given in minutes: ``8 giờ``, ``7:30 giờ``."""

    @abc.abstractmethod
    def working_time(self, microseconds: int) -> str:
        """A signed duration of office time."""

    def years(self, years: tuple[int, ...]) -> str:
        """A list of years: ``2027, 2028``."""
        return ", ".join(str(y) for y in years)

    @staticmethod
    def _parts(microseconds: int) -> tuple[str, int, int, int]:
        sign = "-" if microseconds < 0 else ""
        seconds = abs(microseconds) // _US_PER_SECOND
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return sign, hours, minutes, secs


class _Vietnamese(Formatter):
    lang: Lang = "vi"
    weekdays = ("Thứ Hai", "Thứ Ba", "Thứ Tư", "Thứ Năm", "Thứ Sáu", "Thứ Bảy", "Chủ Nhật")
    unit_words = MappingProxyType(
        {
            TimeUnit.WORKING_DAYS: ("ngày làm việc", "ngày làm việc"),
            TimeUnit.CALENDAR_DAYS: ("ngày", "ngày"),
            TimeUnit.WORKING_HOURS: ("giờ làm việc", "giờ làm việc"),
            TimeUnit.MONTHS: ("tháng", "tháng"),
            TimeUnit.SAME_DAY: ("trong ngày", "trong ngày"),
        }
    )

    def same_day(self, cutoff: dt.time | None) -> str:
        if cutoff is None:
            return "trong ngày"
        return f"trong ngày (nhận sau {self.time(cutoff)} thì trả vào ngày làm việc tiếp theo)"

    def hours(self, minutes: int) -> str:
        h, m = divmod(minutes, 60)
        return f"{h} giờ" if not m else f"{h}:{m:02d} giờ"

    def working_time(self, microseconds: int) -> str:
        sign, h, m, s = self._parts(microseconds)
        parts = [f"{h} giờ"] if h else []
        if m or (h and s) or not (h or s):
            parts.append(f"{m:02d} phút" if h else f"{m} phút")
        if s:
            parts.append(f"{s:02d} giây")
        return f"{sign}{' '.join(parts)} làm việc"


class _English(Formatter):
    lang: Lang = "en"
    weekdays = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
    unit_words = MappingProxyType(
        {
            TimeUnit.WORKING_DAYS: ("working day", "working days"),
            TimeUnit.CALENDAR_DAYS: ("calendar day", "calendar days"),
            TimeUnit.WORKING_HOURS: ("working hour", "working hours"),
            TimeUnit.MONTHS: ("month", "months"),
            TimeUnit.SAME_DAY: ("same day", "same day"),
        }
    )

    def same_day(self, cutoff: dt.time | None) -> str:
        if cutoff is None:
            return "same day"
        return f"same day, cut-off {self.time(cutoff)}"

    def hours(self, minutes: int) -> str:
        h, m = divmod(minutes, 60)
        if m:
            return f"{h}:{m:02d} hours"
        return f"{h} hour" if h == 1 else f"{h} hours"

    def working_time(self, microseconds: int) -> str:
        sign, h, m, s = self._parts(microseconds)
        parts = [f"{h} h"] if h else []
        if m or (h and s) or not (h or s):
            parts.append(f"{m:02d} min" if h else f"{m} min")
        if s:
            parts.append(f"{s:02d} s")
        return f"{sign}{' '.join(parts)} of office time"


#: The Vietnamese formatter.
VIETNAMESE: Formatter = _Vietnamese()
#: The English formatter.
ENGLISH: Formatter = _English()
_BY_LANG: Mapping[str, Formatter] = MappingProxyType({"vi": VIETNAMESE, "en": ENGLISH})


def formatter(lang: Lang) -> Formatter:
    """The formatter of ``lang``.

    Raises:
        InvalidInputError: ``lang`` is not ``"vi"`` or ``"en"``.
    """
    return _BY_LANG[check_lang(lang)]
