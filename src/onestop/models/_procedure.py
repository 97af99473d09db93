"""Administrative procedures (thủ tục hành chính) and their processing-time model.

A :class:`Procedure` mirrors what the national procedure database (CSDLQG về TTHC) publishes
for a procedure: code, names, field, level, agencies, processing time per channel, fees,
required documents, results, legal basis, online service level and liên thông participants.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Self

from pydantic import Field, model_validator

from onestop.errors import InvalidDossierError, InvalidInputError
from onestop.models._agency import AgencyCode, ProcedureCode
from onestop.models._base import FrozenModel, MultilineText, Text
from onestop.models._status import Channel, ModelEnum

__all__ = [
    "SAME_DAY_CUTOFF",
    "AdministrativeLevel",
    "AgencyRef",
    "ChannelProcessingTime",
    "FeeItem",
    "FeeKind",
    "FieldOfActivity",
    "FormTemplate",
    "LegalBasis",
    "LienThongParticipant",
    "Procedure",
    "ProcedureResult",
    "ProcessingTime",
    "RequiredDocument",
    "ServiceLevel",
    "TimeUnit",
]


class TimeUnit(ModelEnum):
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


#: The same-day cut-off, 15:00 local time. The sector rules of same-day ("trong ngày")
#: procedures return a dossier received after 15:00 on the next working day (Luật Hộ tịch 2014
#: Art. 5(3): "nếu nhận hồ sơ sau 15 giờ mà không giải quyết được ngay thì trả kết quả trong ngày
#: làm việc tiếp theo"; NĐ 23/2015/NĐ-CP Art. 7; NĐ 99/2022/NĐ-CP Art. 16(1)), the hour the
#: one-stop decrees use for the transfer of dossiers received at the counter (NĐ 61/2018/NĐ-CP
#: and NĐ 118/2025/NĐ-CP Art. 18(2): "sau 15 giờ hàng ngày"). The one default of
#: :class:`ProcessingTime`, :class:`~onestop.deadlines.SameDayPolicy`, the bulk path and the
#: command line.
SAME_DAY_CUTOFF = dt.time(15, 0)


class ProcessingTime(FrozenModel):
    """A published processing time: an amount of a unit, with the same-day cut-off.

    ``ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY)`` is the rule "within the day; a dossier
    received after 15:00 that cannot be settled at once is returned on the next working day"
    (:data:`SAME_DAY_CUTOFF`; Luật Hộ tịch 2014 Art. 5(3), NĐ 23/2015/NĐ-CP Art. 7, NĐ
    99/2022/NĐ-CP Art. 16(1)). It is a sector rule, carried by the procedure: a procedure with
    another hour sets ``cutoff``, one without any cut-off sets ``cutoff=None`` explicitly.

    Attributes:
        amount: how many units (≥ 0). Must be 0 for ``SAME_DAY``.
        unit: the unit of ``amount``.
        cutoff: for ``SAME_DAY`` only, the local (Asia/Ho_Chi_Minh) time of day after which a
            dossier received counts as received the next working day. Not given: 15:00
            (:data:`SAME_DAY_CUTOFF`); ``None``: no cut-off. A naive ``datetime.time``: it is a
            wall-clock hour, not an instant.
    """

    amount: Annotated[int, Field(ge=0, le=100_000, strict=True)]
    unit: TimeUnit
    cutoff: dt.time | None = Field(
        default=None,
        description="Same-day cut-off, local time (same_day only). Omitted for same_day: 15:00; "
        "null: no cut-off.",
    )

    @model_validator(mode="after")
    def _check_unit(self) -> Self:
        if self.unit is TimeUnit.SAME_DAY and "cutoff" not in self.model_fields_set:
            # a same-day time given without its cut-off gets the one default; an explicit None
            # stays None (no cut-off)
            object.__setattr__(self, "cutoff", SAME_DAY_CUTOFF)
            self.model_fields_set.add("cutoff")
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
    def same_day(cls, cutoff: dt.time | None = SAME_DAY_CUTOFF) -> ProcessingTime:
        """Within the day, with a cut-off hour (default :data:`SAME_DAY_CUTOFF`, 15:00).

        ``None`` means no cut-off (only the close of office hours matters).
        """
        return cls(amount=0, unit=TimeUnit.SAME_DAY, cutoff=cutoff)

    def __str__(self) -> str:
        if self.unit is TimeUnit.SAME_DAY:
            after = f", after {self.cutoff:%H:%M} next working day" if self.cutoff else ""
            return f"same day{after}"
        return f"{self.amount} {self.unit.value.replace('_', ' ')}"


class ServiceLevel(ModelEnum):
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


class AdministrativeLevel(ModelEnum):
    """The level of government that carries out a procedure (cấp thực hiện).

    The district level was abolished on 1 July 2025 (two-level local government); it is kept
    for procedures and dossiers from before that date.
    """

    CENTRAL = "central"
    """Cấp Bộ / Trung ương (ministries and central agencies)."""
    PROVINCIAL = "provincial"
    """Cấp Tỉnh."""
    DISTRICT = "district"
    """Cấp Huyện (until 30 June 2025)."""
    COMMUNE = "commune"
    """Cấp Xã."""
    OTHER = "other"
    """Other bodies (public service units, enterprises authorised to receive dossiers)."""


class FeeKind(ModelEnum):
    """Whether an amount is a fee (phí) or a charge (lệ phí), per Luật Phí và lệ phí 2015."""

    FEE = "fee"
    """Phí: covers the cost of a public service."""
    CHARGE = "charge"
    """Lệ phí: a fixed levy for a state administrative service."""


_ShortCode = Annotated[
    str, Field(min_length=1, max_length=60, pattern=r"^[0-9A-Za-z][0-9A-Za-z._\-/]*$")
]
_Name = Annotated[Text, Field(min_length=1, max_length=2000)]
_Vnd = Annotated[int, Field(ge=0, le=10**15, strict=True)]


class FieldOfActivity(FrozenModel):
    """The field (lĩnh vực) a procedure belongs to, from the national list (``MaLinhVuc``).

    Attributes:
        code: the field code, e.g. ``"G15-TP01"`` or a catalogue code such as ``"1.000894"``'s
            ``MALINHVUC``; TT 01/2018/TT-VPCP Art. 20 writes it ``MX1X2-LV``.
        name: the Vietnamese name, e.g. ``"Hộ tịch"``.
    """

    code: _ShortCode
    name: _Name


class AgencyRef(FrozenModel):
    """An agency named by a procedure or dossier.

    Attributes:
        name: the agency's name, e.g. ``"UBND cấp xã"``.
        code: its electronic identifier (mã định danh, QĐ 20/2020/QĐ-TTg) when known.
    """

    name: _Name
    code: AgencyCode | None = None


class ChannelProcessingTime(FrozenModel):
    """The processing time that applies to dossiers submitted through one channel.

    Attributes:
        channel: the submission channel.
        time: the processing time for that channel.
    """

    channel: Channel
    time: ProcessingTime


class FeeItem(FrozenModel):
    """A fee or charge of a procedure (phí, lệ phí), in whole Vietnamese đồng.

    Attributes:
        name: e.g. ``"Lệ phí đăng ký khai sinh"``.
        amount: the amount in VND (an integer, ≥ 0; 0 for an exemption).
        kind: fee or charge.
        code: the catalogue's ``MaPhiLePhi``, when there is one.
        channel: the channel the amount applies to (online submissions are often cheaper);
            ``None`` for every channel.
        note: free text (exemptions, conditions).
    """

    name: _Name
    amount: _Vnd
    kind: FeeKind = FeeKind.CHARGE
    code: _ShortCode | None = None
    channel: Channel | None = None
    note: MultilineText | None = None


class FormTemplate(FrozenModel):
    """A form (mẫu đơn, tờ khai) to fill in, as published with the procedure.

    Attributes:
        name: e.g. ``"Tờ khai đăng ký khai sinh"``.
        url: where the template can be downloaded, when published.
    """

    name: _Name
    url: Text | None = None


class RequiredDocument(FrozenModel):
    """One component of the dossier (thành phần hồ sơ) the applicant must provide.

    Attributes:
        name: e.g. ``"Giấy chứng sinh"``.
        code: the component code (``MaGiayTo`` / ``MaThanhPhanHoSo``), when published.
        originals: number of originals (``SOBANCHINH``).
        copies: number of copies (``SOBANSAO``).
        template: the form to fill in, if any.
        case: the case (trường hợp) the component applies to; ``None`` for every case.
        mandatory: whether the component is always required.
    """

    name: _Name
    code: _ShortCode | None = None
    originals: Annotated[int, Field(ge=0, le=1000, strict=True)] = 1
    copies: Annotated[int, Field(ge=0, le=1000, strict=True)] = 0
    template: FormTemplate | None = None
    case: MultilineText | None = None
    mandatory: bool = True


class ProcedureResult(FrozenModel):
    """A result document of a procedure (kết quả thực hiện).

    Attributes:
        name: e.g. ``"Giấy khai sinh"``.
        code: the result code (``MaKetQua``), when published.
        template: the result's template, if published.
    """

    name: _Name
    code: _ShortCode | None = None
    template: FormTemplate | None = None


class LegalBasis(FrozenModel):
    """A legal text a procedure is based on (căn cứ pháp lý).

    Attributes:
        number: the document number, e.g. ``"123/2015/NĐ-CP"`` (``SOVANBAN``).
        title: its title, e.g. ``"Nghị định quy định chi tiết ... Luật Hộ tịch"``.
        issued_on: date of issue (local date).
        effective_on: date it took effect.
        issuer: the issuing body, e.g. ``"Chính phủ"``.
        url: where it can be read.
    """

    number: Annotated[Text, Field(min_length=1, max_length=100)]
    title: Text | None = None
    issued_on: dt.date | None = None
    effective_on: dt.date | None = None
    issuer: Text | None = None
    url: Text | None = None


class LienThongParticipant(FrozenModel):
    """An agency taking part in a liên thông (inter-agency) procedure, with its share of time.

    NĐ 61/2018/NĐ-CP Art. 19(5)-(8): each participating body gets its task and its own time
    limit within the procedure's total.

    Attributes:
        agency: the participating agency.
        task: what it does, e.g. ``"Đăng ký thường trú"``.
        share: its share of the processing time, in the procedure's unit.
    """

    agency: AgencyRef
    task: _Name
    share: ProcessingTime


class Procedure(FrozenModel):
    """An administrative procedure (thủ tục hành chính) as published in the national database.

    Attributes:
        code: the national code (``1.000894``) or the localized one
            (``1.000494.000.00.00.H29``).
        name_vi: the official Vietnamese name (``TENTTHC``).
        name_en: an English name, when one exists.
        field: the field (lĩnh vực) it belongs to.
        levels: the levels of government that carry it out (``CAPTHUCHIEN``).
        implementing_agencies: agencies that carry it out (``COQUANTHUCHIEN``).
        competent_agencies: agencies with the power to decide (``COQUANCOTHAMQUYEN``).
        channels: the channels a dossier may be submitted through.
        processing_times: the processing time per channel; exactly one for each allowed channel.
        fees: fees and charges, VND.
        documents: the dossier components (thành phần hồ sơ).
        results: the result documents.
        legal_basis: the legal texts it rests on.
        service_level: the online service level (NĐ 42/2022/NĐ-CP; legacy NĐ 43/2011 levels).
        lien_thong: the participants of a liên thông procedure, each with its share of the time;
            the shares together must not exceed the processing time of any channel.
    """

    code: ProcedureCode
    name_vi: _Name
    name_en: Text | None = None
    field: FieldOfActivity
    levels: Annotated[tuple[AdministrativeLevel, ...], Field(min_length=1)]
    implementing_agencies: tuple[AgencyRef, ...] = ()
    competent_agencies: tuple[AgencyRef, ...] = ()
    channels: Annotated[tuple[Channel, ...], Field(min_length=1)]
    processing_times: Annotated[tuple[ChannelProcessingTime, ...], Field(min_length=1)]
    fees: tuple[FeeItem, ...] = ()
    documents: tuple[RequiredDocument, ...] = ()
    results: tuple[ProcedureResult, ...] = ()
    legal_basis: tuple[LegalBasis, ...] = ()
    service_level: ServiceLevel = ServiceLevel.NONE
    lien_thong: tuple[LienThongParticipant, ...] = ()

    @model_validator(mode="after")
    def _check_consistency(self) -> Self:
        if len(set(self.channels)) != len(self.channels):
            raise InvalidDossierError(
                "channels: each channel may appear only once", field="channels"
            )
        if len(set(self.levels)) != len(self.levels):
            raise InvalidDossierError("levels: each level may appear only once", field="levels")
        seen: set[Channel] = set()
        for item in self.processing_times:
            if item.channel in seen:
                raise InvalidDossierError(
                    f"processing_times: channel {item.channel.value} has more than one "
                    "processing time; give exactly one per channel",
                    field="processing_times",
                )
            if item.channel not in self.channels:
                raise InvalidDossierError(
                    f"processing_times: channel {item.channel.value} is not in channels "
                    f"({', '.join(c.value for c in self.channels)}); add it or remove the time",
                    field="processing_times",
                )
            seen.add(item.channel)
        missing = [c.value for c in self.channels if c not in seen]
        if missing:
            raise InvalidDossierError(
                f"processing_times: no processing time for channel(s) {', '.join(missing)}; "
                "give exactly one per allowed channel",
                field="processing_times",
            )
        for fee in self.fees:
            if fee.channel is not None and fee.channel not in self.channels:
                raise InvalidDossierError(
                    f"fees: a fee applies to channel {fee.channel.value}, which is not allowed",
                    field="fees",
                )
        if self.service_level is ServiceLevel.NONE and Channel.ONLINE in self.channels:
            raise InvalidDossierError(
                "service_level: a procedure that accepts online submission is an online "
                "service (partial or full), not 'none'",
                field="service_level",
            )
        if self.service_level is not ServiceLevel.NONE and Channel.ONLINE not in self.channels:
            raise InvalidDossierError(
                f"service_level: an online service ({self.service_level.value}) must list the "
                "online channel in channels",
                field="service_level",
            )
        self._check_lien_thong()
        return self

    def _check_lien_thong(self) -> None:
        if not self.lien_thong:
            return
        for item in self.processing_times:
            total = item.time
            wrong = [p for p in self.lien_thong if p.share.unit is not total.unit]
            if wrong:
                raise InvalidDossierError(
                    f"lien_thong: shares must be in the procedure's unit ({total.unit.value} for "
                    f"channel {item.channel.value}), got {wrong[0].share.unit.value}",
                    field="lien_thong",
                )
            used = sum(p.share.amount for p in self.lien_thong)
            if used > total.amount:
                raise InvalidDossierError(
                    f"lien_thong: the participants' shares add up to {used} "
                    f"{total.unit.value}, more than the {total.amount} allowed for channel "
                    f"{item.channel.value}",
                    field="lien_thong",
                )

    def processing_time_for(self, channel: Channel) -> ProcessingTime:
        """The processing time for dossiers submitted through ``channel``.

        Raises:
            InvalidInputError: the procedure does not accept that channel.
        """
        channel = _as_channel(channel)
        for item in self.processing_times:
            if item.channel is channel:
                return item.time
        raise InvalidInputError(
            f"channel: procedure {self.code} does not accept the {channel} channel; allowed: "
            f"{', '.join(c.value for c in self.channels)}",
            field="channel",
        )

    def fees_for(self, channel: Channel) -> tuple[FeeItem, ...]:
        """The fees and charges that apply to a dossier submitted through ``channel``."""
        channel = _as_channel(channel)
        return tuple(f for f in self.fees if f.channel is None or f.channel is channel)

    def total_fees(self, channel: Channel) -> int:
        """Sum in VND of :meth:`fees_for` ``channel``."""
        return sum(f.amount for f in self.fees_for(channel))


def _as_channel(value: Channel | str) -> Channel:
    """Accept a :class:`Channel` or its value (``"online"``); raise a onestop error otherwise."""
    try:
        return Channel(value)
    except ValueError:
        raise InvalidInputError(
            f"channel: unknown channel {str(value)[:20]!r}; expected one of "
            f"{', '.join(c.value for c in Channel)}",
            field="channel",
        ) from None
