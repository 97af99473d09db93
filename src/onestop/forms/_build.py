"""Build a :class:`~onestop.forms.FormRecord` from a dossier: every field from the data.

Dates are the dossier's recorded events (receipt, request, refusal, letter, stop) or what the
deadline engine computes from them (the appointment, step due dates, the verdicts); the papers
come from the procedure (else the dossier's files); the issuing body and the place come from the
receiving agency's code unless an :class:`Office` names them. Nothing is typed by hand except
what the dossier model does not hold yet (the officer's name, the document number), which is
given as parameters.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any
from urllib.parse import quote

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from onestop.deadlines import RESTART
from onestop.errors import FormError
from onestop.forms._engine import ClockView, read_clock, verdict
from onestop.forms._kinds import FormEdition, FormKind, edition_for
from onestop.forms._records import (
    ApologyBody,
    ApplicantLines,
    ClockNote,
    ControlBody,
    ControlRow,
    DocumentLine,
    FormHeader,
    FormRecord,
    ReceiptBody,
    RefusalBody,
    StopBody,
    SupplementBody,
)
from onestop.forms._text import duration_text
from onestop.models import (
    ApplicantKind,
    Channel,
    DeliveryMethod,
    Dossier,
    DossierEvent,
    DossierStatus,
    EventAction,
    Procedure,
    SupplementStage,
)

if TYPE_CHECKING:
    from onestop.deadlines import SupplementPolicy, WorkCalendar

__all__ = ["Office", "build_form"]

_Line = Annotated[str, Field(min_length=1, max_length=300)]


class Office(BaseModel):
    """The issuing office's own data, which the dossier does not carry.

    Every field is optional: by default the issuing body is named from the receiving agency's
    code (``000.00.00.H56`` → Ủy ban nhân dân tỉnh Thanh Hóa) and the place from its province.

    Attributes:
        agency_name: the issuing body, e.g. ``"Ủy ban nhân dân xã Đông Sơn"`` (needed when the
            agency code is a subordinate unit onestop cannot name).
        governing_body: the body above it (cơ quan chủ quản), first header line.
        desk_name: the one-stop desk's name, e.g. ``"Trung tâm Phục vụ hành chính công tỉnh"``;
            default "Bộ phận Một cửa" (Nghị định 118/2025) or "Bộ phận tiếp nhận và trả kết quả"
            (Nghị định 61/2018).
        place: the place name of the date line, e.g. ``"Thanh Hóa"``.
        lookup_url: the public lookup address with ``{code}`` where the dossier code goes, e.g.
            ``"https://dichvucong.example.vn/tra-cuu?ma={code}"``; the receipt's QR code then
            carries this URL instead of the bare code.
        phone: the desk's phone number for questions (printed on the supplement request).
    """

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)

    agency_name: _Line | None = None
    governing_body: _Line | None = None
    desk_name: _Line | None = None
    place: _Line | None = None
    lookup_url: Annotated[str, Field(max_length=500)] | None = None
    phone: Annotated[str, Field(max_length=30, pattern=r"^\+?[0-9 .\-()]{3,30}$")] | None = None

    @field_validator("lookup_url")
    @classmethod
    def _check_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        if not value.startswith(("https://", "http://")) or "{code}" not in value:
            raise ValueError(
                "expected an http(s) URL with {code} where the dossier code goes, e.g. "
                "https://dichvucong.example.vn/tra-cuu?ma={code}"
            )
        return value


def _nfc(value: str) -> str:
    return unicodedata.normalize("NFC", value)


def _office(value: object) -> Office:
    if value is None:
        return Office()
    if isinstance(value, Office):
        return value
    if isinstance(value, dict):
        try:
            return Office.model_validate(value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(p) for p in first["loc"]) or "office"
            raise FormError(f"office.{where}: {first['msg']}", field=f"office.{where}") from None
    raise FormError(
        f"office: expected an onestop.forms.Office (or a dict of its fields), got "
        f"{type(value).__name__}",
        field="office",
    )


def build_form(
    kind: FormKind | str,
    dossier: Dossier,
    *,
    procedure: Procedure | None = None,
    office: Office | dict[str, Any] | None = None,
    number: str | None = None,
    officer: str | None = None,
    items: Sequence[str] | None = None,
    sets: int = 1,
    register_entry: str | None = None,
    edition: FormEdition | str | None = None,
    calendar: WorkCalendar | None = None,
    supplement_policy: SupplementPolicy | str = RESTART,
) -> FormRecord:
    """The record of one form for ``dossier``: what the PDF, the HTML and the JSON say.

    The edition (Thông tư 01/2018 or 03/2025) is chosen by :func:`edition_for` from the
    dossier's receipt instant (its submission when it was never accepted).

    Args:
        kind: which form: ``receipt``, ``supplement``, ``refusal``, ``apology``, ``stop`` or
            ``control``.
        dossier: the dossier, whose history holds the event the form records.
        procedure: its procedure, for the list of papers (with originals and copies), the
            legal basis of a refusal, the competent body and the liên thông shares; without
            it the dossier's own files and processing time are used.
        office: the issuing office's names, place and lookup URL (:class:`Office`).
        number: the document number and symbol from the registry (số, ký hiệu), if any.
        officer: the name of the officer who signs (receiving officer, guide, head of body).
        items: for ``supplement``: what to complete, one entry per line; default the request's
            reason.
        sets: for ``receipt``: how many sets (bộ) of the dossier were received.
        register_entry: for ``receipt``: the entry in the dossier register (Sổ theo dõi).
        edition: force an edition instead of choosing it by the receipt instant.
        calendar: the competent agency's working calendar (office hours, local days off);
            default the official civil-service calendar.
        supplement_policy: what an appraisal supplement does to the clock: ``RESTART`` (the
            decrees' rule, default) or ``PAUSE``.

    Raises:
        FormError: the dossier cannot give this form (a refusal for a dossier never refused, a
            receipt for one never accepted...), its recorded due date is not the engine's, or
            an argument is wrong; the message names the field.
    """
    try:
        form = FormKind(kind)
    except ValueError:
        raise FormError(
            f"kind: unknown form {str(kind)[:30]!r}; expected one of "
            f"{', '.join(k.value for k in FormKind)}",
            field="kind",
        ) from None
    if not isinstance(dossier, Dossier):
        raise FormError(
            f"dossier: expected an onestop.models.Dossier, got {type(dossier).__name__}",
            field="dossier",
        )
    if procedure is not None:
        if not isinstance(procedure, Procedure):
            raise FormError(
                f"procedure: expected an onestop.models.Procedure, got {type(procedure).__name__}",
                field="procedure",
            )
        if procedure.code.national != dossier.procedure.code.national:
            raise FormError(
                f"procedure: the dossier is for procedure {dossier.procedure.code.national}, not "
                f"{procedure.code.national}",
                field="procedure",
            )
    _check_kind_arguments(form, items=items, sets=sets, register_entry=register_entry)
    settings = _office(office)
    if edition is None:
        chosen = edition_for(dossier.received_at or dossier.submitted_at)
    else:
        try:
            chosen = FormEdition(edition)
        except ValueError:
            raise FormError(
                f"edition: unknown edition {str(edition)[:30]!r}; expected one of "
                f"{', '.join(e.value for e in FormEdition)}",
                field="edition",
            ) from None
    ctx = _Context(
        form=form,
        dossier=dossier,
        procedure=procedure,
        office=settings,
        edition=chosen,
        officer=_optional_text(officer, "officer"),
        calendar=calendar,
        supplement_policy=supplement_policy,
    )
    body, issued_at, clock = _BODIES[form](ctx, items=items, sets=sets, entry=register_entry)
    header = _header(ctx, number=_optional_text(number, "number"), issued_at=issued_at)
    contact = dossier.applicant.contact
    notes = (
        ()
        if clock is None
        else tuple(ClockNote(code=c, message=m, basis=b) for c, m, b in clock.notes)
    )
    return FormRecord(
        kind=form,
        edition=chosen,
        form_number=chosen.form_number(form),
        reference=chosen.reference(form),
        title=chosen.form_title(form),
        dossier_code=str(dossier.code),
        procedure_code=str(dossier.procedure.code),
        procedure_name=_nfc(dossier.procedure.name),
        summary=_nfc(dossier.summary) if dossier.summary else None,
        header=header,
        applicant=ApplicantLines(
            name=_nfc(dossier.applicant.name),
            is_organization=dossier.applicant.kind is not ApplicantKind.CITIZEN,
            address=_nfc(contact.address) if contact.address else None,
            phone=contact.phone,
            email=contact.email,
        ),
        body=body,
        clock_notes=notes,
    )


def _optional_text(value: object, field: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not value.strip() or len(value) > 300:
        raise FormError(f"{field}: expected non-empty text of at most 300 characters", field=field)
    return _nfc(value.strip())


def _check_kind_arguments(
    form: FormKind, *, items: object, sets: object, register_entry: str | None
) -> None:
    if items is not None and form is not FormKind.SUPPLEMENT:
        raise FormError("items: only the supplement request lists items", field="items")
    if (sets != 1 or register_entry is not None) and form is not FormKind.RECEIPT:
        raise FormError("sets/register_entry: only the receipt prints them", field="register_entry")
    if isinstance(sets, bool) or not isinstance(sets, int) or not 1 <= sets <= 100:
        raise FormError("sets: expected the number of sets of the dossier, 1-100", field="sets")
    if items is not None:
        if not isinstance(items, list | tuple) or not all(
            isinstance(i, str) and i.strip() for i in items
        ):
            raise FormError(
                "items: expected a list of non-empty texts, one per item to complete",
                field="items",
            )
        if not items:
            raise FormError("items: give at least one item (or leave it out)", field="items")


class _Context:
    __slots__ = (
        "calendar",
        "dossier",
        "edition",
        "form",
        "office",
        "officer",
        "procedure",
        "supplement_policy",
    )

    def __init__(
        self,
        *,
        form: FormKind,
        dossier: Dossier,
        procedure: Procedure | None,
        office: Office,
        edition: FormEdition,
        officer: str | None,
        calendar: WorkCalendar | None,
        supplement_policy: SupplementPolicy | str,
    ) -> None:
        self.form = form
        self.dossier = dossier
        self.procedure = procedure
        self.office = office
        self.edition = edition
        self.officer = officer
        self.calendar = calendar
        self.supplement_policy = supplement_policy

    def clock(self) -> ClockView:
        return read_clock(
            self.dossier,
            self.procedure,
            calendar=self.calendar,
            supplement_policy=self.supplement_policy,
        )

    @property
    def desk(self) -> str:
        return self.office.desk_name or self.edition.desk_name

    @property
    def issuer(self) -> str:
        """The issuing body: the office's name, else the body the agency code designates."""
        if self.office.agency_name:
            return _nfc(self.office.agency_name)
        agency = self.dossier.code.agency
        name = agency.authority.name
        if agency.is_level1 and name:
            return name
        return self.desk


def _header(ctx: _Context, *, number: str | None, issued_at: Any) -> FormHeader:
    agency = ctx.dossier.code.agency
    authority = agency.authority
    issuer = ctx.issuer
    governing = ctx.office.governing_body
    if governing is None and issuer == ctx.desk and authority.name:
        governing = authority.name  # a subordinate unit onestop cannot name: its province
    desk_forms = ctx.form is not FormKind.APOLOGY
    desk = ctx.desk if desk_forms and issuer != ctx.desk else None
    place = ctx.office.place
    if place is None:
        if authority.province is None:
            raise FormError(
                f"office.place: the agency code {agency} does not name a province; give the "
                "place name of the date line (Office(place=...))",
                field="office.place",
            )
        place = authority.province.name_vi
    return FormHeader(
        governing_body=_nfc(governing) if governing else None,
        issuer=issuer,
        desk=desk,
        agency_code=str(agency),
        number=number,
        place=_nfc(place),
        issued_at=issued_at,
    )


# --------------------------------------------------------------------------- bodies


def _papers(dossier: Dossier, procedure: Procedure | None) -> tuple[DocumentLine, ...]:
    """The papers received, from the procedure when it is known.

    The procedure's components (those submitted, when the files name their component), then
    any submitted file that matches no component; without the procedure, the dossier's files.
    """
    files = dossier.documents
    if procedure is None or not procedure.documents:
        return tuple(DocumentLine(name=_nfc(f.name)) for f in files)
    codes = {f.component_code for f in files if f.component_code}
    chosen = [d for d in procedure.documents if not codes or d.code in codes]
    known = {d.code for d in chosen}
    lines = [
        DocumentLine(name=_nfc(d.name), originals=d.originals, copies=d.copies) for d in chosen
    ]
    lines += [
        DocumentLine(name=_nfc(f.name))
        for f in files
        if f.component_code and f.component_code not in known
    ]
    return tuple(lines)


def _delivery(ctx: _Context) -> str:
    dossier = ctx.dossier
    method = None
    if dossier.result is not None and dossier.result.delivery is not None:
        method = dossier.result.delivery.method
    if method is DeliveryMethod.POSTAL or (method is None and dossier.channel is Channel.POSTAL):
        return "Qua dịch vụ bưu chính công ích, tại địa chỉ người nộp hồ sơ đã đăng ký"
    if method is DeliveryMethod.ONLINE or (method is None and dossier.channel is Channel.ONLINE):
        return "Trực tuyến, trên tài khoản dịch vụ công của người nộp hồ sơ"
    where = ctx.desk if ctx.issuer == ctx.desk else f"{ctx.desk}, {ctx.issuer}"
    return where


_Built = tuple[Any, Any, ClockView | None]


def _receipt(ctx: _Context, *, sets: int, entry: str | None, **_: object) -> _Built:
    clock = ctx.clock()
    code = str(ctx.dossier.code)
    url = ctx.office.lookup_url
    body = ReceiptBody(
        documents=_papers(ctx.dossier, ctx.procedure),
        sets=sets,
        processing_time=duration_text(clock.processing_time),
        received_at=clock.received_at,
        appointment_at=clock.appointment_at,
        appointment_basis=clock.appointment_basis,
        delivery=_delivery(ctx),
        qr_payload=url.replace("{code}", quote(code, safe="")) if url else code,
        receiving_officer=ctx.officer,
        register_entry=_optional_text(entry, "register_entry"),
    )
    return body, clock.received_at, clock


def _supplement(ctx: _Context, *, items: Sequence[str] | None, **_: object) -> _Built:
    dossier = ctx.dossier
    if not dossier.supplements:
        raise FormError(
            "dossier.supplements: the dossier has no supplement request; record it with "
            "dossier.request_supplement(...) first",
            field="dossier.supplements",
        )
    request = dossier.supplements[-1]
    clock = None
    due_by = None
    if request.stage is SupplementStage.APPRAISAL:
        clock = ctx.clock()
        due_by = clock.supplement_due_by(request.requested_at)
    lines = tuple(_nfc(i.strip()) for i in items) if items else (_nfc(request.reason),)
    body = SupplementBody(
        items=lines,
        reason=_nfc(request.reason),
        stage=request.stage.value,
        requested_at=request.requested_at,
        request_due_by=due_by,
        contact=ctx.office.phone,
        officer=ctx.officer,
    )
    return body, request.requested_at, clock


def _last_event(dossier: Dossier, status: DossierStatus, what: str) -> DossierEvent:
    for event in reversed(dossier.events):
        if event.to_status is status and event.from_status is not status:
            return event
    raise FormError(
        f"dossier.events: the dossier was never {what} (no event to status {status.value})",
        field="dossier.events",
    )


def _refusal(ctx: _Context, **_: object) -> _Built:
    event = _last_event(ctx.dossier, DossierStatus.REFUSED, "refused")
    if not event.note:
        raise FormError(
            "dossier.events: the refusal has no reason; a refusal slip states it",
            field="dossier.events",
        )
    basis: tuple[str, ...] = ()
    if ctx.procedure is not None:
        basis = tuple(
            _nfc(f"{b.number} {b.title}" if b.title else b.number)
            for b in ctx.procedure.legal_basis
        )
    body = RefusalBody(
        reason=_nfc(event.note), legal_basis=basis, refused_at=event.at, officer=ctx.officer
    )
    return body, event.at, None


def _apology(ctx: _Context, **_: object) -> _Built:
    extension = ctx.dossier.extension
    if extension is None:
        raise FormError(
            "dossier.extension: the dossier was not re-appointed; record the new date with "
            "dossier.extend(...) first",
            field="dossier.extension",
        )
    clock = ctx.clock()
    original = clock.original_due_at
    if original is not None and original != extension.previous_due_at:
        raise FormError(
            f"dossier.extension.previous_due_at: the dossier records "
            f"{extension.previous_due_at.isoformat()} but the deadline engine gives "
            f"{original.isoformat()}; pass the agency's calendar= or correct the dossier",
            field="dossier.extension.previous_due_at",
        )
    body = ApologyBody(
        received_at=clock.received_at,
        previous_due_at=extension.previous_due_at,
        new_due_at=extension.new_due_at,
        reason=_nfc(extension.reason),
        letter_at=extension.letter_at,
        letter_due_by=clock.apology_due_by,
        signatory=ctx.officer,
    )
    return body, extension.letter_at, clock


def _stop(ctx: _Context, **_: object) -> _Built:
    event = _last_event(ctx.dossier, DossierStatus.STOPPED, "stopped")
    if not event.note:
        raise FormError(
            "dossier.events: the stop has no reason; a stop notice states it",
            field="dossier.events",
        )
    body = StopBody(
        received_at=ctx.dossier.received_at,
        reason=_nfc(event.note),
        stopped_at=event.at,
        officer=ctx.officer,
    )
    return body, event.at, None


def _lead_body(ctx: _Context) -> str:
    if ctx.procedure is not None:
        for agency in (*ctx.procedure.competent_agencies, *ctx.procedure.implementing_agencies):
            return _nfc(agency.name)
    return ctx.issuer


def _control(ctx: _Context, **_: object) -> _Built:
    dossier = ctx.dossier
    clock = ctx.clock()
    lead = _lead_body(ctx)
    desk = ctx.desk
    applicant = "Người nộp hồ sơ"
    due = clock.due_at
    rows = [
        ControlRow(
            handed_by=desk,
            received_by=lead,
            at=clock.received_at,
            due_at=due,
            result=clock.overall_verdict(),
            note="Tiếp nhận hồ sơ, chuyển giải quyết",
        )
    ]
    views = list(clock.steps)
    for step in dossier.lien_thong:
        label = str(step.agency.code) if step.agency.code is not None else step.agency.name
        view = next(
            (v for v in views if v.agency == label and v.started_at == step.started_at), None
        )
        step_due = view.due_at if view is not None else step.due_at
        rows.append(
            ControlRow(
                handed_by=lead,
                received_by=_nfc(step.agency.name),
                at=step.started_at,
                due_at=step_due,
                result=verdict(step_due, step.finished_at) if step_due else None,
                note=_nfc(step.task),
            )
        )
        if step.finished_at is not None:
            rows.append(
                ControlRow(
                    handed_by=_nfc(step.agency.name),
                    received_by=lead,
                    at=step.finished_at,
                    note="Trả kết quả phần việc liên thông",
                )
            )
    for request in dossier.supplements:
        if request.stage is not SupplementStage.APPRAISAL:
            continue
        rows.append(
            ControlRow(
                handed_by=lead,
                received_by=applicant,
                at=request.requested_at,
                note=_nfc(f"Yêu cầu bổ sung, hoàn thiện hồ sơ: {request.reason}"),
            )
        )
        if request.resubmitted_at is not None:
            rows.append(
                ControlRow(
                    handed_by=applicant,
                    received_by=desk,
                    at=request.resubmitted_at,
                    note="Nhận hồ sơ đã bổ sung; thời hạn giải quyết tính lại",
                )
            )
    for event in dossier.events:
        if event.action is EventAction.COMPLETE:
            rows.append(
                ControlRow(
                    handed_by=lead,
                    received_by=desk,
                    at=event.at,
                    result=verdict(due, event.at) if due is not None else None,
                    note="Chuyển kết quả giải quyết",
                )
            )
        elif event.action is EventAction.RETURN_RESULT:
            rows.append(
                ControlRow(handed_by=desk, received_by=applicant, at=event.at, note="Trả kết quả")
            )
    rows.sort(key=lambda r: r.at)
    coordinating = tuple(dict.fromkeys(_nfc(s.agency.name) for s in dossier.lien_thong))
    body = ControlBody(
        received_at=clock.received_at,
        due_at=due,
        lead_body=lead,
        coordinating_bodies=coordinating,
        rows=tuple(rows),
    )
    return body, clock.received_at, clock


_BODIES: dict[FormKind, Any] = {
    FormKind.RECEIPT: _receipt,
    FormKind.SUPPLEMENT: _supplement,
    FormKind.REFUSAL: _refusal,
    FormKind.APOLOGY: _apology,
    FormKind.STOP: _stop,
    FormKind.CONTROL: _control,
}
