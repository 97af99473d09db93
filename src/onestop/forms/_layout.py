"""The wording and arrangement of each form, as blocks both renderers draw.

:func:`layout` turns a :class:`~onestop.forms.FormRecord` into a :class:`Layout`: the header
(issuer on the left, national motto and the place-and-date line on the right), the title, the
body as paragraphs, lists and tables, and the signature blocks, following the arrangement of
the official forms (Thông tư 01/2018/TT-VPCP Art. 9; Thông tư 03/2025/TT-VPCP Phụ lục I) and
the presentation rules for administrative documents (Nghị định 30/2020/NĐ-CP Phụ lục I). The
PDF and the HTML renderers draw these blocks and add nothing, so the two say the same.
"""

from __future__ import annotations

from typing import Literal

import attrs

from onestop.forms._kinds import FormEdition
from onestop.forms._records import (
    ApologyBody,
    ControlBody,
    FormRecord,
    ReceiptBody,
    RefusalBody,
    StopBody,
    SupplementBody,
)
from onestop.forms._text import date_line, date_text, instant_text, local_day

__all__ = [
    "MOTTO",
    "NATION",
    "Block",
    "Layout",
    "Para",
    "Run",
    "Signer",
    "Table",
    "layout",
]

#: Quốc hiệu and Tiêu ngữ (Nghị định 30/2020/NĐ-CP Phụ lục I).
NATION = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
MOTTO = "Độc lập - Tự do - Hạnh phúc"

Align = Literal["L", "C", "R", "J"]


@attrs.frozen(slots=True)
class Run:
    """A piece of text in one style."""

    text: str
    bold: bool = False
    italic: bool = False


@attrs.frozen(slots=True)
class Para:
    """A paragraph: runs flowing on wrapped lines.

    Attributes:
        runs: the text.
        align: ``L``eft, ``C``entred, ``R``ight or ``J``ustified.
        indent: indent the paragraph (list items).
        gap: extra space before, in multiples of a line.
    """

    runs: tuple[Run, ...]
    align: Align = "J"
    indent: int = 0
    gap: float = 0.0


@attrs.frozen(slots=True)
class Table:
    """A table with a header row; ``widths`` are fractions of the text width."""

    head: tuple[str, ...]
    widths: tuple[float, ...]
    rows: tuple[tuple[str, ...], ...]


Block = Para | Table


@attrs.frozen(slots=True)
class Signer:
    """A signature block: title, hint in italics, room to sign, then the name."""

    title: str
    hint: str
    name: str | None = None
    note: str | None = None


@attrs.frozen(slots=True)
class Layout:
    """A whole form, ready to draw.

    Attributes:
        reference: the form's origin, printed small at the top right.
        left: the issuer lines (governing body, issuer in bold, desk), top left.
        number: ``"Số: …"`` under the issuer, when there is a number.
        date_line: the place-and-date line under the motto.
        title: the title, bold capitals.
        subtitle: lines under the title (dossier code, addressee).
        qr: the QR payload (receipt), drawn top left under the issuer with ``qr_caption``.
        qr_caption: the text under the QR code.
        blocks: the body.
        left_signer: the signature block on the left, if any.
        right_signer: the signature block on the right (the issuing officer: where the
            visible digital signature goes).
        extra_signer: a further block under the left one (the receipt's "người nhận kết quả").
        meta_title: the PDF/HTML document title.
    """

    reference: str
    left: tuple[Run, ...]
    number: str | None
    date_line: str
    title: str
    subtitle: tuple[Para, ...]
    qr: str | None
    qr_caption: str | None
    blocks: tuple[Block, ...]
    left_signer: Signer | None
    right_signer: Signer
    extra_signer: Signer | None
    meta_title: str


def _p(*parts: str | Run, align: Align = "J", indent: int = 0, gap: float = 0.0) -> Para:
    runs = tuple(Run(p) if isinstance(p, str) else p for p in parts)
    return Para(runs, align=align, indent=indent, gap=gap)


def _b(text: str) -> Run:
    return Run(text, bold=True)


def _i(text: str) -> Run:
    return Run(text, italic=True)


