"""Administrative procedures (thủ tục hành chính) and their processing-time model.

A :class:`Procedure` mirrors what the national procedure database (CSDLQG về TTHC) publishes
for a procedure: code, names, field, level, agencies, processing time per channel, fees,
required documents, results, legal basis, online service level and liên thông participants.
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated, Self

from pydantic import Field, model_validator

from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models._base import FrozenModel

__all__ = ["ProcessingTime", "ServiceLevel", "TimeUnit"]


class TimeUnit(StrEnum):
    """The unit a procedure's processing time is published in (766 spec ``DonViTinh``).

    Deadlines are set per procedure by its Quyết định công bố; most are in working days.
    """

    WORKING_DAYS = "working_days"
    """Ngày làm việc: civil-service working days (weekends, holidays and days off skipped)."""
    CALENDAR_DAYS = "calendar_days"
    """Ngày: calendar days (Civil Code 2015 Arts. 147-148 for how the period runs)."""
    WORKING_HOURS = "working_hours"
    """Giờ làm việc: hours counted within office hours."""
    MONTHS = "months"
    """Tháng: calendar months (Civil Code 2015 Art. 148(3))."""
    SAME_DAY = "same_day"
    """Trong ngày: the same working day, usually with a cut-off hour (see ``cutoff``)."""

    @property
    def label_vi(self) -> str:
        """Vietnamese unit name as in procedure catalogues, e.g. ``"Ngày làm việc"``."""
        return _UNIT_LABELS_VI[self]


_UNIT_LABELS_VI: dict[TimeUnit, str] = {
    TimeUnit.WORKING_DAYS: "Ngày làm việc",
    TimeUnit.CALENDAR_DAYS: "Ngày",
    TimeUnit.WORKING_HOURS: "Giờ",
    TimeUnit.MONTHS: "Tháng",
    TimeUnit.SAME_DAY: "Trong ngày",
}


class ProcessingTime(FrozenModel):
    """A published processing time: an amount of a unit, with an optional same-day cut-off.

    ``ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY, cutoff=time(15))`` is the rule "within
    the day; a dossier received after 15:00 that cannot be settled at once is returned on the
    next working day" (Luật Hộ tịch 2014 Art. 5(3); NĐ 23/2015/NĐ-CP Art. 7; NĐ 99/2022/NĐ-CP
    Art. 16(1)). That rule is a sector rule, so it is carried by the procedure, not assumed.

    Attributes:
        amount: how many units (≥ 0). Must be 0 for ``SAME_DAY``.
        unit: the unit of ``amount``.
        cutoff: for ``SAME_DAY`` only, the local (Asia/Ho_Chi_Minh) time of day after which a
            dossier received counts as received the next working day; ``None`` means no
            cut-off. A naive ``datetime.time``: it is a wall-clock hour, not an instant.
    """

    amount: Annotated[int, Field(ge=0, le=100_000, strict=True)]
    unit: TimeUnit
    cutoff: dt.time | None = None

    @model_validator(mode="after")
    def _check_unit(self) -> Self:
        if self.unit is TimeUnit.SAME_DAY and self.amount != 0:
            raise InvalidDossierError(
                "amount: a SAME_DAY processing time has amount 0 (the result is due the same "
                f"working day), got {self.amount}; use WORKING_DAYS for longer periods",
                field="amount",
            )
        if self.cutoff is not None:
            if self.unit is not TimeUnit.SAME_DAY:
                raise InvalidDossierError(
                    f"cutoff: a cut-off hour only applies to SAME_DAY processing times, not "
                    f"{self.unit.value}; remove it or use unit=same_day",
                    field="cutoff",
                )
            if self.cutoff.tzinfo is not None:
                raise InvalidDossierError(
                    "cutoff: expected a local wall-clock time without tzinfo (e.g. 15:00, "
                    "Asia/Ho_Chi_Minh implied)",
                    field="cutoff",
                )
        return self

    @classmethod
    def working_days(cls, amount: int) -> ProcessingTime:
        """``amount`` working days (ngày làm việc)."""
        return cls(amount=amount, unit=TimeUnit.WORKING_DAYS)

    @classmethod
    def calendar_days(cls, amount: int) -> ProcessingTime:
        """``amount`` calendar days (ngày)."""
        return cls(amount=amount, unit=TimeUnit.CALENDAR_DAYS)

    @classmethod
    def working_hours(cls, amount: int) -> ProcessingTime:
        """``amount`` working hours (giờ làm việc)."""
        return cls(amount=amount, unit=TimeUnit.WORKING_HOURS)

    @classmethod
    def months(cls, amount: int) -> ProcessingTime:
        """``amount`` calendar months (tháng)."""
        return cls(amount=amount, unit=TimeUnit.MONTHS)

    @classmethod
    def same_day(cls, cutoff: dt.time | None = dt.time(15, 0)) -> ProcessingTime:
        """Within the day, with a cut-off hour (15:00 by default, Luật Hộ tịch 2014 Art. 5(3))."""
        return cls(amount=0, unit=TimeUnit.SAME_DAY, cutoff=cutoff)

    def __str__(self) -> str:
        if self.unit is TimeUnit.SAME_DAY:
            after = f", after {self.cutoff:%H:%M} next working day" if self.cutoff else ""
            return f"same day{after}"
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"


class ServiceLevel(StrEnum):
    """The online public service level of a procedure (mức độ dịch vụ công trực tuyến).

    NĐ 42/2022/NĐ-CP distinguishes *toàn trình* (every step online, result online or by public
    post) from *một phần* (the rest of online services). The legacy NĐ 43/2011/NĐ-CP Art. 3
    levels were 1 (information), 2 (+ forms to download), 3 (+ online submission, fee and
    result in person) and 4 (+ online payment, result online or by post).
    """

    FULL = "full"
    """Dịch vụ công trực tuyến toàn trình (legacy level 4)."""
    PARTIAL = "partial"
    """Dịch vụ công trực tuyến một phần (legacy level 3)."""
    NONE = "none"
    """No online service: information and forms only (legacy levels 1-2)."""

    @property
    def label_vi(self) -> str:
        """Vietnamese label, e.g. ``"Toàn trình"``."""
        return _LEVEL_LABELS_VI[self]

    @property
    def legacy_level(self) -> int:
        """The NĐ 43/2011 level: 4 for ``FULL``, 3 for ``PARTIAL``, 2 for ``NONE``.

        ``NONE`` maps to 2, as vendor catalogues use 2 for a non-online service (level 1 and
        2 both map back to ``NONE``).
        """
        return _LEGACY_LEVELS[self]

    @classmethod
    def from_legacy_level(cls, level: object) -> ServiceLevel:
        """Map a NĐ 43/2011 level (1-4) to the NĐ 42/2022 classification.

        Raises:
            InvalidInputError: ``level`` is not 1, 2, 3 or 4.
        """
        if isinstance(level, bool) or not isinstance(level, int) or not 1 <= level <= 4:
            raise InvalidInputError(
                "service_level: legacy online service level must be an integer 1, 2, 3 or 4 "
                "(NĐ 43/2011 Art. 3)",
                field="service_level",
            )
        if level == 4:
            return cls.FULL
        if level == 3:
            return cls.PARTIAL
        return cls.NONE


_LEVEL_LABELS_VI: dict[ServiceLevel, str] = {
    ServiceLevel.FULL: "Toàn trình",
    ServiceLevel.PARTIAL: "Một phần",
    ServiceLevel.NONE: "Không có dịch vụ trực tuyến",
}
_LEGACY_LEVELS: dict[ServiceLevel, int] = {
    ServiceLevel.FULL: 4,
    ServiceLevel.PARTIAL: 3,
    ServiceLevel.NONE: 2,
}
