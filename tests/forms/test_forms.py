"""The six forms, for dossiers of both legal eras, read back from the PDFs they produce."""

from __future__ import annotations

import datetime as dt
import io
import json
import re

import jsonschema
import pytest

from onestop.deadlines import DossierClock, civil_service_calendar, compute_due
from onestop.errors import FormError, InvalidInputError
from onestop.forms import (
    EDITION_BOUNDARY,
    FormEdition,
    FormKind,
    FormRecord,
    Office,
    build_form,
    edition_for,
    form_json_schema,
    render_html,
    render_pdf,
)
from onestop.models import DossierStatus
from onestop.tz import VN_TZ as VN


def _instant(value: dt.datetime) -> str:
    """The receipt's wording of an instant, written out independently of onestop.forms."""
    local = value.astimezone(VN)
    month = f"{local.month:02d}" if local.month < 3 else str(local.month)
    return (
        f"{local.hour:02d} giờ {local.minute:02d} phút, ngày {local.day:02d} tháng {month} "
        f"năm {local.year}"
    )


EXPECTED_EDITION = {"2018": FormEdition.TT01_2018, "2025": FormEdition.TT03_2025}
REFERENCES = {
    ("2018", "receipt"): "Mẫu số 01, Thông tư 01/2018/TT-VPCP",
    ("2018", "supplement"): "Mẫu số 02, Thông tư 01/2018/TT-VPCP",
    ("2018", "refusal"): "Mẫu số 03, Thông tư 01/2018/TT-VPCP",
    ("2018", "apology"): "Mẫu số 04, Thông tư 01/2018/TT-VPCP",
    ("2018", "control"): "Mẫu số 05, Thông tư 01/2018/TT-VPCP",
    ("2018", "stop"): "Không có mẫu trong Thông tư 01/2018/TT-VPCP",
    ("2025", "receipt"): "Mẫu số 01, Phụ lục I, Thông tư 03/2025/TT-VPCP",
    ("2025", "supplement"): "Mẫu số 02, Phụ lục I, Thông tư 03/2025/TT-VPCP",
    ("2025", "refusal"): "Mẫu số 03, Phụ lục I, Thông tư 03/2025/TT-VPCP",
    ("2025", "apology"): "Mẫu số 04, Phụ lục I, Thông tư 03/2025/TT-VPCP",
    ("2025", "stop"): "Mẫu số 05, Phụ lục I, Thông tư 03/2025/TT-VPCP",
    ("2025", "control"): "Mẫu số 06, Phụ lục I, Thông tư 03/2025/TT-VPCP",
}
TITLES = {
    "receipt": "GIẤY TIẾP NHẬN HỒ SƠ VÀ HẸN TRẢ KẾT QUẢ",
    "supplement": "PHIẾU YÊU CẦU BỔ SUNG, HOÀN THIỆN HỒ SƠ",
    "refusal": "PHIẾU TỪ CHỐI TIẾP NHẬN GIẢI QUYẾT HỒ SƠ",
    "stop": "THÔNG BÁO DỪNG GIẢI QUYẾT HỒ SƠ",
    "control": "PHIẾU KIỂM SOÁT QUÁ TRÌNH GIẢI QUYẾT HỒ SƠ",
}
APOLOGY_TITLES = {
    "2018": "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ",
    "2025": "VĂN BẢN XIN LỖI VÀ ĐỀ NGHỊ GIA HẠN THỜI GIAN GIẢI QUYẾT",
}


def _common(text: str, dossier, era: str, kind: str) -> None:
    assert REFERENCES[(era, kind)] in text
    title = APOLOGY_TITLES[era] if kind == "apology" else TITLES[kind]
    assert title in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert str(dossier.code) in text
    assert dossier.applicant.name in text
    assert dossier.procedure.name in text