def _you(record: FormRecord) -> str:
    return "Tổ chức" if record.applicant.is_organization else "Ông/Bà"


def _contact_lines(record: FormRecord) -> list[Para]:
    a = record.applicant
    lines = []
    if a.address:
        lines.append(_p("Địa chỉ: ", a.address))
    phone_mail = []
    if a.phone:
        phone_mail.append(f"Số điện thoại: {a.phone}")
    if a.email:
        phone_mail.append(f"Email: {a.email}")
    if phone_mail:
        lines.append(_p(".   ".join(phone_mail)))
    return lines


def _request(record: FormRecord) -> Para:
    return _p("Nội dung yêu cầu giải quyết: ", record.procedure_name)


def _desk_line(record: FormRecord) -> str:
    """The desk and its body, e.g. "Bộ phận Một cửa, Ủy ban nhân dân xã …".

    For a unit whose name is not known, the desk with the unit's code.
    """
    h = record.header
    if h.desk:
        return f"{h.desk}, {h.issuer}"
    if h.governing_body:  # the issuer is the desk of a unit known only by its code
        return f"{h.issuer} (mã đơn vị {h.agency_code})"
    return h.issuer


def _papers(body: ReceiptBody) -> list[Para]:
    if not body.documents:
        return [_p("(không có giấy tờ kèm theo)", indent=1)]
    out = []
    for n, doc in enumerate(body.documents, 1):
        counts = []
        if doc.originals is not None:
            counts.append(f"bản chính: {doc.originals:02d}")
        if doc.copies is not None:
            counts.append(f"bản sao: {doc.copies:02d}")
        suffix = f" ({', '.join(counts)})" if counts else ""
        out.append(_p(f"{n}) {doc.name}{suffix}.", indent=1))
    return out


def _receipt(record: FormRecord, body: ReceiptBody) -> tuple[list[Para | Table], Signer, Signer]:
    blocks: list[Para | Table] = [
        _p(_desk_line(record)),
        _p("Tiếp nhận hồ sơ của: ", _b(record.applicant.name)),
        *_contact_lines(record),
        _request(record),
        _p("1. Thành phần hồ sơ nộp gồm:"),
        *_papers(body),
        _p(f"2. Số lượng hồ sơ: {body.sets:02d} bộ."),
        _p(f"3. Thời gian giải quyết hồ sơ theo quy định là: {body.processing_time}."),
        _p(f"4. Thời gian nhận hồ sơ: {instant_text(body.received_at)}."),
        _p(
            "5. Thời gian trả kết quả giải quyết hồ sơ: ",
            _b(instant_text(body.appointment_at)),
            ".",
        ),
        _p(f"6. Đăng ký nhận kết quả tại: {body.delivery}."),
    ]
    if body.register_entry:
        blocks.append(_p(f"Vào Sổ theo dõi hồ sơ: {body.register_entry}."))
    right = Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", body.receiving_officer)
    left = Signer("NGƯỜI NỘP HỒ SƠ", "(Ký và ghi rõ họ tên)")
    return blocks, left, right


def _supplement(record: FormRecord, body: SupplementBody) -> tuple[list[Para | Table], Signer]:
    you = _you(record)
    blocks: list[Para | Table] = [
        _p(_desk_line(record)),
        _p("Tiếp nhận hồ sơ của: ", _b(record.applicant.name)),
        *_contact_lines(record),
        _request(record),
        _p(f"Yêu cầu {you} hoàn thiện hồ sơ gồm những nội dung sau:"),
        *[_p(f"{n}. {item}", indent=1) for n, item in enumerate(body.items, 1)],
        _p("Lý do: ", body.reason),
    ]
    if body.stage == "appraisal":
        decree = record.edition.decree
        blocks.append(
            _p(
                "Thời hạn giải quyết hồ sơ được tính lại từ đầu sau khi nhận đủ hồ sơ đã bổ "
                f"sung, hoàn thiện ({decree}, Điều 19)."
            )
        )
    who = body.officer or record.header.desk or record.header.issuer
    phone = f", số điện thoại {body.contact}" if body.contact else ""
    blocks.append(
        _p(
            f"Trong quá trình hoàn thiện hồ sơ, nếu có vướng mắc, {you} liên hệ với {who}"
            f"{phone} để được hướng dẫn./."
        )
    )
    return blocks, Signer("NGƯỜI HƯỚNG DẪN", "(Ký và ghi rõ họ tên)", body.officer)


