"""Domain <-> wire mapping: mapped values read back to the values they came from."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.connectors import (
    PortalStatus,
    ThuTucRecord,
    dossier_to_record,
    parse_portal_datetime,
    procedure_from_record,
    progress_rows,
    status_of_record,
)
from onestop.errors import InvalidInputError
from onestop.models import (
    AdministrativeLevel,
    Channel,
    DossierStatus,
    ProcessingTime,
    ServiceLevel,
    TimeUnit,
)
from onestop.testing import make_dossier, make_procedure

STATUSES = sorted(DossierStatus, key=lambda s: s.code)


def _same_instant(text, moment):
    if moment is None:
        return text == ""
    parsed = parse_portal_datetime(text)
    return parsed is not None and parsed == moment.replace(microsecond=0)


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), status=st.sampled_from(STATUSES))
def test_record_reads_back_to_the_dossier(seed, status):
    dossier = make_dossier(seed=seed, status=status)
    record = dossier_to_record(dossier)
    assert record.code == str(dossier.code)
    assert record.procedure_code == str(dossier.procedure.code)
    assert record.procedure_name == dossier.procedure.name
    assert record.channel == str(dossier.channel.code)
    assert record.holder_kind == str(dossier.applicant.kind.code)
    assert record.status == str(dossier.status.code)
    assert record.portal_status == PortalStatus(dossier.status.code)
    assert status_of_record(record) is dossier.status
    assert _same_instant(record.submitted_at, dossier.submitted_at)
    assert _same_instant(record.received_at, dossier.received_at)
    assert _same_instant(record.due_at, dossier.due_at)
    assert _same_instant(record.finished_at, dossier.completed_at)
    assert _same_instant(record.returned_at, dossier.returned_at)
    assert len(record.files) == len(dossier.documents)
    assert [int(f.amount) for f in record.fees] == [f.amount for f in dossier.fees]
    assert len(record.summary) <= 1000
    for text in (record.submitted_at, record.received_at, record.due_at):
        assert text == "" or (len(text) == 14 and text.isdigit())
    applicant = dossier.applicant
    if applicant.citizen_id is not None:
        assert ("1", str(applicant.citizen_id)) in [(i.kind, i.number) for i in record.identities]
        assert record.holder_document_number == str(applicant.citizen_id)
    elif applicant.tax_code is not None:
        assert record.holder_document_number == str(applicant.tax_code)


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_progress_rows_follow_the_status_changes(seed):
    dossier = make_dossier(seed=seed)
    rows = progress_rows(dossier)
    changes = [e for e in dossier.events if e.from_status is not e.to_status]
    assert [r.status for r in rows] == [str(e.to_status.code) for e in changes]
    assert all(r.code == str(dossier.code) for r in rows)
    assert all(len(r.handler) <= 50 for r in rows)
    assert [parse_portal_datetime(r.handled_at) for r in rows] == [
        e.at.replace(microsecond=0) for e in changes
    ]
    # Rows are keyed: no two steps of one dossier collide.
    assert len({r.key for r in rows}) == len(rows)


def test_refused_dossier_carries_its_refusal_time():
    dossier = make_dossier(seed=5, status=DossierStatus.REFUSED)
    record = dossier_to_record(dossier)
    refusal = [e.at for e in dossier.events if e.to_status is DossierStatus.REFUSED][-1]
    assert _same_instant(record.refused_at, refusal)
    assert record.status == "3"


# ---------------------------------------------------------------- catalogue -> Procedure

# Written independently of the mapping under test: how the national catalogue (LayThuTuc,
# as OpenCPS and TD.DichVuCongApi read it) spells a domain procedure. Channel labels as the
# catalogue shows them; units by their Vietnamese labels.
KENH_LABEL = {
    Channel.DIRECT: "Trực tiếp",
    Channel.ONLINE: "Trực tuyến",
    Channel.POSTAL: "Dịch vụ bưu chính",
}
TENCAP = {
    AdministrativeLevel.PROVINCIAL: "Cấp Tỉnh",
    AdministrativeLevel.DISTRICT: "Cấp Huyện",
    AdministrativeLevel.COMMUNE: "Cấp Xã",
    AdministrativeLevel.CENTRAL: "Cấp Bộ",
}


def catalogue_record(proc):
    def time_of(channel):
        t = next(x.time for x in proc.processing_times if x.channel is channel)
        return {
            "THOIGIANGIAIQUYET": str(t.amount),
            "DONVITINH": t.unit.label_vi,
            "MOTA": "",
            "PHILEPHI": [
                {
                    "MAPHILEPHI": f.code or "",
                    "SOTIEN": f"{f.amount:,}".replace(",", "."),
                    "MOTA": f.name,
                }
                for f in proc.fees
                if f.channel in (None, channel)
            ],
        }

    return {
        "MATTHC": str(proc.code),
        "TENTTHC": proc.name_vi,
        "LINHVUCTHUCHIEN": [{"MALINHVUC": proc.field.code, "TENLINHVUC": proc.field.name}],
        "CAPTHUCHIEN": [{"CAPTHUCHIEN": "", "TENCAP": TENCAP[lv]} for lv in proc.levels],
        "CACHTHUCTHUCHIEN": [
            {"KENH": KENH_LABEL[c], "THOIGIAN": [time_of(c)]} for c in proc.channels
        ],
        "THANHPHANHOSO": [
            {
                "TRUONGHOP": "",
                "GIAYTO": [
                    {
                        "MAGIAYTO": d.code or "",
                        "TENGIAYTO": d.name,
                        "SOBANCHINH": str(d.originals),
                        "SOBANSAO": str(d.copies),
                    }
                    for d in proc.documents
                ],
            }
        ],
        "KETQUATHUCHIEN": [{"MAKETQUA": r.code or "", "TENKETQUA": r.name} for r in proc.results],
        "CANCUPHAPLY": [
            {"SOVANBAN": b.number, "TENVANBAN": b.title or ""} for b in proc.legal_basis
        ],
        "COQUANTHUCHIEN": [
            {"MADONVI": str(a.code or ""), "TENDONVI": a.name} for a in proc.implementing_agencies
        ],
        "UNKNOWN_KEY": "ignored",
    }


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 500))
def test_catalogue_record_maps_back_to_the_procedure(seed):
    proc = make_procedure(seed=seed)
    record = ThuTucRecord.model_validate(catalogue_record(proc))
    got = procedure_from_record(record, service_level=proc.service_level)
    assert got.code == proc.code
    assert got.name_vi == proc.name_vi
    assert got.field == proc.field
    assert got.levels == proc.levels
    assert got.channels == proc.channels
    for mine, theirs in zip(got.processing_times, proc.processing_times, strict=True):
        assert mine.channel is theirs.channel
        assert (mine.time.amount, mine.time.unit) == (theirs.time.amount, theirs.time.unit)
    # Fees come per channel from the catalogue: each source fee appears on each of its channels.
    expected = {
        (f.name, f.amount, c) for f in proc.fees for c in proc.channels if f.channel in (None, c)
    }
    assert {(f.name, f.amount, f.channel) for f in got.fees} == expected
    assert [(d.name, d.code, d.originals, d.copies) for d in got.documents] == [
        (d.name, d.code, d.originals, d.copies) for d in proc.documents
    ]
    assert [(r.name, r.code) for r in got.results] == [(r.name, r.code) for r in proc.results]
    assert [b.number for b in got.legal_basis] == [b.number for b in proc.legal_basis]
    assert got.implementing_agencies == proc.implementing_agencies


def test_fake_catalogue_gives_domain_procedures(fake_portal):
    from onestop.connectors import AdapterAuth, PortalClient

    with PortalClient(
        "https://a.example",
        auth=AdapterAuth("onestop", "onestop"),
        unit_code="H56",
        transport=fake_portal.transport(),
    ) as client:
        proc = procedure_from_record(client.get_procedure("2.000488.000.00.00.H56"))
    assert proc.levels == (AdministrativeLevel.DISTRICT,)
    assert proc.channels == (Channel.DIRECT,)
    assert proc.processing_times[0].time == ProcessingTime.working_days(5)
    assert [(f.amount, f.channel) for f in proc.fees] == [(50000, Channel.DIRECT)]
    assert proc.service_level is ServiceLevel.NONE
    assert proc.legal_basis[0].number == "61/2018/NĐ-CP"
    assert proc.legal_basis[0].issued_on.isoformat() == "2018-04-23"


def _base(**changes):
    data = {
        "MATTHC": "1.001193",
        "TENTTHC": "Đăng ký khai sinh",
        "LINHVUCTHUCHIEN": [{"MALINHVUC": "G15", "TENLINHVUC": "Hộ tịch"}],
        "CAPTHUCHIEN": [{"TENCAP": "Cấp Xã"}],
        "CACHTHUCTHUCHIEN": [
            {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "0", "DONVITINH": "Trong ngày"}]},
            {"KENH": "2", "THOIGIAN": [{"THOIGIANGIAIQUYET": "3", "DONVITINH": "Ngày làm việc"}]},
        ],
    }
    data.update(changes)
    return ThuTucRecord.model_validate(data)


def test_channel_codes_same_day_and_default_service_level():
    proc = procedure_from_record(_base())
    assert proc.channels == (Channel.DIRECT, Channel.ONLINE)
    assert proc.processing_times[0].time == ProcessingTime(amount=0, unit=TimeUnit.SAME_DAY)
    assert proc.processing_times[1].time == ProcessingTime.working_days(3)
    assert proc.service_level is ServiceLevel.PARTIAL
    assert proc.levels == (AdministrativeLevel.COMMUNE,)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"LINHVUCTHUCHIEN": []}, "LINHVUCTHUCHIEN"),
        ({"CAPTHUCHIEN": []}, "CAPTHUCHIEN"),
        ({"CACHTHUCTHUCHIEN": []}, "CACHTHUCTHUCHIEN"),
        ({"CACHTHUCTHUCHIEN": [{"KENH": "9", "THOIGIAN": []}]}, "KENH"),
        ({"CACHTHUCTHUCHIEN": [{"KENH": "1", "THOIGIAN": []}]}, "THOIGIAN"),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "2", "DONVITINH": "Tuần"}]}
                ]
            },
            "DONVITINH",
        ),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "0,5", "DONVITINH": "Ngày"}]}
                ]
            },
            "THOIGIANGIAIQUYET",
        ),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {"KENH": "1", "THOIGIAN": [{"THOIGIANGIAIQUYET": "inf", "DONVITINH": "Ngày"}]}
                ]
            },
            "THOIGIANGIAIQUYET",
        ),
        (
            {
                "CACHTHUCTHUCHIEN": [
                    {
                        "KENH": "1",
                        "THOIGIAN": [
                            {
                                "THOIGIANGIAIQUYET": "2",
                                "DONVITINH": "Ngày",
                                "PHILEPHI": [{"SOTIEN": "theo quy định"}],
                            }
                        ],
                    }
                ]
            },
            "SOTIEN",
        ),
    ],
)
def test_unreadable_catalogue_records_name_the_key(changes, field):
    with pytest.raises(InvalidInputError) as info:
        procedure_from_record(_base(**changes))
    assert info.value.field == field
    assert field in info.value.message


def test_levels_can_be_given_and_wrong_objects_are_refused():
    proc = procedure_from_record(_base(CAPTHUCHIEN=[]), levels=[AdministrativeLevel.PROVINCIAL])
    assert proc.levels == (AdministrativeLevel.PROVINCIAL,)
    with pytest.raises(InvalidInputError) as info:
        procedure_from_record({"MATTHC": "1.001193"})
    assert info.value.field == "record"


@pytest.mark.parametrize(
    ("wire", "code"),
    [("processing", 4), ("done", 10), ("receiving", 1), ("4", 4), (7, 7), ("RELEASING", 9)],
)
def test_status_of_record_reads_codes_and_english_names(wire, code):
    from onestop.connectors import HoSoRecord

    record = HoSoRecord(MaHoSo="H56-1", TrangThaiHoSo=wire)
    assert status_of_record(record).code == code


def test_status_of_record_rejects_unknown_statuses():
    from onestop.connectors import HoSoRecord

    with pytest.raises(InvalidInputError) as info:
        status_of_record(HoSoRecord(MaHoSo="H56-1", TrangThaiHoSo="posting"))
    assert info.value.field == "TrangThaiHoSo"