@pytest.mark.parametrize("kind", [k.value for k in FormKind])
def test_every_form_renders_for_both_eras_with_its_fields(
    dossiers, procedure, era, kind, pdf_text, squash, officer
):
    dossier = dossiers[era][kind]
    record = build_form(kind, dossier, procedure=procedure, officer=officer)
    assert record.edition is EXPECTED_EDITION[era]
    text = pdf_text(render_pdf(record))
    _common(text, dossier, era, kind)
    body = record.body
    if kind == "supplement":
        request = dossier.supplements[-1]
        assert squash(f"Lý do: {request.reason}") in text
        assert officer in text
    elif kind == "refusal":
        reason = next(e.note for e in dossier.events if e.to_status is DossierStatus.REFUSED)
        assert squash(reason) in text
        assert "Căn cứ quy định tại 68/2020/QH14 Luật Cư trú; 154/2024/NĐ-CP" in text
    elif kind == "apology":
        ext = dossier.extension
        assert squash(f"Lý do: {ext.reason}") in text
        assert _instant(ext.previous_due_at) in text
        assert _instant(ext.new_due_at) in text
        assert "THỦ TRƯỞNG CƠ QUAN" in text
    elif kind == "stop":
        event = next(e for e in dossier.events if e.to_status is DossierStatus.STOPPED)
        assert squash(event.note) in text
        assert _instant(event.at) in text
        assert ("Điều 21 Nghị định 118/2025/NĐ-CP" in text) is (era == "2025")
    elif kind == "control":
        assert "Công an xã Đông Sơn" in text
        assert "Xác minh nơi cư trú" in text
        assert _instant(dossier.received_at) in text
        (step,) = dossier.lien_thong
        assert _instant(step.started_at) in text
        # the police's part finished within its 2 working days: early or on time
        assert body.rows[1].result in ("Trước hạn", "Đúng hạn")
    desk = "Bộ phận Một cửa" if era == "2025" else "Bộ phận tiếp nhận và trả kết quả"
    if kind != "apology":
        assert desk in text


def test_receipt_reads_back_every_field_from_the_dossier_and_the_engine(
    dossiers, procedure, era, pdf_text, squash, officer
):
    dossier = dossiers[era]["receipt"]
    record = build_form("receipt", dossier, procedure=procedure, officer=officer)
    text = pdf_text(render_pdf(record))
    contact = dossier.applicant.contact
    assert f"Tiếp nhận hồ sơ của: {dossier.applicant.name}" in text
    assert squash(f"Địa chỉ: {contact.address}") in text
    assert f"Số điện thoại: {contact.phone}" in text and f"Email: {contact.email}" in text
    for doc in procedure.documents:
        assert squash(doc.name) in text
        assert f"bản chính: {doc.originals:02d}, bản sao: {doc.copies:02d}" in text
    assert "3. Thời gian giải quyết hồ sơ theo quy định là: 07 ngày làm việc." in text
    assert f"4. Thời gian nhận hồ sơ: {_instant(dossier.received_at)}." in text
    # The appointment is the engine's, computed here on its own.
    due = compute_due(dossier.received_at, procedure.processing_time_for(dossier.channel)).due_at
    assert due == dossier.due_at
    assert f"5. Thời gian trả kết quả giải quyết hồ sơ: {_instant(due)}." in text
    assert officer in text
    place = dossier.code.agency.authority.province.name_vi
    issued = dossier.received_at.astimezone(VN)
    month = f"{issued.month:02d}" if issued.month < 3 else str(issued.month)
    assert f"{place}, ngày {issued.day:02d} tháng {month} năm {issued.year}" in text


def test_diacritics_survive_in_every_vietnamese_letter(dossiers, procedure, pdf_text):
    letters = "ÀÁẢÃẠĂẮẰẲẴẶÂẤẦẨẪẬĐÈÉẺẼẸÊẾỀỂỄỆÌÍỈĨỊÒÓỎÕỌÔỐỒỔỖỘƠỚỜỞỠỢÙÚỦŨỤƯỨỪỬỮỰỲÝỶỸỴ"
    every = letters + letters.lower()
    name = " ".join(every[i : i + 6] for i in range(0, len(every), 6))  # words wrap, not letters
    dossier = dossiers["2025"]["receipt"]
    applicant = dossier.applicant.model_copy(update={"name": name})
    record = build_form("receipt", dossier.model_copy(update={"applicant": applicant}))
    assert name in pdf_text(render_pdf(record))


