"""Dossiers (hồ sơ) and their status lifecycle.

A :class:`Dossier` is immutable: each step of NĐ 61/2018/NĐ-CP Arts. 17-20 (now NĐ 118/2025/NĐ-CP,
TT 03/2025/TT-VPCP) is a method that returns a new dossier with the status changed and a
:class:`DossierEvent` appended to its history. Illegal steps raise
:class:`~onestop.errors.InvalidTransitionError` naming the current and the requested status.
Every ``at`` is an explicit, timezone-aware datetime: nothing reads the clock.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from types import MappingProxyType
from typing import Annotated, Any, Self

from pydantic import Field, field_validator, model_validator

from onestop.errors import InvalidDossierError, InvalidInputError, InvalidTransitionError
from onestop.models._agency import DossierCode, ProcedureCode
from onestop.models._base import FrozenModel, Instant, MultilineText, Text
from onestop.models._identity import CitizenId, LegacyId, TaxCode
from onestop.models._online_payment import OnlinePayment
from onestop.models._postal import PostalAddress, PostalOrder, PostalStatus
from onestop.models._procedure import (
    AgencyRef,
    FeeItem,
    FieldOfActivity,
    Procedure,
    ProcessingTime,
)
from onestop.models._status import (
    INITIAL_STATUSES,
    TRANSITIONS,
    Channel,
    DossierStatus,
    ModelEnum,
    check_transition,
    transition_error,
)
from onestop.tz import require_aware, vn_date

__all__ = [
    "CLOSED_STATUS",
    "SUPPLEMENT_EXITS",
    "Applicant",
    "ApplicantKind",
    "Contact",
    "DeliveryMethod",
    "Dossier",
    "DossierEvent",
    "DossierResult",
    "EventAction",
    "Extension",
    "LienThongStep",
    "Payment",
    "PaymentMethod",
    "ProcedureRef",
    "ResultDelivery",
    "ResultDocument",
    "SubmittedDocument",
    "SupplementRequest",
    "SupplementStage",
]

_S = DossierStatus
_Text = Annotated[Text, Field(min_length=1, max_length=2000)]
_Reason = Annotated[MultilineText, Field(min_length=1, max_length=2000)]
_Actor = Annotated[Text, Field(min_length=1, max_length=200)]
_Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]
# an e-mail address: something@domain.tld, without spaces or control characters
_EMAIL = r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+\.[^@\s\x00-\x1f\x7f-\x9f]+$"
_Vnd = Annotated[int, Field(ge=0, le=10**15, strict=True)]

#: Statuses in which the dossier has been accepted, so it has a receipt time and a due date.
_ACCEPTED = frozenset(
    {_S.RECEIVED, _S.PROCESSING, _S.FINANCIAL_OBLIGATION, _S.COMPLETED, _S.RETURNED}
)


class ApplicantKind(ModelEnum):
    """Who submits the dossier (``LoaiDoiTuong`` on the national portal, as ``.code``)."""

    CITIZEN = "citizen"
    """1 Công dân: an individual."""
    ENTERPRISE = "enterprise"
    """2 Doanh nghiệp: an enterprise, co-operative or household business."""
    STATE_AGENCY = "state_agency"
    """3 Cơ quan nhà nước."""
    OTHER_ORGANIZATION = "other_organization"
    """4 Tổ chức khác."""

    @property
    def code(self) -> int:
        """National ``LoaiDoiTuong`` code (1-4)."""
        return list(ApplicantKind).index(self) + 1


class Contact(FrozenModel):
    """How to reach the applicant (personal data: never logged).

    Attributes:
        phone: phone number as given.
        email: e-mail address.
        address: postal address as free text.
        postal_address: the structured address VNPost collects from or delivers to (province
            and commune after the 2025 reform, with VNPost's codes), for postal orders.
    """

    phone: Annotated[str, Field(max_length=30, pattern=r"^\+?[0-9 .\-()]{6,30}$")] | None = Field(
        default=None, repr=False
    )
    email: Annotated[str, Field(max_length=254, pattern=_EMAIL)] | None = Field(
        default=None, repr=False
    )
    address: Annotated[Text, Field(max_length=500)] | None = Field(default=None, repr=False)
    postal_address: PostalAddress | None = Field(default=None, repr=False)


class Applicant(FrozenModel):
    """The applicant (chủ hồ sơ): a citizen, an enterprise, a state agency or another body.

    Personal fields are excluded from ``repr()``. A citizen needs a ``citizen_id`` (12-digit
    CCCD) or a ``legacy_id`` (9-digit CMND); an enterprise needs a ``tax_code`` (MST).

    Attributes:
        kind: the kind of applicant.
        name: the person's or organisation's name.
        citizen_id: the 12-digit personal identification number.
        legacy_id: the 9-digit CMND number (older documents).
        tax_code: the MST (enterprises, household businesses; individuals from 1 July 2025).
        contact: phone, e-mail, address.
    """

    kind: ApplicantKind
    name: Annotated[Text, Field(min_length=1, max_length=300)] = Field(repr=False)
    citizen_id: CitizenId | None = Field(default=None, repr=False)
    legacy_id: LegacyId | None = Field(default=None, repr=False)
    tax_code: TaxCode | None = Field(default=None, repr=False)
    contact: Contact = Field(default_factory=Contact, repr=False)

    @model_validator(mode="after")
    def _check_identity(self) -> Self:
        if (
            self.kind is ApplicantKind.CITIZEN
            and self.citizen_id is None
            and self.legacy_id is None
        ):
            raise InvalidDossierError(
                "applicant: a citizen applicant needs citizen_id (12-digit CCCD) or legacy_id "
                "(9-digit CMND)",
                field="citizen_id",
            )
        if self.kind is ApplicantKind.ENTERPRISE and self.tax_code is None:
            raise InvalidDossierError(
                "applicant: an enterprise applicant needs tax_code (MST, 10 or 13 digits)",
                field="tax_code",
            )
        return self


class ProcedureRef(FrozenModel):
    """The procedure a dossier is for, with the processing time that applies to it.

    A dossier keeps a reference rather than the whole :class:`Procedure`: the catalogue changes
    over time, and what the dossier needs is what applied when it was received (the portal
    record carries ``MaTTHC``, ``TenTTHC``, ``MaLinhVuc``, ``TenLinhVuc``).

    Attributes:
        code: the procedure code.
        name: its Vietnamese name.
        field: its field (lĩnh vực).
        processing_time: the processing time for the dossier's channel.
    """

    code: ProcedureCode
    name: _Text
    field: FieldOfActivity | None = None
    processing_time: ProcessingTime

    @classmethod
    def from_procedure(cls, procedure: Procedure, channel: Channel) -> ProcedureRef:
        """Reference ``procedure`` with the processing time of ``channel``.

        Raises:
            InvalidInputError: ``procedure`` is not a :class:`Procedure`, or it does not accept
                ``channel``.
        """
        if not isinstance(procedure, Procedure):
            raise InvalidInputError(
                f"procedure: expected a Procedure, got a {type(procedure).__name__}",
                field="procedure",
            )
        return cls(
            code=procedure.code,
            name=procedure.name_vi,
            field=procedure.field,
            processing_time=procedure.processing_time_for(channel),
        )


class SubmittedDocument(FrozenModel):
    """A file submitted with the dossier (``TaiLieuNop``).

    Attributes:
        name: the file or document name.
        component_code: the dossier component it fulfils (``MaThanhPhanHoSo``).
        sha256: the SHA-256 of the file content, 64 lowercase hex digits.
        digitized: scanned or converted at the counter (NĐ 118/2025 Art. 17(1)(c)) (``DuocSoHoa``).
        reused: taken from the digitised-results store instead of uploaded (``DuocTaiSuDung``).
    """

    name: _Text
    component_code: Annotated[Text, Field(min_length=1, max_length=60)] | None = None
    sha256: _Sha256
    digitized: bool = False
    reused: bool = False

    @field_validator("sha256", mode="before")
    @classmethod
    def _lower_hex(cls, value: Any) -> Any:
        return value.strip().lower() if isinstance(value, str) else value


class PaymentMethod(ModelEnum):
    """How a fee was paid."""

    CASH = "cash"
    """At the counter."""
    BANK_TRANSFER = "bank_transfer"
    """By bank transfer to the agency's account."""
    NATIONAL_PORTAL = "national_portal"
    """On Cổng DVCQG's payment platform (``DuocThanhToanTrucTuyen`` = 1)."""
    PROVINCIAL_GATEWAY = "provincial_gateway"
    """On the province's payment gateway (``DuocThanhToanTrucTuyen`` = 2)."""
    POSTAL = "postal"
    """Collected by the public postal service."""


class Payment(FrozenModel):
    """A payment received for the dossier, in VND.

    Attributes:
        at: when it was paid (timezone-aware).
        amount: VND, integer > 0.
        method: how it was paid.
        reference: the transaction or receipt reference, if any.
    """

    at: Instant
    amount: Annotated[int, Field(gt=0, le=10**15, strict=True)]
    method: PaymentMethod
    reference: Annotated[Text, Field(max_length=100)] | None = None


class SupplementStage(ModelEnum):
    """When a supplement was requested."""

    INTAKE = "intake"
    """At intake, before acceptance, once and completely (NĐ 61/2018 Art. 17(1)-(2); NĐ
    118/2025 Arts. 16(3), 17(1)(c), 17(2)(a))."""
    APPRAISAL = "appraisal"
    """After acceptance, during appraisal; the clock restarts on resubmission (Art. 19(4))."""


#: Where closing a dossier (:meth:`Dossier.close`, đóng hồ sơ) leads: ``STOPPED``, national
#: code 8 "Dừng xử lý". The national status list has no code of its own for a closed dossier;
#: reporting it as stopped is our reading of NĐ 118/2025/NĐ-CP Art. 19(5).
CLOSED_STATUS = _S.STOPPED

#: Where a dossier may go from ``SUPPLEMENT_REQUESTED``, by the stage of the open request: a
#: completed intake supplement leads to acceptance (or refusal at intake), an appraisal
#: supplement back to processing (NĐ 61/2018 Arts. 17 and 19(4); NĐ 118/2025 Arts. 17 and
#: 19(5)); withdrawal and stop are
#: always possible. This refines :data:`~onestop.models.TRANSITIONS` for that one status.
SUPPLEMENT_EXITS: Mapping[SupplementStage, frozenset[DossierStatus]] = MappingProxyType(
    {
        SupplementStage.INTAKE: frozenset({_S.RECEIVED, _S.REFUSED, _S.WITHDRAWN, _S.STOPPED}),
        SupplementStage.APPRAISAL: frozenset({_S.PROCESSING, _S.WITHDRAWN, _S.STOPPED}),
    }
)


class SupplementRequest(FrozenModel):
    """A request to complete the dossier (Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ).

    Attributes:
        requested_at: when the request was issued.
        reason: what is missing.
        stage: intake or appraisal.
        resubmitted_at: when the completed dossier came back; ``None`` while open.
    """

    requested_at: Instant
    reason: _Reason
    stage: SupplementStage
    resubmitted_at: Instant | None = None

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        if self.resubmitted_at is not None and self.resubmitted_at < self.requested_at:
            raise InvalidDossierError(
                "resubmitted_at: the supplement came back before it was requested",
                field="resubmitted_at",
            )
        return self


class Extension(FrozenModel):
    """The one re-appointment of a late dossier (NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6)).

    The competent body sends the applicant an apology letter with a new date (TT 01/2018 Mẫu 04,
    TT 03/2025 Mẫu 04 "Văn bản xin lỗi và đề nghị gia hạn"); a dossier is re-appointed at most
    once, which the single ``Dossier.extension`` field enforces.

    Attributes:
        letter_at: when the apology letter was issued.
        previous_due_at: the due date before the extension.
        new_due_at: the new due date, later than ``previous_due_at``.
        reason: the reason given to the applicant.
    """

    letter_at: Instant
    previous_due_at: Instant
    new_due_at: Instant
    reason: _Reason

    @property
    def letter_on_time(self) -> bool:
        """Whether the apology letter went out at the latest one day before the old due date.

        "chậm nhất 01 ngày trước ngày hết hạn" (NĐ 61/2018/NĐ-CP Art. 19(9), NĐ 118/2025/NĐ-CP
        Art. 19(6)). Compared as
        calendar dates in Vietnam (Asia/Ho_Chi_Minh): the letter's date must be before the
        previous due date's.
        """
        return vn_date(self.letter_at, field="letter_at") < vn_date(
            self.previous_due_at, field="previous_due_at"
        )

    @model_validator(mode="after")
    def _check_dates(self) -> Self:
        if self.new_due_at <= self.previous_due_at:
            raise InvalidDossierError(
                "new_due_at: the new due date must be later than the previous one",
                field="new_due_at",
            )
        return self


class LienThongStep(FrozenModel):
    """The part of a liên thông dossier handled by one agency (Phiếu chuyển xử lý).

    Attributes:
        agency: the agency.
        task: its task.
        started_at: when it received the dossier.
        due_at: its own time limit, when set.
        finished_at: when it finished; ``None`` while in progress.
    """

    agency: AgencyRef
    task: _Text
    started_at: Instant
    due_at: Instant | None = None
    finished_at: Instant | None = None

    @model_validator(mode="after")
    def _check_order(self) -> Self:
        for name in ("due_at", "finished_at"):
            value = getattr(self, name)
            if value is not None and value < self.started_at:
                raise InvalidDossierError(f"{name}: earlier than started_at", field=name)
        return self


class ResultDocument(FrozenModel):
    """A result document (``DanhSachGiayToKetQua``).

    Attributes:
        name: e.g. ``"Giấy khai sinh"``.
        code: the result code (``MaGiayToKetQua``).
        number: the document's number and symbol (số, ký hiệu), when issued.
        sha256: the SHA-256 of the electronic result, when there is one.
    """

    name: _Text
    code: Annotated[Text, Field(min_length=1, max_length=60)] | None = None
    number: Annotated[Text, Field(max_length=100)] | None = None
    sha256: _Sha256 | None = None


class DeliveryMethod(ModelEnum):
    """How the result is returned (``HinhThuc``)."""

    COUNTER = "counter"
    """Handed over at the one-stop counter."""
    POSTAL = "postal"
    """Sent by the public postal service (BCCI)."""
    ONLINE = "online"
    """Sent electronically (portal account, e-mail, results store)."""


class ResultDelivery(FrozenModel):
    """How and when the result reached the applicant.

    Attributes:
        method: counter, postal or online.
        tracking_number: the postal item number, for postal delivery.
        address: the delivery address, for postal delivery (personal data).
    """

    method: DeliveryMethod
    tracking_number: Annotated[Text, Field(max_length=60)] | None = None
    address: Annotated[Text, Field(max_length=500)] | None = Field(default=None, repr=False)


class DossierResult(FrozenModel):
    """The outcome of a completed dossier.

    Attributes:
        documents: the result documents.
        delivery: how the result was or will be returned.
    """

    documents: tuple[ResultDocument, ...] = ()
    delivery: ResultDelivery | None = None


class EventAction(ModelEnum):
    """What an event in a dossier's history did."""

    SUBMIT = "submit"
    ACCEPT = "accept"
    REFUSE = "refuse"
    START_PROCESSING = "start_processing"
    REQUEST_SUPPLEMENT = "request_supplement"
    RECEIVE_SUPPLEMENT = "receive_supplement"
    REQUEST_PAYMENT = "request_payment"
    RECORD_PAYMENT = "record_payment"
    WITHDRAW = "withdraw"
    STOP = "stop"
    CLOSE = "close"
    """Đóng hồ sơ: the supplement did not come back in time (NĐ 118/2025/NĐ-CP Art. 19(5));
    from ``SUPPLEMENT_REQUESTED`` (an open appraisal-stage request) to ``STOPPED``."""
    COMPLETE = "complete"
    RETURN_RESULT = "return_result"
    EXTEND = "extend"
    TRANSITION = "transition"
    """A status change made through the generic :meth:`Dossier.transition`."""
    NOTE = "note"
    """A note that changes nothing."""


class DossierEvent(FrozenModel):
    """One entry of a dossier's append-only history.

    Attributes:
        at: when it happened (timezone-aware).
        actor: who did it: a user name, staff code or system name (not an ID number).
        action: what was done.
        from_status: the status before (``None`` for the first event, the submission).
        to_status: the status after (equal to ``from_status`` for actions that change no status).
        note: free text (reason for a refusal, a supplement, a stop...).
    """

    at: Instant
    actor: _Actor
    action: EventAction
    from_status: DossierStatus | None
    to_status: DossierStatus
    note: Annotated[MultilineText, Field(max_length=2000)] | None = None


def _reason(value: object) -> str:
    """A required reason (refusal, supplement, stop): non-empty text, told to the applicant."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidDossierError(
            "reason: a reason is required (it is given to the applicant, NĐ 61/2018/NĐ-CP "
            "Arts. 17-19); expected non-empty text",
            field="reason",
        )
    return value


class Dossier(FrozenModel):
    """A dossier (hồ sơ) of an administrative procedure, with its full history.

    Build one with :meth:`submit` (or the constructor, to import an existing record) and move it
    through its lifecycle with the transition methods; each returns a new dossier. The status
    codes and transitions are those of :class:`~onestop.models.DossierStatus`.

    Invariants checked on construction: ``submitted_at ≤ received_at ≤ due_at``; a received
    dossier has a due date; statuses 2, 4, 6, 9 and 10 have been received, 1 and 3 have not;
    events are in time order and form a chain allowed by the transition table ending at
    ``status``; only the last supplement request may be open, and ``SUPPLEMENT_REQUESTED``
    needs an open one; one extension at most.

    Attributes:
        code: the dossier code (mã số hồ sơ, NĐ 61/2018 Art. 26).
        procedure: the procedure and the processing time that applies.
        applicant: who submitted it.
        channel: how it was submitted.
        summary: the abstract (trích yếu), if any.
        submitted_at: when it was submitted (``NgayNopHoSo``).
        received_at: when it was accepted (``NgayTiepNhan``): the processing clock starts here.
        due_at: the appointed return date (``NgayHenTra``), after any extension or restart.
        status: the current status.
        documents: the submitted files.
        fees: the fees and charges due.
        payments: the payments received.
        supplements: the supplement requests, in order.
        extension: the one extension, if granted.
        lien_thong: the liên thông steps.
        result: the outcome, once completed.
        events: the history, oldest first (append-only).
        postal_orders: the VNPost orders of the dossier (pickup, result delivery) with their
            last known status; order numbers are unique.
        online_payments: the transactions on the national payment platform; references are
            unique.
    """

    code: DossierCode
    procedure: ProcedureRef
    applicant: Applicant
    channel: Channel
    summary: Annotated[MultilineText, Field(max_length=1000)] | None = None
    submitted_at: Instant
    received_at: Instant | None = None
    due_at: Instant | None = None
    status: DossierStatus
    documents: tuple[SubmittedDocument, ...] = ()
    fees: tuple[FeeItem, ...] = ()
    payments: tuple[Payment, ...] = ()
    supplements: tuple[SupplementRequest, ...] = ()
    extension: Extension | None = None
    lien_thong: tuple[LienThongStep, ...] = ()
    result: DossierResult | None = None
    events: tuple[DossierEvent, ...] = ()
    postal_orders: tuple[PostalOrder, ...] = ()
    online_payments: tuple[OnlinePayment, ...] = ()

    # ------------------------------------------------------------------ invariants

    @model_validator(mode="after")
    def _check_invariants(self) -> Self:
        self._check_dates()
        self._check_events()
        self._check_supplements()
        self._check_unique("postal_orders", [o.order_number for o in self.postal_orders])
        self._check_unique("online_payments", [p.reference for p in self.online_payments])
        return self

    @staticmethod
    def _check_unique(field: str, keys: list[str]) -> None:
        seen: set[str] = set()
        for index, key in enumerate(keys):
            if key in seen:
                what = "order_number" if field == "postal_orders" else "reference"
                raise InvalidDossierError(
                    f"{field}[{index}].{what}: {key!r} appears twice; each must be unique",
                    field=f"{field}[{index}].{what}",
                )
            seen.add(key)

    def _check_dates(self) -> None:
        if self.received_at is not None and self.received_at < self.submitted_at:
            raise InvalidDossierError(
                "received_at: earlier than submitted_at; a dossier is accepted after it is "
                "submitted",
                field="received_at",
            )
        if self.due_at is not None:
            start = self.received_at or self.submitted_at
            if self.due_at < start:
                raise InvalidDossierError(
                    "due_at: earlier than received_at (or submitted_at)", field="due_at"
                )
        if self.received_at is not None and self.due_at is None:
            raise InvalidDossierError(
                "due_at: an accepted dossier (received_at set) needs the appointed due date",
                field="due_at",
            )
        if self.status in _ACCEPTED and (self.received_at is None or self.due_at is None):
            missing = "received_at" if self.received_at is None else "due_at"
            raise InvalidDossierError(
                f"{missing}: a dossier with status {self.status.value} ({self.status.code}) "
                "has been accepted and needs received_at and due_at",
                field=missing,
            )
        if self.status in (_S.NEW, _S.REFUSED) and self.received_at is not None:
            raise InvalidDossierError(
                f"received_at: a dossier with status {self.status.value} ({self.status.code}) "
                "has not been accepted, so received_at must be null",
                field="received_at",
            )
        if self.extension is not None and self.due_at is None:
            raise InvalidDossierError(
                "extension: an extended dossier needs due_at", field="extension"
            )

    def _check_events(self) -> None:
        if not self.events:
            return
        first = self.events[0]
        if first.from_status is not None or first.to_status not in INITIAL_STATUSES:
            raise InvalidDossierError(
                "events[0]: the history must start with the submission (from_status null, "
                "to_status new or received)",
                field="events[0]",
            )
        if first.at < self.submitted_at:
            raise InvalidDossierError(
                "events[0].at: earlier than submitted_at", field="events[0].at"
            )
        for index in range(1, len(self.events)):
            prev, event = self.events[index - 1], self.events[index]
            where = f"events[{index}]"
            if event.at < prev.at:
                raise InvalidDossierError(
                    f"{where}.at: events must be in time order; this one is earlier than the "
                    "one before",
                    field=f"{where}.at",
                )
            if event.from_status is not prev.to_status:
                raise InvalidDossierError(
                    f"{where}.from_status: must equal the previous event's to_status "
                    f"({prev.to_status.value})",
                    field=f"{where}.from_status",
                )
            if event.to_status is not event.from_status:
                check_transition(event.from_status, event.to_status)
            if event.action is EventAction.CLOSE:
                self._check_close_event(index, event)
        if self.events[-1].to_status is not self.status:
            raise InvalidDossierError(
                f"status: {self.status.value} differs from the last event's to_status "
                f"({self.events[-1].to_status.value})",
                field="status",
            )

    def _check_close_event(self, index: int, event: DossierEvent) -> None:
        """A recorded closing follows the rule of :meth:`close`."""
        where = f"events[{index}]"
        if event.from_status is not _S.SUPPLEMENT_REQUESTED or event.to_status is not (
            CLOSED_STATUS
        ):
            raise InvalidDossierError(
                f"{where}.action: a dossier is closed (close) from supplement_requested to "
                f"{CLOSED_STATUS.value}, not from {event.from_status and event.from_status.value} "
                f"to {event.to_status.value}",
                field=f"{where}.action",
            )
        request = next((s for s in reversed(self.supplements) if s.requested_at <= event.at), None)
        if (
            request is None
            or request.stage is not SupplementStage.APPRAISAL
            or (request.resubmitted_at is not None and request.resubmitted_at <= event.at)
        ):
            raise InvalidDossierError(
                f"{where}.action: a dossier is closed only while an appraisal-stage supplement "
                "request is open (NĐ 118/2025/NĐ-CP Art. 19(5))",
                field=f"{where}.action",
            )

    def _check_supplements(self) -> None:
        for index, item in enumerate(self.supplements):
            if item.requested_at < self.submitted_at:
                raise InvalidDossierError(
                    f"supplements[{index}].requested_at: earlier than submitted_at",
                    field=f"supplements[{index}].requested_at",
                )
            last = index == len(self.supplements) - 1
            if item.resubmitted_at is None and not last:
                raise InvalidDossierError(
                    f"supplements[{index}]: only the last supplement request may be open",
                    field=f"supplements[{index}]",
                )
            if index and item.requested_at < self.supplements[index - 1].requested_at:
                raise InvalidDossierError(
                    f"supplements[{index}].requested_at: requests must be in time order",
                    field=f"supplements[{index}].requested_at",
                )
        if self.status is _S.SUPPLEMENT_REQUESTED and (
            not self.supplements or self.supplements[-1].resubmitted_at is not None
        ):
            raise InvalidDossierError(
                "supplements: a dossier with status supplement_requested needs an open "
                "supplement request (resubmitted_at null) as its last request",
                field="supplements",
            )

    # ------------------------------------------------------------------ derived values

    @property
    def open_supplement(self) -> SupplementRequest | None:
        """The supplement request awaiting the applicant, if any."""
        if self.supplements and self.supplements[-1].resubmitted_at is None:
            return self.supplements[-1]
        return None

    @property
    def amount_due(self) -> int:
        """Fees and charges due, in VND."""
        return sum(f.amount for f in self.fees)

    @property
    def amount_paid(self) -> int:
        """Payments received, in VND."""
        return sum(p.amount for p in self.payments)

    @property
    def completed_at(self) -> dt.datetime | None:
        """When processing finished (``NgayKetThucXuLy``): the last completion event."""
        return self._last_at(_S.COMPLETED)

    @property
    def returned_at(self) -> dt.datetime | None:
        """When the result was returned (``NgayTra``): the last return event."""
        return self._last_at(_S.RETURNED)

    @property
    def closed_at(self) -> dt.datetime | None:
        """When the dossier was closed (đóng hồ sơ, :meth:`close`), if it was."""
        for event in reversed(self.events):
            if event.action is EventAction.CLOSE:
                return event.at
        return None

    def _last_at(self, status: DossierStatus) -> dt.datetime | None:
        for event in reversed(self.events):
            if event.to_status is status and event.from_status is not status:
                return event.at
        return None

    def allowed_next(self) -> frozenset[DossierStatus]:
        """The statuses this dossier may move to now.

        The transition table's successors of the current status, narrowed for
        ``SUPPLEMENT_REQUESTED`` by the stage of the open request (:data:`SUPPLEMENT_EXITS`).
        """
        allowed = TRANSITIONS[self.status]
        request = self.open_supplement
        if self.status is _S.SUPPLEMENT_REQUESTED and request is not None:
            allowed = allowed & SUPPLEMENT_EXITS[request.stage]
        return allowed

    def _check_move(self, to: DossierStatus) -> None:
        check_transition(self.status, to)
        if to not in self.allowed_next():
            stage = self.open_supplement.stage.value if self.open_supplement else "?"
            allowed = ", ".join(sorted(s.value for s in self.allowed_next()))
            raise InvalidTransitionError(
                f"status: cannot change from {self.status.value} ({self.status.code}) to "
                f"{to.value} ({to.code}) while the open supplement request is at the {stage} "
                f"stage; allowed: {allowed}",
                field="status",
            )

    # ------------------------------------------------------------------ construction

    @classmethod
    def submit(
        cls,
        *,
        code: DossierCode | str,
        procedure: ProcedureRef | Procedure,
        applicant: Applicant,
        channel: Channel,
        at: dt.datetime,
        by: str,
        due_at: dt.datetime | None = None,
        documents: tuple[SubmittedDocument, ...] = (),
        fees: tuple[FeeItem, ...] | None = None,
        summary: str | None = None,
    ) -> Dossier:
        """Register a new dossier, with the submission as the first event.

        Online and postal dossiers start as ``NEW`` and are accepted later with
        :meth:`accept`. A dossier accepted on the spot at the counter passes ``due_at`` and
        starts as ``RECEIVED`` with ``received_at = at``.

        Args:
            code: the dossier code.
            procedure: the procedure, or a reference to it; a full :class:`Procedure` is
                reduced to a :class:`ProcedureRef` for ``channel``.
            applicant: the applicant.
            channel: the submission channel.
            at: the submission time (timezone-aware).
            by: who registered it (user or system name).
            due_at: the appointed date, when accepted at once.
            documents: the submitted files.
            fees: the fees due; by default, the procedure's fees for the channel when a full
                :class:`Procedure` is given, else none.
            summary: the abstract (trích yếu).

        Raises:
            InvalidDossierError: a value is invalid or inconsistent.
        """
        require_aware(at, field="at")
        if isinstance(procedure, Procedure):
            if fees is None:
                fees = procedure.fees_for(channel)
            ref = ProcedureRef.from_procedure(procedure, channel)
        else:
            ref = procedure
        status = _S.NEW if due_at is None else _S.RECEIVED
        event = DossierEvent(
            at=at, actor=by, action=EventAction.SUBMIT, from_status=None, to_status=status
        )
        return cls.model_validate(
            {
                "code": code,
                "procedure": ref,
                "applicant": applicant,
                "channel": channel,
                "summary": summary,
                "submitted_at": at,
                "received_at": None if due_at is None else at,
                "due_at": due_at,
                "status": status,
                "documents": documents,
                "fees": fees or (),
                "events": (event,),
            }
        )

    # ------------------------------------------------------------------ transitions

    def _step(
        self,
        to: DossierStatus,
        action: EventAction,
        *,
        at: dt.datetime,
        by: str,
        note: str | None,
        **changes: Any,
    ) -> Self:
        """Append an event (checking the transition and the time order) and apply changes."""
        require_aware(at, field="at")
        if to is not self.status:
            self._check_move(to)
        last = self.events[-1].at if self.events else self.submitted_at
        if at < last:
            raise InvalidDossierError(
                "at: events must be in time order; this step is earlier than the dossier's last "
                "event (or its submission)",
                field="at",
            )
        event = DossierEvent(
            at=at, actor=by, action=action, from_status=self.status, to_status=to, note=note
        )
        if to is _S.SUPPLEMENT_REQUESTED and to is not self.status and "supplements" not in changes:
            stage = SupplementStage.INTAKE if self.status is _S.NEW else SupplementStage.APPRAISAL
            request = SupplementRequest(requested_at=at, reason=note or "(not given)", stage=stage)
            changes["supplements"] = (*self.supplements, request)
        if (
            self.status is _S.SUPPLEMENT_REQUESTED
            and to in (_S.RECEIVED, _S.PROCESSING)
            and "supplements" not in changes
        ):
            changes["supplements"] = self._close_supplement(at)
        if to is _S.RECEIVED and self.received_at is None and "received_at" not in changes:
            changes["received_at"] = at
        return self._evolve(status=to, events=(*self.events, event), **changes)

    def _close_supplement(self, at: dt.datetime) -> tuple[SupplementRequest, ...]:
        open_request = self.open_supplement
        if open_request is None:  # pragma: no cover - guaranteed by the invariants
            return self.supplements
        closed = open_request.model_copy(update={"resubmitted_at": at})
        return (*self.supplements[:-1], closed)

    def transition(
        self,
        to: DossierStatus,
        *,
        at: dt.datetime,
        by: str,
        note: str | None = None,
        due_at: dt.datetime | None = None,
    ) -> Self:
        """Change the status to ``to`` if the transition table allows it.

        The generic form of the named methods: it appends a ``TRANSITION`` event and keeps the
        bookkeeping consistent (a supplement request is opened on entering
        ``SUPPLEMENT_REQUESTED`` with ``note`` as reason, and closed on leaving it for
        ``RECEIVED`` or ``PROCESSING``; ``received_at`` is set on acceptance).

        Args:
            to: the requested status.
            at: when (timezone-aware, not earlier than the last event).
            by: who.
            note: free text.
            due_at: a new due date to record (needed when accepting).

        Raises:
            InvalidTransitionError: the table does not allow the current status → ``to``.
            InvalidDossierError: ``at`` is out of order, or the result is inconsistent.
            InvalidInputError: ``at`` or ``due_at`` is naive (:func:`onestop.tz.require_aware`),
                or ``to`` is not a :class:`DossierStatus` (or its value).
        """
        to = DossierStatus(to)
        self._check_move(to)
        changes: dict[str, Any] = {}
        if due_at is not None:
            changes["due_at"] = require_aware(due_at, field="due_at")
        return self._step(to, EventAction.TRANSITION, at=at, by=by, note=note, **changes)

    def accept(
        self, *, at: dt.datetime, by: str, due_at: dt.datetime, note: str | None = None
    ) -> Self:
        """Accept the dossier (tiếp nhận) and appoint the return date.

        Issues the Giấy tiếp nhận hồ sơ và hẹn trả kết quả (NĐ 61/2018 Art. 17(2), NĐ 118/2025
        Art. 17(1)(c), 17(3)); the
        processing clock starts at ``at``. Allowed from ``NEW`` or from an intake
        ``SUPPLEMENT_REQUESTED`` once the dossier is complete.

        Args:
            at: the receipt time, becomes ``received_at``.
            by: the officer.
            due_at: the appointed date, typically computed by :mod:`onestop.deadlines`.
            note: free text.
        """
        return self._step(
            _S.RECEIVED,
            EventAction.ACCEPT,
            at=at,
            by=by,
            note=note,
            received_at=require_aware(at, field="at"),
            due_at=require_aware(due_at, field="due_at"),
        )

    def refuse(self, *, at: dt.datetime, by: str, reason: str) -> Self:
        """Refuse the dossier at intake (Phiếu từ chối tiếp nhận, NĐ 61/2018 Art. 17).

        Args:
            at: when.
            by: the officer.
            reason: the reason, given to the applicant.
        """
        return self._step(_S.REFUSED, EventAction.REFUSE, at=at, by=by, note=_reason(reason))

    def start_processing(self, *, at: dt.datetime, by: str, note: str | None = None) -> Self:
        """Start (or, after a payment, resume) processing: status ``PROCESSING``."""
        return self._step(_S.PROCESSING, EventAction.START_PROCESSING, at=at, by=by, note=note)

    def request_supplement(self, *, at: dt.datetime, by: str, reason: str) -> Self:
        """Ask the applicant to complete the dossier (Phiếu yêu cầu bổ sung, hoàn thiện).

        From ``NEW`` it is an intake request (Art. 17); from ``RECEIVED`` or ``PROCESSING`` an
        appraisal request (within 3 working days of receipt, once: NĐ 61/2018 Art. 19(4), NĐ
        118/2025 Art. 19(5); unanswered after 15 days from 1 July 2025, see :meth:`close`).

        Args:
            at: when.
            by: the officer.
            reason: what is missing.
        """
        return self._step(
            _S.SUPPLEMENT_REQUESTED,
            EventAction.REQUEST_SUPPLEMENT,
            at=at,
            by=by,
            note=_reason(reason),
        )

    def receive_supplement(
        self,
        *,
        at: dt.datetime,
        by: str,
        due_at: dt.datetime | None = None,
        note: str | None = None,
    ) -> Self:
        """Record the completed dossier coming back.

        An intake supplement leads to acceptance (``RECEIVED``, ``received_at = at``,
        ``due_at`` required). An appraisal supplement resumes ``PROCESSING``; since the
        processing time restarts from zero (NĐ 61/2018 Art. 19(4), NĐ 118/2025 Art. 19(5)),
        pass the new ``due_at``
        (the deadline engine computes it; the ``Decision 766`` pause policy gives a different
        date).

        Raises:
            InvalidTransitionError: the dossier is not waiting for a supplement.
            InvalidDossierError: an intake supplement without ``due_at``.
        """
        request = self.open_supplement
        if self.status is not _S.SUPPLEMENT_REQUESTED or request is None:
            raise transition_error(self.status, _S.PROCESSING)
        changes: dict[str, Any] = {}
        if due_at is not None:
            changes["due_at"] = require_aware(due_at, field="due_at")
        if request.stage is SupplementStage.INTAKE:
            if due_at is None:
                raise InvalidDossierError(
                    "due_at: accepting a dossier after an intake supplement needs the appointed "
                    "due date",
                    field="due_at",
                )
            changes["received_at"] = require_aware(at, field="at")
            to = _S.RECEIVED
        else:
            to = _S.PROCESSING
        return self._step(to, EventAction.RECEIVE_SUPPLEMENT, at=at, by=by, note=note, **changes)

    def request_payment(
        self,
        *,
        at: dt.datetime,
        by: str,
        fees: tuple[FeeItem, ...] = (),
        note: str | None = None,
    ) -> Self:
        """Ask the applicant to meet a financial obligation (fees, charges, taxes).

        Args:
            at: when.
            by: the officer.
            fees: amounts added to the dossier's fees.
            note: free text (e.g. the tax notice number).
        """
        return self._step(
            _S.FINANCIAL_OBLIGATION,
            EventAction.REQUEST_PAYMENT,
            at=at,
            by=by,
            note=note,
            fees=(*self.fees, *fees),
        )

    def record_payment(self, payment: Payment, *, by: str, note: str | None = None) -> Self:
        """Record a payment (no status change; resume with :meth:`start_processing`).

        Args:
            payment: the payment, whose ``at`` is the event time.
            by: who recorded it.
            note: free text.

        Raises:
            InvalidDossierError: the dossier is closed (refused, withdrawn, stopped, returned).
        """
        if self.status in (_S.REFUSED, _S.WITHDRAWN, _S.STOPPED, _S.RETURNED):
            raise InvalidDossierError(
                f"status: cannot record a payment on a {self.status.value} dossier",
                field="status",
            )
        return self._step(
            self.status,
            EventAction.RECORD_PAYMENT,
            at=payment.at,
            by=by,
            note=note,
            payments=(*self.payments, payment),
        )

    def withdraw(self, *, at: dt.datetime, by: str, reason: str | None = None) -> Self:
        """Record the applicant's request to withdraw the dossier (status 7)."""
        return self._step(_S.WITHDRAWN, EventAction.WITHDRAW, at=at, by=by, note=reason)

    def stop(self, *, at: dt.datetime, by: str, reason: str) -> Self:
        """Stop processing (TT 03/2025/TT-VPCP Art. 7, Mẫu 05 Thông báo dừng giải quyết)."""
        return self._step(_S.STOPPED, EventAction.STOP, at=at, by=by, note=_reason(reason))

    def close(self, *, at: dt.datetime, by: str, note: str | None = None) -> Self:
        """Close the dossier (đóng hồ sơ): the applicant did not complete it in time.

        NĐ 118/2025/NĐ-CP Art. 19(5): "Sau 15 ngày kể từ khi thông báo hoặc theo thời hạn
        quy định của pháp luật chuyên ngành, nếu tổ chức, cá nhân không hoàn thành việc hoàn
        thiện hồ sơ, cán bộ, công chức, viên chức, nhân viên Bộ phận Một cửa thực hiện đóng hồ
        sơ". Allowed only while an appraisal-stage supplement request is open (status 5); the
        request stays open (the supplement never came back) and the status becomes
        :data:`CLOSED_STATUS` (``STOPPED``, national code 8: the national list has no code for
        a closed dossier, our reading). Whether the period has passed is for the deadline
        engine to say (:meth:`onestop.deadlines.DossierClock.supplement_close_date`, flag
        ``supplement_expired``): the model records what was done. :attr:`closed_at` gives the
        instant.

        Args:
            at: when the dossier was closed.
            by: the officer.
            note: free text.

        Raises:
            InvalidTransitionError: no appraisal-stage supplement request is open.
            InvalidDossierError: ``at`` is out of order.
        """
        request = self.open_supplement
        if (
            self.status is not _S.SUPPLEMENT_REQUESTED
            or request is None
            or request.stage is not SupplementStage.APPRAISAL
        ):
            stage = "" if request is None else f" (open request at the {request.stage.value} stage)"
            raise InvalidTransitionError(
                f"status: only a dossier waiting for an appraisal-stage supplement can be closed "
                f"(đóng hồ sơ, NĐ 118/2025/NĐ-CP Art. 19(5)); this one is {self.status.value} "
                f"({self.status.code}){stage}",
                field="status",
            )
        return self._step(CLOSED_STATUS, EventAction.CLOSE, at=at, by=by, note=note)

    def complete(
        self,
        *,
        at: dt.datetime,
        by: str,
        result: DossierResult | None = None,
        note: str | None = None,
    ) -> Self:
        """Finish processing: the result is ready (status 9, ``NgayKetThucXuLy`` = ``at``).

        Args:
            at: when.
            by: the officer.
            result: the result documents (and planned delivery).
            note: free text.
        """
        changes: dict[str, Any] = {}
        if result is not None:
            changes["result"] = result
        return self._step(_S.COMPLETED, EventAction.COMPLETE, at=at, by=by, note=note, **changes)

    def return_result(
        self,
        *,
        at: dt.datetime,
        by: str,
        delivery: ResultDelivery | None = None,
        note: str | None = None,
    ) -> Self:
        """Return the result to the applicant (status 10, ``NgayTra`` = ``at``).

        Args:
            at: when it was handed over or sent.
            by: the officer.
            delivery: counter, postal (with tracking number) or online.
            note: free text.
        """
        changes: dict[str, Any] = {}
        if delivery is not None:
            documents = self.result.documents if self.result is not None else ()
            changes["result"] = DossierResult.model_validate(
                {"documents": documents, "delivery": delivery}
            )
        return self._step(
            _S.RETURNED, EventAction.RETURN_RESULT, at=at, by=by, note=note, **changes
        )

    def extend(
        self,
        *,
        at: dt.datetime,
        by: str,
        new_due_at: dt.datetime,
        reason: str,
    ) -> Self:
        """Re-appoint a late dossier once, with an apology letter.

        NĐ 61/2018 Art. 19(9), NĐ 118/2025 Art. 19(6): "Việc hẹn lại ngày trả kết quả được
        thực hiện không quá một lần".

        The letter should go out at the latest one day before the due date; onestop records
        when it did (``letter_at = at``) and leaves the judgement of lateness to reports.

        Args:
            at: when the apology letter was issued.
            by: the officer.
            new_due_at: the new date, later than the current ``due_at``.
            reason: the reason given to the applicant.

        Raises:
            InvalidDossierError: the dossier was already extended, is not open, or the new
                date is not later.
        """
        if self.extension is not None:
            raise InvalidDossierError(
                "extension: a dossier may be re-appointed only once (NĐ 61/2018 Art. 19(9), NĐ "
                "118/2025 Art. 19(6))",
                field="extension",
            )
        if not self.status.is_open or self.due_at is None:
            raise InvalidDossierError(
                f"status: only an accepted, unfinished dossier can be extended, not a "
                f"{self.status.value} one",
                field="status",
            )
        extension = Extension(
            letter_at=require_aware(at, field="at"),
            previous_due_at=self.due_at,
            new_due_at=require_aware(new_due_at, field="new_due_at"),
            reason=reason,
        )
        return self._step(
            self.status,
            EventAction.EXTEND,
            at=at,
            by=by,
            note=reason,
            extension=extension,
            due_at=new_due_at,
        )

    def add_note(self, *, at: dt.datetime, by: str, note: str) -> Self:
        """Append a note to the history without changing anything else."""
        return self._step(self.status, EventAction.NOTE, at=at, by=by, note=note)

    # ------------------------------------------------------------------ connections

    def postal_order(self, order_number: str) -> PostalOrder | None:
        """The postal order with this number, or ``None``."""
        for order in self.postal_orders:
            if order.order_number == order_number:
                return order
        return None

    def with_postal_order(self, order: PostalOrder) -> Self:
        """A copy recording ``order``: added, or replacing the order with the same number.

        The history (``events``) is not touched: postal orders are bookkeeping of the channel,
        not steps of the procedure.

        Raises:
            InvalidInputError: ``order`` is not a :class:`PostalOrder`.
        """
        if not isinstance(order, PostalOrder):
            raise InvalidInputError(
                f"order: expected a PostalOrder, got {type(order).__name__}", field="order"
            )
        kept = tuple(o for o in self.postal_orders if o.order_number != order.order_number)
        if len(kept) == len(self.postal_orders):
            return self._evolve(postal_orders=(*self.postal_orders, order))
        return self._evolve(
            postal_orders=tuple(
                order if o.order_number == order.order_number else o for o in self.postal_orders
            )
        )

    def with_postal_status(
        self, order_number: str, status: PostalStatus | int, *, at: dt.datetime
    ) -> Self:
        """A copy with the last known status of one order (an older report is ignored).

        Args:
            order_number: the order (``OrderNumber``).
            status: the status VNPost reported (code 0-22).
            at: when it was observed (timezone-aware).

        Raises:
            InvalidInputError: the dossier has no such order, ``status`` is not a code 0-22
                or ``at`` is naive.
        """
        order = self.postal_order(order_number)
        if order is None:
            raise InvalidInputError(
                f"order_number: the dossier has no postal order {str(order_number)[:60]!r}",
                field="order_number",
            )
        updated = order.with_status(status, at=at)
        return self if updated is order else self.with_postal_order(updated)

    def online_payment(self, reference: str) -> OnlinePayment | None:
        """The online payment with this reference (``MaThamChieu``), or ``None``."""
        for payment in self.online_payments:
            if payment.reference == reference:
                return payment
        return None

    def with_online_payment(self, payment: OnlinePayment) -> Self:
        """A copy recording ``payment``: added, or replacing the transaction with its reference.

        A replacement must be a move the states allow
        (:meth:`OnlinePaymentState.can_become`): a succeeded transaction never changes, so a
        late or forged failure cannot undo a payment.

        Raises:
            InvalidInputError: ``payment`` is not an :class:`OnlinePayment`.
            InvalidDossierError: the state move is not allowed, or amount or currency differ
                from the recorded transaction's.
        """
        if not isinstance(payment, OnlinePayment):
            raise InvalidInputError(
                f"payment: expected an OnlinePayment, got {type(payment).__name__}",
                field="payment",
            )
        current = self.online_payment(payment.reference)
        if current is None:
            return self._evolve(online_payments=(*self.online_payments, payment))
        if (payment.amount, payment.currency) != (current.amount, current.currency):
            raise InvalidDossierError(
                "online_payments: the amount or currency differs from the recorded "
                "transaction with the same reference",
                field="online_payments",
            )
        if not current.state.can_become(payment.state):
            raise InvalidDossierError(
                f"online_payments: a {current.state.value} transaction cannot become "
                f"{payment.state.value}",
                field="online_payments",
            )
        return self._evolve(
            online_payments=tuple(
                payment if p.reference == payment.reference else p for p in self.online_payments
            )
        )
