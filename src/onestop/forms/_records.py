"""The forms as data: what each form says, as frozen pydantic models with a JSON Schema.

A :class:`FormRecord` is everything a form prints, computed from a dossier by
:func:`onestop.forms.build_form`: the header (issuing body, number, place and date), the
applicant, and the body of its kind. The PDF and the HTML are drawn from the record and nothing
else, so the three outputs always say the same. Instants are aware datetimes; the JSON form is
``record.model_dump_json()`` and its schema :func:`form_json_schema`. Personal fields (names,
addresses, phone numbers) are left out of ``repr()``.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from onestop.forms._kinds import FormEdition, FormKind

__all__ = [
    "SCHEMA_VERSION",
    "ApologyBody",
    "ApplicantLines",
    "ClockNote",
    "ControlBody",
    "ControlRow",
    "DocumentLine",
    "FormBody",
    "FormHeader",
    "FormRecord",
    "ReceiptBody",
    "RefusalBody",
    "StopBody",
    "SupplementBody",
    "form_json_schema",
]

#: Version of the record's JSON layout; raised on any incompatible change.
SCHEMA_VERSION: Literal[1] = 1

_Text = Annotated[str, Field(min_length=1, max_length=4000)]


class _Record(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class FormHeader(_Record):
    """The header block of a form (national motto on the right, the issuer on the left).

    Attributes:
        governing_body: the body the issuer belongs to (cơ quan chủ quản), first line on the
            left; ``None`` when the issuer is itself a top-level body.
        issuer: the issuing body (tên cơ quan, đơn vị).
        desk: the one-stop desk (Bộ phận Một cửa / Bộ phận tiếp nhận và trả kết quả) when the
            form is issued by it.
        agency_code: the receiving agency's electronic identifier, from the dossier code.
        number: the document number and symbol (số, ký hiệu), when the registry gave one.
        place: the place name of the date line (địa danh).
        issued_at: when the form is issued (the dossier event it records).
    """

    governing_body: str | None = None
    issuer: _Text
    desk: str | None = None
    agency_code: str
    number: str | None = None
    place: _Text
    issued_at: AwareDatetime


class ApplicantLines(_Record):
    """The applicant as the form names them (personal data: not in ``repr()``).

    Attributes:
        name: the person's or organisation's name.
        is_organization: whether the applicant is an organisation (addressed "Tổ chức" rather
            than "Ông/Bà").
        address: the address, when known.
        phone: the phone number, when known.
        email: the e-mail address, when known.
    """

    name: _Text = Field(repr=False)
    is_organization: bool = False
    address: str | None = Field(default=None, repr=False)
    phone: str | None = Field(default=None, repr=False)
    email: str | None = Field(default=None, repr=False)


class DocumentLine(_Record):
    """One paper of the dossier (thành phần hồ sơ).

    Attributes:
        name: its name.
        originals: how many originals (bản chính), when the procedure says.
        copies: how many copies (bản sao), when the procedure says.
    """

    name: _Text
    originals: int | None = None
    copies: int | None = None


class ClockNote(_Record):
    """Something the deadline engine flags about the dossier's clock (not printed on the form).

    Attributes:
        code: the engine's stable flag code (e.g. ``"late_apology"``).
        message: the finding, in Vietnamese.
        basis: the rule behind it.
    """

    code: str
    message: str
    basis: str


class ReceiptBody(_Record):
    """Giấy tiếp nhận hồ sơ và hẹn trả kết quả.

    Attributes:
        kind: ``"receipt"``.
        documents: the papers received (from the procedure, else the dossier's files).
        sets: number of sets (bộ) of the dossier.
        processing_time: the processing time as printed, e.g. ``"05 ngày làm việc"``.
        received_at: when the complete dossier was received (the clock starts).
        appointment_at: the appointed return, computed by the deadline engine.
        appointment_basis: how the engine counted it, step by step (Vietnamese).
        delivery: where the result is to be collected or sent.
        qr_payload: what the QR code carries: the dossier code, or the lookup URL with it.
        receiving_officer: the receiving officer's name, when given.
        register_entry: the entry in the dossier register (Sổ theo dõi), when given.
    """

    kind: Literal["receipt"] = "receipt"
    documents: tuple[DocumentLine, ...]
    sets: Annotated[int, Field(ge=1, le=100)] = 1
    processing_time: _Text
    received_at: AwareDatetime
    appointment_at: AwareDatetime
    appointment_basis: str
    delivery: _Text
    qr_payload: _Text
    receiving_officer: str | None = None
    register_entry: str | None = None


class SupplementBody(_Record):
    """Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ.

    Attributes:
        kind: ``"supplement"``.
        items: what to complete, one per line.
        reason: why.
        stage: ``"intake"`` (before acceptance) or ``"appraisal"`` (after; the processing time
            then restarts on the completed dossier).
        requested_at: when the request is issued.
        request_due_by: for an appraisal request, the last day it could be issued (3 working
            days from receipt), from the deadline engine.
        contact: whom to ask while completing the dossier (officer, phone), when given.
        officer: the officer who guides the applicant, when given.
    """

    kind: Literal["supplement"] = "supplement"
    items: tuple[_Text, ...]
    reason: _Text
    stage: Literal["intake", "appraisal"]
    requested_at: AwareDatetime
    request_due_by: dt.date | None = None
    contact: str | None = None
    officer: str | None = None


class RefusalBody(_Record):
    """Phiếu từ chối tiếp nhận giải quyết hồ sơ.

    Attributes:
        kind: ``"refusal"``.
        reason: the reason given to the applicant.
        legal_basis: the legal texts of the procedure (when the procedure is given).
        refused_at: when the dossier was refused.
        officer: the receiving officer, when given.
    """

    kind: Literal["refusal"] = "refusal"
    reason: _Text
    legal_basis: tuple[str, ...] = ()
    refused_at: AwareDatetime
    officer: str | None = None


class ApologyBody(_Record):
    """The apology for a late result and the new appointment (Mẫu 04 of either edition).

    Attributes:
        kind: ``"apology"``.
        received_at: when the dossier was received.
        previous_due_at: the appointment that will be missed.
        new_due_at: the new appointment (recorded in the dossier's one extension).
        reason: why the result is late.
        letter_at: when the letter is issued.
        letter_due_by: the last day the letter should go out (one working day before the due
            date), from the deadline engine.
        signatory: the head of the body who signs, when given.
    """

    kind: Literal["apology"] = "apology"
    received_at: AwareDatetime
    previous_due_at: AwareDatetime
    new_due_at: AwareDatetime
    reason: _Text
    letter_at: AwareDatetime
    letter_due_by: dt.date | None = None
    signatory: str | None = None


class StopBody(_Record):
    """Thông báo dừng giải quyết hồ sơ.

    Attributes:
        kind: ``"stop"``.
        received_at: when the dossier was received (``None`` if it never was).
        reason: the reason for stopping.
        stopped_at: when processing was stopped.
        officer: who signs, when given.
    """

    kind: Literal["stop"] = "stop"
    received_at: AwareDatetime | None = None
    reason: _Text
    stopped_at: AwareDatetime
    officer: str | None = None


class ControlRow(_Record):
    """One hand-over of the dossier between two parties.

    Attributes:
        handed_by: who hands the dossier over.
        received_by: who receives it.
        at: when.
        due_at: the time limit of the receiving party's part, when it has one.
        result: ``"Trước hạn"``, ``"Đúng hạn"`` or ``"Quá hạn"`` once that part is finished
            (Thông tư 01/2018/TT-VPCP Art. 13), else ``None``.
        note: free text (the task, a supplement, a delay).
    """

    handed_by: _Text
    received_by: _Text
    at: AwareDatetime
    due_at: AwareDatetime | None = None
    result: str | None = None
    note: str | None = None


class ControlBody(_Record):
    """Phiếu kiểm soát quá trình giải quyết hồ sơ.

    Attributes:
        kind: ``"control"``.
        received_at: when the dossier was received.
        due_at: its appointed return (after any restart or extension); ``None`` while a
            supplement is awaited (the processing time then restarts on the completed dossier).
        lead_body: the body that settles the dossier.
        coordinating_bodies: the bodies that take part (liên thông).
        rows: the hand-overs in time order.
    """

    kind: Literal["control"] = "control"
    received_at: AwareDatetime
    due_at: AwareDatetime | None
    lead_body: _Text
    coordinating_bodies: tuple[str, ...] = ()
    rows: tuple[ControlRow, ...]


FormBody = Annotated[
    ReceiptBody | SupplementBody | RefusalBody | ApologyBody | StopBody | ControlBody,
    Field(discriminator="kind"),
]


class FormRecord(_Record):
    """A form with everything it prints, ready to be drawn as PDF or HTML.

    Attributes:
        schema_version: :data:`SCHEMA_VERSION`.
        kind: which form.
        edition: whose forms (Thông tư 01/2018 or 03/2025), chosen by the receipt instant.
        form_number: the form's number in that edition (``None``: no such form there).
        reference: where the form comes from, e.g. ``"Mẫu số 01, Phụ lục I, Thông tư
            03/2025/TT-VPCP"``.
        title: the title as printed.
        dossier_code: the dossier code (mã số hồ sơ).
        procedure_code: the procedure code.
        procedure_name: the procedure's name: the content of the request.
        summary: the dossier's abstract (trích yếu), when it has one.
        header: the header block.
        applicant: the applicant.
        body: what the form says, by kind.
        clock_notes: what the deadline engine flags (late request, late letter...), for the
            officer; not printed.
    """

    schema_version: Literal[1] = SCHEMA_VERSION
    kind: FormKind
    edition: FormEdition
    form_number: str | None
    reference: _Text
    title: _Text
    dossier_code: _Text
    procedure_code: _Text
    procedure_name: _Text
    summary: str | None = None
    header: FormHeader
    applicant: ApplicantLines
    body: FormBody
    clock_notes: tuple[ClockNote, ...] = ()


def form_json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of :class:`FormRecord`, for other languages."""
    return FormRecord.model_json_schema()