def test_decomposed_input_is_printed_composed(dossiers, pdf_text):
    import unicodedata

    dossier = dossiers["2025"]["receipt"]
    name = unicodedata.normalize("NFD", "Nguyễn Thị Ánh Tuyết")
    applicant = dossier.applicant.model_copy(update={"name": name})
    record = build_form("receipt", dossier.model_copy(update={"applicant": applicant}))
    assert record.applicant.name == "Nguyễn Thị Ánh Tuyết"
    assert "Nguyễn Thị Ánh Tuyết" in pdf_text(render_pdf(record))


def _decode_qr(pdf: bytes) -> list[str]:
    import pypdfium2
    import zxingcpp

    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=4).to_pil()
    finally:
        document.close()
    return [
        r.text for r in zxingcpp.read_barcodes(image) if r.format == zxingcpp.BarcodeFormat.QRCode
    ]


def test_receipt_qr_decodes_to_the_dossier_code(dossiers, era):
    dossier = dossiers[era]["receipt"]
    assert _decode_qr(render_pdf(build_form("receipt", dossier))) == [str(dossier.code)]


def test_receipt_qr_carries_the_lookup_url_when_configured(dossiers):
    dossier = dossiers["2025"]["receipt"]
    office = Office(lookup_url="https://dichvucong.example.vn/tra-cuu?ma={code}", place="Huế")
    record = build_form("receipt", dossier, office=office)
    assert record.header.place == "Huế"
    assert _decode_qr(render_pdf(record)) == [
        f"https://dichvucong.example.vn/tra-cuu?ma={dossier.code}"
    ]


def test_only_the_receipt_has_a_qr_code(dossiers):
    assert _decode_qr(render_pdf(build_form("refusal", dossiers["2025"]["refusal"]))) == []


def test_edition_boundary_is_1_july_2025_in_vietnam():
    assert dt.datetime(2025, 7, 1, tzinfo=VN) == EDITION_BOUNDARY
    assert edition_for(dt.datetime(2025, 6, 30, 23, 59, 59, tzinfo=VN)) is FormEdition.TT01_2018
    assert edition_for(dt.datetime(2025, 7, 1, tzinfo=VN)) is FormEdition.TT03_2025
    # 17:00 UTC on 30 June is already 1 July in Vietnam
    assert edition_for(dt.datetime(2025, 6, 30, 17, tzinfo=dt.UTC)) is FormEdition.TT03_2025
    assert edition_for(dt.datetime(2025, 6, 30, 16, 59, tzinfo=dt.UTC)) is FormEdition.TT01_2018
    with pytest.raises(FormError, match="aware datetime"):
        edition_for(dt.datetime(2025, 7, 1))


def test_refused_dossier_takes_the_edition_of_its_submission(dossiers):
    dossier = dossiers["2018"]["refusal"]
    assert dossier.received_at is None
    assert build_form("refusal", dossier).edition is FormEdition.TT01_2018


def test_a_recorded_due_date_the_engine_does_not_give_is_refused(dossiers):
    dossier = dossiers["2025"]["receipt"]
    typed = dossier.model_copy(update={"due_at": dossier.due_at + dt.timedelta(days=1)})
    with pytest.raises(FormError, match="deadline engine gives") as info:
        build_form("receipt", typed)
    assert info.value.field == "dossier.due_at"


def test_the_agency_calendar_is_used_for_the_appointment(dossiers, procedure):
    from onestop.deadlines import OfficeHours

    dossier = dossiers["2025"]["receipt"]
    calendar = civil_service_calendar(office_hours=OfficeHours.parse("07:00-11:30,13:30-16:30"))
    due = DossierClock.from_dossier(dossier, procedure=procedure, calendar=calendar).base.due_at
    local = dossier.model_copy(update={"due_at": due})
    record = build_form("receipt", local, procedure=procedure, calendar=calendar)
    assert record.body.appointment_at == due
    assert due.astimezone(VN).time() == dt.time(16, 30)
    with pytest.raises(FormError, match="deadline engine"):
        build_form("receipt", local, procedure=procedure)  # the default calendar disagrees


