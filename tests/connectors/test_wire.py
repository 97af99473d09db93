"""Wire models: portal dates, status codes and names, the envelope's variations, tolerance."""

from __future__ import annotations

import datetime as dt

import pytest
from dateutil import tz
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.connectors import (
    Envelope,
    HoSoRecord,
    PortalStatus,
    TienTrinhRecord,
    format_portal_datetime,
    parse_portal_datetime,
)
from onestop.errors import InvalidInputError
from onestop.models import DossierStatus

UTC = dt.UTC
VN_DATEUTIL = tz.gettz("Asia/Ho_Chi_Minh")


def test_format_golden_values():
    # 01:30 UTC is 08:30 in Vietnam (UTC+7, no DST since 1975).
    assert format_portal_datetime(dt.datetime(2026, 3, 15, 1, 30, tzinfo=UTC)) == "20260315083000"
    # Crossing midnight: 20:00 UTC on 31 Dec is 03:00 on 1 Jan in Vietnam.
    assert format_portal_datetime(dt.datetime(2025, 12, 31, 20, 0, tzinfo=UTC)) == "20260101030000"
    assert format_portal_datetime(None) == ""


def test_format_rejects_naive_datetime():
    with pytest.raises(InvalidInputError) as info:
        format_portal_datetime(dt.datetime(2026, 3, 15, 8, 30))
    assert info.value.field == "datetime"
    assert "naive" in info.value.message


@settings(max_examples=200, deadline=None)
@given(
    st.datetimes(
        min_value=dt.datetime(1976, 1, 1),
        max_value=dt.datetime(2199, 12, 31),
        timezones=st.just(UTC),
    )
)
def test_format_matches_dateutil_and_roundtrips(moment):
    text = format_portal_datetime(moment)
    # Independent conversion with python-dateutil's tz database access.
    assert text == moment.astimezone(VN_DATEUTIL).strftime("%Y%m%d%H%M%S")
    back = parse_portal_datetime(text)
    assert back is not None
    assert back == moment.replace(microsecond=0)
    assert back.utcoffset() == dt.timedelta(hours=7)


def test_parse_accepts_date_only_and_empty():
    assert parse_portal_datetime("") is None
    assert parse_portal_datetime(None) is None
    assert parse_portal_datetime("20260315") == dt.datetime(
        2026, 3, 15, tzinfo=parse_portal_datetime("20260315000000").tzinfo
    )


@pytest.mark.parametrize("bad", ["2026-03-15", "202603150830", "20261315083000", "2026031508300x"])
def test_parse_rejects_malformed(bad):
    with pytest.raises(InvalidInputError) as info:
        parse_portal_datetime(bad, field="NgayHenTra")
    assert info.value.field == "NgayHenTra"
    assert "yyyyMMddHHmmss" in info.value.message


# TD.DichVuCongApi FormatTrangThaiHoSoDVCQG.cs: English portal name -> local code.
ENGLISH = {
    "receiving": 1,
    "new": 2,
    "denied": 3,
    "processing": 4,
    "waiting": 5,
    "paying": 6,
    "cancelled": 7,
    "unresolved": 8,
    "releasing": 9,
    "done": 10,
}


@pytest.mark.parametrize(("name", "code"), ENGLISH.items())
def test_status_english_names(name, code):
    assert PortalStatus.parse(name) is PortalStatus(code)
    assert PortalStatus.parse(str(code)).english == name
    assert PortalStatus.parse(code) == code


def test_portal_codes_agree_with_domain_status_codes():
    assert sorted(s.code for s in DossierStatus) == [int(p) for p in PortalStatus]


@pytest.mark.parametrize("bad", ["0", "11", "posting", ""])
def test_status_rejects_unknown(bad):
    with pytest.raises(InvalidInputError) as info:
        PortalStatus.parse(bad)
    assert info.value.field == "TrangThaiHoSo"


@pytest.mark.parametrize(
    ("raw", "code", "ok"),
    [(0, "0", True), ("0", "0", True), ("00", "0", True), (-3, "-3", False), ("3", "3", False)],
)
def test_envelope_error_code_variants(raw, code, ok):
    env = Envelope.model_validate({"error_code": raw, "message": None, "result": []})
    assert env.error_code == code
    assert env.ok is ok
    assert env.message == ""


def test_envelope_result_shapes():
    assert Envelope(error_code="0", result=None).result_items() == []
    assert Envelope(error_code="0", result={"a": 1}).result_items() == [{"a": 1}]
    assert Envelope(error_code="0", result=[{"a": 1}]).result_items() == [{"a": 1}]
    with pytest.raises(ValueError):
        Envelope(error_code="0", result=[1, 2]).result_items()


def test_record_is_tolerant_and_round_trips_with_portal_names():
    raw = {
        "MaHoSo": "H56.14-260315-0001",
        "TrangThaiHoSo": 4,  # a number where the portal documents a string
        "KenhThucHien": 2,
        "UnknownField": "ignored",
        "DinhDanhCHS": [{"LoaiDinhDanh": 1, "SoDinhDanh": "001099012345"}],
        "NgayHenTra": None,
    }
    record = HoSoRecord.model_validate(raw)
    assert record.status == "4"
    assert record.channel == "2"
    assert record.due_at == ""
    wire = record.to_wire()
    assert wire["MaHoSo"] == "H56.14-260315-0001"
    assert wire["DinhDanhCHS"] == [{"LoaiDinhDanh": "1", "SoDinhDanh": "001099012345"}]
    assert "UnknownField" not in wire
    assert HoSoRecord.model_validate(wire) == record


def test_record_repr_hides_personal_data():
    record = HoSoRecord(
        MaHoSo="X-1",
        TrangThaiHoSo="2",
        ChuHoSo="Nguyễn Văn A",
        SoGiayToChuHoSo="001099012345",
        SoDienThoai="0912345678",
    )
    text = repr(record)
    for secret in ("Nguyễn", "001099012345", "0912345678"):
        assert secret not in text
    assert "X-1" in text


def test_progress_handler_limit_and_key():
    with pytest.raises(InvalidInputError) as info:
        TienTrinhRecord(
            MaHoSo="X", ThoiDiemXuLy="20260101000000", TrangThai="4", NguoiXuLy="a" * 51
        )
    assert info.value.field == "NguoiXuLy"
    TienTrinhRecord(MaHoSo="X", ThoiDiemXuLy="20260101000000", TrangThai="4", NguoiXuLy="a" * 50)
    row = TienTrinhRecord(MaHoSo="X", ThoiDiemXuLy="20260101000000", TrangThai="4")
    assert row.key == ("X", "20260101000000", "4")