def _refusal(record: FormRecord, body: RefusalBody) -> tuple[list[Para | Table], Signer]:
    issuer = record.header.issuer
    basis = f"Căn cứ quy định tại {'; '.join(body.legal_basis)}, " if body.legal_basis else ""
    lead = f"{basis}{issuer}" if basis else issuer
    blocks: list[Para | Table] = [
        _p(_desk_line(record)),
        _p("Tiếp nhận hồ sơ của: ", _b(record.applicant.name)),
        *_contact_lines(record),
        _request(record),
        _p(f"{lead} từ chối tiếp nhận giải quyết hồ sơ này vì lý do sau:"),
        _p(body.reason, indent=1),
        _p(f"Xin thông báo cho {_you(record)} được biết và thực hiện./."),
    ]
    return blocks, Signer("NGƯỜI TIẾP NHẬN HỒ SƠ", "(Ký và ghi rõ họ tên)", body.officer)


def _apology(
    record: FormRecord, body: ApologyBody
) -> tuple[list[Para | Table], tuple[Para, ...], Signer]:
    you = _you(record)
    issuer = record.header.issuer
    received = date_text(local_day(body.received_at))
    addressees = [_p(_b("Kính gửi: "), _b(record.applicant.name), ".", align="C")]
    if record.edition is FormEdition.TT03_2025:
        addressees = [
            _p(_b("Kính gửi:"), align="C"),
            _p(f"- {record.applicant.name};", align="C"),
            _p(f"- {record.edition.desk_name}.", align="C"),
        ]
    promise = (
        f"xin lỗi {you} và đề nghị gia hạn thời gian giải quyết hồ sơ; kết quả giải quyết hồ sơ "
        f"sẽ được trả cho {you} vào "
        if record.edition is FormEdition.TT03_2025
        else f"xin lỗi {you} và sẽ trả kết quả giải quyết hồ sơ cho {you} vào "
    )
    blocks: list[Para | Table] = [
        _p(
            f"{received[0].upper()}{received[1:]}, {issuer} tiếp nhận giải quyết hồ sơ của {you}: ",
            _b(record.applicant.name),
            ".",
        ),
        _request(record),
        _p("Mã số hồ sơ: ", record.dossier_code, "."),
        _p(f"Thời hạn trả kết quả giải quyết hồ sơ: {instant_text(body.previous_due_at)}."),
        _p(
            f"Tuy nhiên, {issuer} chưa thể trả kết quả giải quyết hồ sơ của {you} đúng "
            "thời hạn trên."
        ),
        _p("Lý do: ", body.reason),
        _p(
            f"Sự chậm trễ này đã gây phiền hà cho {you}; {issuer} ",
            promise,
            _b(instant_text(body.new_due_at)),
            ".",
        ),
        _p("Xin trân trọng cảm ơn./."),
    ]
    signer = Signer("THỦ TRƯỞNG CƠ QUAN", "(Ký, ghi rõ họ tên và đóng dấu)", body.signatory)
    return blocks, tuple(addressees), signer


def _stop(record: FormRecord, body: StopBody) -> tuple[list[Para | Table], Signer]:
    you = _you(record)
    desk = _desk_line(record)
    basis = (
        "Căn cứ Điều 21 Nghị định 118/2025/NĐ-CP, "
        if record.edition is FormEdition.TT03_2025
        else ""
    )
    blocks: list[Para | Table] = [
        _p(
            f"{basis}{desk} thông báo dừng giải quyết hồ sơ của {you}: ",
            _b(record.applicant.name),
            ".",
        ),
        *_contact_lines(record),
        _request(record),
    ]
    if body.received_at is not None:
        blocks.append(_p(f"Thời gian nhận hồ sơ: {instant_text(body.received_at)}."))
    blocks += [
        _p("Lý do dừng giải quyết hồ sơ: ", body.reason),
        _p(f"Thời điểm dừng giải quyết hồ sơ: {instant_text(body.stopped_at)}."),
        _p(f"Xin thông báo để {you} được biết./."),
    ]
    title = record.header.desk or record.edition.desk_name
    return blocks, Signer(f"ĐẠI DIỆN {title.upper()}", "(Ký và ghi rõ họ tên)", body.officer)