@pytest.mark.parametrize(
    ("kind", "status", "field"),
    [
        ("refusal", DossierStatus.PROCESSING, "dossier.events"),
        ("stop", DossierStatus.PROCESSING, "dossier.events"),
        ("supplement", DossierStatus.PROCESSING, "dossier.supplements"),
        ("apology", DossierStatus.PROCESSING, "dossier.extension"),
        ("receipt", DossierStatus.REFUSED, "dossier.received_at"),
        ("control", DossierStatus.NEW, "dossier.received_at"),
    ],
)
def test_a_form_the_dossier_cannot_give_is_a_form_error(procedure, kind, status, field):
    from onestop.testing import make_dossier

    dossier = make_dossier(5, procedure=procedure, status=status, channel="online")
    with pytest.raises(FormError) as info:
        build_form(kind, dossier)
    assert info.value.field == field
    assert dossier.applicant.name not in str(info.value)


def test_bad_arguments_are_form_errors(dossiers, procedure):
    from onestop.testing import make_procedure

    dossier = dossiers["2025"]["receipt"]
    with pytest.raises(FormError, match="unknown form"):
        build_form("invoice", dossier)
    with pytest.raises(FormError, match=r"expected an onestop\.models\.Dossier"):
        build_form("receipt", {"code": "x"})
    with pytest.raises(FormError, match="procedure"):
        build_form("receipt", dossier, procedure=make_procedure(0))
    with pytest.raises(FormError, match="items"):
        build_form("receipt", dossier, items=["Bản sao giấy khai sinh"])
    with pytest.raises(FormError, match="sets"):
        build_form("receipt", dossier, sets=0)
    with pytest.raises(FormError, match=r"office\.lookup_url"):
        build_form("receipt", dossier, office={"lookup_url": "https://example.vn/no-placeholder"})
    with pytest.raises(FormError, match="edition"):
        build_form("receipt", dossier, edition="tt99-2030")
    with pytest.raises(InvalidInputError):
        render_pdf(dossier)  # a dossier is not a record


def test_supplement_items_and_appraisal_clock(dossiers, procedure, pdf_text):
    dossier = dossiers["2025"]["supplement"]
    items = ["Bản sao hợp đồng thuê nhà có công chứng", "Giấy xác nhận của chủ nhà"]
    record = build_form(
        "supplement",
        dossier,
        procedure=procedure,
        items=items,
        office=Office(phone="0237 3900 900"),
    )
    text = pdf_text(render_pdf(record))
    for n, item in enumerate(items, 1):
        assert f"{n}. {item}" in text
    assert "số điện thoại 0237 3900 900" in text
    request = dossier.supplements[-1]
    assert request.stage.value == "appraisal"
    calendar = civil_service_calendar()
    received = dossier.received_at.astimezone(VN).date()
    assert record.body.request_due_by == calendar.add_working_days(received, 3)
    assert "tính lại từ đầu" in text
    assert [n.code for n in record.clock_notes] == ["supplement_pending"]


def test_apology_carries_the_engine_latest_letter_date(dossiers):
    dossier = dossiers["2025"]["apology"]
    record = build_form("apology", dossier)
    clock = DossierClock.from_dossier(dossier)
    assert record.body.letter_due_by == clock.apology_due_date
    assert record.header.issued_at == dossier.extension.letter_at


def test_html_says_the_same_and_is_self_contained(dossiers, procedure, squash, officer):
    from html import unescape

    dossier = dossiers["2025"]["receipt"]
    record = build_form("receipt", dossier, procedure=procedure, officer=officer)
    page = render_html(record)
    text = squash(unescape(re.sub(r"<[^>]+>", " ", page)))
    for needle in (
        record.reference,
        record.title,
        str(dossier.code),
        dossier.applicant.name,
        _instant(record.body.appointment_at),
        officer,
        *[squash(d.name) for d in procedure.documents],
    ):
        assert needle in text
    assert "<svg" in page and "<script" not in page.lower()
    assert re.search(r"""(src|href)\s*=\s*["']?https?:""", page) is None
    bad = dossier.applicant.model_copy(update={"name": "<b>Nguyễn & Con</b>"})
    escaped = render_html(build_form("receipt", dossier.model_copy(update={"applicant": bad})))
    assert "&lt;b&gt;Nguyễn &amp; Con&lt;/b&gt;" in escaped


