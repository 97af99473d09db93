"""``onestop clock DOSSIER.json``: the whole dossier clock from the command line (issue 11).

Two input formats (onestop's dossier JSON, a portal record), one envelope, exit 0 when the
clock could be computed and 2 on bad input. The dates are worked out by hand in each test
(civil-service office hours 07:30–11:30, 13:00–17:00; no day off in the weeks used).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from onestop.models import Channel, DossierStatus, ProcessingTime
from onestop.testing import make_dossier
from onestop.tz import VN_TZ

KEYS = {
    "due",
    "original_due",
    "paused",
    "remaining_working_seconds",
    "timeliness",
    "era",
    "flags",
    "explanation",
}


def at(y: int, m: int, d: int, hh: int = 9, mm: int = 0) -> dt.datetime:
    return dt.datetime(y, m, d, hh, mm, tzinfo=VN_TZ)


@pytest.fixture
def waiting(tmp_path):
    """Online, submitted Mon 2/3/2026 08:00, accepted Tue 3/3 09:00 (5 working days: due Tue
    10/3 17:00), supplement asked Wed 4/3 10:00 and never answered."""
    d = make_dossier(
        21, status=DossierStatus.NEW, channel=Channel.ONLINE, submitted_at=at(2026, 3, 2, 8)
    )
    procedure = d.procedure.model_copy(update={"processing_time": ProcessingTime.working_days(5)})
    d = d.model_copy(update={"procedure": procedure})
    d = d.accept(at=at(2026, 3, 3), by="cb1", due_at=at(2026, 3, 10, 17))
    d = d.start_processing(at=at(2026, 3, 3, 10), by="cb1")
    d = d.request_supplement(at=at(2026, 3, 4, 10), by="cb1", reason="Thiếu bản sao")
    path = tmp_path / "dossier.json"
    path.write_text(d.to_json(), encoding="utf-8")
    return path


def _run(app, runner, *args: str) -> tuple[int, dict]:
    result = runner.invoke(app, ["clock", *args, "--json"])
    return result.exit_code, json.loads(result.stdout)


def test_a_dossier_in_onestops_json(app, runner, waiting):
    status, data = _run(app, runner, str(waiting), "--at", "30/03/2026 10:00")
    assert status == 0 and data["ok"] is True and data["error"] is None
    assert set(data) >= KEYS
    assert data["source"] == "onestop"
    assert data["era"] == "ND-118-2025"
    assert data["received"] == "2026-03-03T09:00:00+07:00"
    assert data["base_due"] == "2026-03-10T17:00:00+07:00"
    # waiting for the supplement: the due date is unknown and the clock is frozen at the
    # request, Wed 4/3 10:00 -> Tue 10/3 17:00 = 1 h 30 + 4 h + 4 × 8 h = 37 h 30
    assert data["due"] is None and data["original_due"] is None
    assert data["paused"] is True
    assert data["remaining_working_seconds"] == 37.5 * 3600
    assert data["timeliness"] == "in_progress_on_time"
    # the 8th working hour after Mon 08:00 ended Tue 08:00; the 15 days after Wed 4/3 ended
    # Thu 19/3
    assert [f["code"] for f in data["flags"]] == [
        "late_online_acceptance",
        "supplement_pending",
        "supplement_expired",
    ]
    for flag in data["flags"]:
        assert set(flag) == {"code", "message_vi", "message_en", "basis"}
    assert data["flags"][0]["basis"][0]["vi"] == "NĐ 118/2025/NĐ-CP Điều 17 khoản 2 điểm c"
    assert "đóng hồ sơ" in data["flags"][2]["message_vi"]
    assert data["explanation"]["vi"].startswith("1. Văn bản áp dụng: NĐ 118/2025/NĐ-CP")
    assert data["explanation"]["en"].startswith("1. Governing text: NĐ 118/2025/NĐ-CP")


def test_replayed_under_the_other_era(app, runner, waiting):
    status, data = _run(
        app, runner, str(waiting), "--at", "30/03/2026 10:00", "--era", "ND-61-2018"
    )
    assert status == 0
    assert data["era"] == "ND-61-2018"
    # NĐ 61/2018 had neither the 8-hour limit nor the closing of a dossier
    assert [f["code"] for f in data["flags"]] == ["supplement_pending"]
    assert "theo lựa chọn của người dùng" in data["explanation"]["vi"]


def test_the_text_output(app, runner, waiting):
    result = runner.invoke(app, ["clock", str(waiting), "--at", "30/03/2026 10:00"])
    assert result.exit_code == 0
    assert "era: ND-118-2025 (NĐ 118/2025/NĐ-CP)" in result.stdout
    assert "flag supplement_expired:" in result.stdout
    assert "1. Văn bản áp dụng" in result.stdout and "1. Governing text" in result.stdout


def _record(**changes) -> dict:
    record = {
        "MaHoSo": "000.00.24.H29-250701-0001",
        "MaTTHC": "1.000894",
        "KenhThucHien": "2",
        "TrangThaiHoSo": "4",
        "NgayNopHoSo": "20250630080000",
        "NgayTiepNhan": "20250701090000",
        "NgayHenTra": "20250708170000",
        "DanhSachHoSoBoSung": [
            {"NgayBoSung": "20250702100000", "NgayTiepNhanBoSung": "20250704090000"}
        ],
    }
    record.update(changes)
    return record


def _write(tmp_path, data) -> str:
    path = tmp_path / "record.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return str(path)


def test_a_portal_record(app, runner, tmp_path):
    # Received Tue 1/7/2025 09:00 (NĐ 118/2025), 5 working days -> Tue 8/7 17:00. Supplement
    # Wed 2/7 10:00, back Fri 4/7 09:00: restart, Mon 7 (1) .. Fri 11/7 (5) -> Fri 11/7 17:00.
    # Submitted online Mon 30/6 08:00: the 8th working hour ended Tue 1/7 08:00 -> late.
    path = _write(tmp_path, _record())
    status, data = _run(app, runner, path, "--amount", "5", "--at", "2025-07-08T10:00")
    assert status == 0, data
    assert data["source"] == "portal" and data["era"] == "ND-118-2025"
    assert data["base_due"] == "2025-07-08T17:00:00+07:00"
    assert data["due"] == data["original_due"] == "2025-07-11T17:00:00+07:00"
    assert data["paused"] is False
    assert [f["code"] for f in data["flags"]] == ["late_online_acceptance"]
    # Tue 8/7 10:00 -> Fri 11/7 17:00: 1 h 30 + 4 h + 3 × 8 h = 29 h 30
    assert data["remaining_working_seconds"] == 29.5 * 3600
    # pause instead: the working days Thu 3/7 and Fri 4/7 are added to Tue 8/7 -> Thu 10/7
    status, data = _run(
        app,
        runner,
        path,
        "--amount",
        "5",
        "--at",
        "2025-07-08T10:00",
        "--supplement-policy",
        "pause",
    )
    assert data["due"] == "2025-07-10T17:00:00+07:00"
    # received the day before: NĐ 61/2018, no 8-hour limit
    earlier = _record(NgayTiepNhan="20250630090000", NgayNopHoSo="20250627080000")
    status, data = _run(
        app, runner, _write(tmp_path, earlier), "--amount", "5", "--at", "2025-07-08T10:00"
    )
    assert status == 0 and data["era"] == "ND-61-2018" and data["flags"] == []


def test_a_portal_supplement_before_receipt_is_the_intake_answer(app, runner, tmp_path):
    # Asked to complete at Mon 30/6 14:00 (within 8 working hours of 08:00), accepted Wed 2/7:
    # the online answer was in time, and the intake request does not touch the clock.
    record = _record(
        NgayTiepNhan="20250702090000",
        DanhSachHoSoBoSung=[
            {"NgayBoSung": "20250630140000", "NgayTiepNhanBoSung": "20250701160000"}
        ],
    )
    status, data = _run(
        app, runner, _write(tmp_path, record), "--amount", "3", "--at", "2025-07-03T10:00"
    )
    assert status == 0, data
    assert data["flags"] == []
    assert data["due"] == "2025-07-07T17:00:00+07:00"  # Thu 3 (1), Fri 4 (2), Mon 7 (3)


@pytest.mark.parametrize(
    ("content", "args", "field"),
    [
        ("{not json", (), "dossier"),
        ("[1, 2]", (), "dossier"),
        (json.dumps(_record()), (), "processing_time"),
        (json.dumps(_record()), ("--amount", "5", "--era", "ND-99-2030"), "rules"),
        (json.dumps(_record()), ("--amount", "5", "--at", "2025-06-01T08:00"), "at"),
        (json.dumps(_record()), ("--amount", "-1"), "amount"),
        (json.dumps(_record(NgayTiepNhan="")), ("--amount", "5"), "NgayTiepNhan"),
        (json.dumps(_record(NgayTiepNhan="2025-07-01")), ("--amount", "5"), "NgayTiepNhan"),
        (json.dumps(_record(NgayNopHoSo="20250702080000")), ("--amount", "5"), "NgayNopHoSo"),
        (
            json.dumps(
                _record(
                    DanhSachHoSoBoSung=[
                        {"NgayBoSung": "20250702100000", "NgayTiepNhanBoSung": "20250701090000"}
                    ]
                )
            ),
            ("--amount", "5"),
            "DanhSachHoSoBoSung[0].NgayTiepNhanBoSung",
        ),
        # the result before the resubmission
        (json.dumps(_record(NgayKetThucXuLy="20250703090000")), ("--amount", "5"), "finished_at"),
        (json.dumps({"code": "x"}), (), None),
    ],
)
def test_bad_input_exits_2_naming_the_field(app, runner, tmp_path, content, args, field):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    status, data = _run(app, runner, str(path), "--at", "2025-07-08T10:00", *args)
    assert status == 2, data
    assert data["ok"] is False and set(data) == {"ok", "error"}
    if field is not None:
        assert data["error"]["field"] == field, data["error"]


def test_a_missing_file(app, runner, tmp_path):
    status, data = _run(app, runner, str(tmp_path / "nowhere.json"))
    assert status == 2 and data["error"]["code"] == "invalid_input"


def test_without_at_the_clock_is_read_now_to_the_second(app, runner, waiting):
    status, data = _run(app, runner, str(waiting))
    assert status == 0
    # "2026-12-06T23:50:12+07:00": whole seconds in Vietnam time, as every other instant
    read_at = dt.datetime.fromisoformat(data["at"])
    assert read_at.microsecond == 0 and read_at.utcoffset() == dt.timedelta(hours=7)
    assert abs(read_at - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