def _control(record: FormRecord, body: ControlBody) -> tuple[list[Para | Table], Signer]:
    you = _you(record)
    coordinating = "; ".join(body.coordinating_bodies) or "Không"
    rows = []
    for n, row in enumerate(body.rows, 1):
        note = row.note or ""
        if row.due_at is not None:
            note = (
                f"{note}. Hạn: {instant_text(row.due_at)}"
                if note
                else f"Hạn: {instant_text(row.due_at)}"
            )
        rows.append(
            (
                f"{n}. Giao: {row.handed_by}\nNhận: {row.received_by}",
                instant_text(row.at),
                row.result or "",
                note,
            )
        )
    blocks: list[Para | Table] = [
        _p(f"(Kèm theo hồ sơ của {you}: ", _b(record.applicant.name), ")", align="C"),
        _request(record),
        _p("Cơ quan (bộ phận) giải quyết hồ sơ: ", body.lead_body, "."),
        _p(f"Cơ quan phối hợp giải quyết hồ sơ: {coordinating}."),
        _p(f"Thời gian nhận hồ sơ: {instant_text(body.received_at)}."),
        _p(
            f"Thời hạn trả kết quả: {instant_text(body.due_at)}."
            if body.due_at is not None
            else "Thời hạn trả kết quả: tính lại từ đầu khi nhận đủ hồ sơ bổ sung."
        ),
        Table(
            head=(
                "TÊN CƠ QUAN",
                "THỜI GIAN GIAO, NHẬN HỒ SƠ",
                "KẾT QUẢ GIẢI QUYẾT HỒ SƠ (Trước hạn/đúng hạn/quá hạn)",
                "GHI CHÚ",
            ),
            widths=(0.32, 0.22, 0.18, 0.28),
            rows=tuple(rows),
        ),
    ]
    title = record.header.desk or record.edition.desk_name
    return blocks, Signer(f"ĐẠI DIỆN {title.upper()}", "(Ký và ghi rõ họ tên)")


def layout(record: FormRecord) -> Layout:
    """The blocks of ``record``'s form, in the official arrangement."""
    h = record.header
    left: list[Run] = []
    if h.governing_body:
        left.append(Run(h.governing_body.upper()))
    left.append(Run(h.issuer.upper(), bold=True))
    if h.desk:
        left.append(Run(h.desk.upper(), bold=True))
    subtitle: tuple[Para, ...] = (_p("Mã hồ sơ: ", _b(record.dossier_code), align="C"),)
    body = record.body
    left_signer: Signer | None = None
    extra: Signer | None = None
    qr = caption = None
    if isinstance(body, ReceiptBody):
        blocks, left_signer, right = _receipt(record, body)
        extra = Signer(
            "NGƯỜI NHẬN KẾT QUẢ",
            "(Ký và ghi rõ họ tên)",
            note="…… giờ …… ngày …… tháng …… năm ……",
        )
        qr, caption = body.qr_payload, record.dossier_code
    elif isinstance(body, SupplementBody):
        blocks, right = _supplement(record, body)
    elif isinstance(body, RefusalBody):
        blocks, right = _refusal(record, body)
    elif isinstance(body, ApologyBody):
        blocks, addressees, right = _apology(record, body)
        subtitle = addressees
    elif isinstance(body, StopBody):
        blocks, right = _stop(record, body)
    else:
        blocks, right = _control(record, body)
    number = f"Số: {h.number}" if h.number else None
    kind_name = record.title[0] + record.title[1:].lower()
    return Layout(
        reference=record.reference,
        left=tuple(left),
        number=number,
        date_line=date_line(h.place, h.issued_at),
        title=record.title,
        subtitle=subtitle,
        qr=qr,
        qr_caption=caption,
        blocks=tuple(blocks),
        left_signer=left_signer,
        right_signer=right,
        extra_signer=extra,
        meta_title=f"{kind_name} - {record.dossier_code}",
    )