def test_json_record_validates_against_its_schema_and_round_trips(dossiers, era):
    schema = form_json_schema()
    for kind, dossier in dossiers[era].items():
        record = build_form(kind, dossier)
        data = json.loads(record.model_dump_json())
        jsonschema.validate(data, schema)
        assert FormRecord.model_validate_json(record.model_dump_json()) == record
        assert data["body"]["kind"] == kind


def test_personal_data_stays_out_of_repr(dossiers):
    dossier = dossiers["2025"]["receipt"]
    record = build_form("receipt", dossier)
    assert dossier.applicant.name not in repr(record)
    assert dossier.applicant.contact.phone not in repr(record)


def test_pdf_is_a4_pdfa_deterministic_with_the_fonts_embedded(dossiers):
    from pypdf import PdfReader

    record = build_form("receipt", dossiers["2025"]["receipt"])
    pdf = render_pdf(record)
    assert pdf == render_pdf(record)
    reader = PdfReader(io.BytesIO(pdf))
    page = reader.pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert "<pdfaid:part>2</pdfaid:part>" in xmp and "<pdfaid:conformance>U" in xmp
    fonts = page["/Resources"]["/Font"]
    assert fonts
    for ref in fonts.values():
        font = ref.get_object()
        (descendant,) = font["/DescendantFonts"]
        descriptor = descendant.get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor  # embedded: no font needed on the reader's machine
        assert "+Tinos" in str(font["/BaseFont"])  # a subset of the shipped font
    plain = render_pdf(record, pdfa=False)
    assert b"pdfaid" not in plain


def test_pdf_carries_no_system_font_reference(dossiers):
    pdf = render_pdf(build_form("stop", dossiers["2018"]["stop"]))
    for name in (b"/Helvetica", b"/Times-Roman", b"/Arial"):
        assert name not in pdf


def test_an_edition_can_be_forced(dossiers, pdf_text):
    record = build_form("receipt", dossiers["2025"]["receipt"], edition="tt01-2018")
    assert record.edition is FormEdition.TT01_2018
    assert "Mẫu số 01, Thông tư 01/2018/TT-VPCP" in pdf_text(render_pdf(record))


def test_control_slip_while_a_supplement_is_awaited(dossiers, pdf_text, squash):
    dossier = dossiers["2025"]["supplement"]
    record = build_form("control", dossier)
    assert record.body.due_at is None
    text = pdf_text(render_pdf(record))
    assert "Thời hạn trả kết quả: tính lại từ đầu khi nhận đủ hồ sơ bổ sung." in text
    assert squash(f"Yêu cầu bổ sung, hoàn thiện hồ sơ: {dossier.supplements[-1].reason}") in text


def test_without_the_forms_extra_the_error_says_what_to_install(dossiers, monkeypatch):
    import sys

    from onestop.errors import MissingExtraError

    record = build_form("refusal", dossiers["2025"]["refusal"])
    monkeypatch.setitem(sys.modules, "fpdf", None)  # as if fpdf2 were not installed
    with pytest.raises(MissingExtraError, match=r"pip install 'onestop-vn\[forms\]'") as info:
        render_pdf(record)
    assert isinstance(info.value, ImportError) and info.value.name == "fpdf"


def test_pdf_bytes_do_not_depend_on_the_time_of_rendering(dossiers, monkeypatch):
    # fpdf2 2.8.9 writes the rendering time into the XMP metadata (and hashes it into the file
    # identifier): a form rendered a second later differed, and a signed copy could not be
    # reproduced from its record
    import datetime as dt

    from fpdf import output

    record = build_form("receipt", dossiers["2025"]["receipt"])
    first = render_pdf(record)

    class Instants(type):
        def __instancecheck__(cls, obj):  # fpdf2's isinstance checks still see datetimes
            return isinstance(obj, dt.datetime)

    class Later(dt.datetime, metaclass=Instants):
        @classmethod
        def now(cls, tz=None):
            return dt.datetime(2031, 5, 6, 7, 8, 9, tzinfo=tz)

    monkeypatch.setattr(output, "datetime", Later, raising=False)
    assert render_pdf(record) == first
    assert b"2031-05-06" not in first
