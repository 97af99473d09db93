"""Reading other systems' exports into validated records."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from onestop.errors import InvalidInputError
from onestop.records import read_records, require_rows

D = dt.datetime

VENDOR_CSV = (
    "ma_ho_so,ma_thu_tuc,ngay_nhan,so_ngay_xu_ly,kenh,trang_thai,ngay_tra\n"
    "000.00.53.H48-261206-0001,1.000894,06/12/2026 14:35,5,truc_tiep,10,11/12/2026 09:00\n"
    "000.00.53.H48-261206-0002,1.000490,06/12/2026 15:10,3,truc_tuyen,4,\n"
    "000.00.53.H48-261206-0003,1.000490,07/12/2026 08:00,3,buu_chinh,2,\n"
)


def _errors(records):
    return [(e["row"], e["column"], e["field"]) for e in records.errors.to_pylist()]


def test_vendor_flat_rows_need_no_configuration(tmp_path):
    path = tmp_path / "export.csv"
    path.write_text(VENDOR_CSV, encoding="utf-8")
    recs = read_records(path)
    assert recs.rows_read == 3 and recs.rows_rejected == 0
    assert recs.columns == {
        "code": "ma_ho_so",
        "procedure": "ma_thu_tuc",
        "received_at": "ngay_nhan",
        "processing_amount": "so_ngay_xu_ly",
        "channel": "kenh",
        "status": "trang_thai",
        "returned_at": "ngay_tra",
    }
    rows = recs.table.to_pylist()
    assert rows[0]["received_at"] == D(2026, 12, 6, 14, 35)  # Vietnam local time, as written
    assert rows[0]["returned_at"] == D(2026, 12, 11, 9)
    assert [r["channel"] for r in rows] == ["direct", "online", "postal"]
    assert [r["status"] for r in rows] == ["returned", "processing", "received"]
    assert rows[1]["procedure"] == "1.000490"  # read as text: the trailing zero stays
    assert [r["processing_amount"] for r in rows] == [5, 3, 3]
    assert [r["row"] for r in rows] == [1, 2, 3]
    assert recs.to_pandas()["channel"].tolist() == ["direct", "online", "postal"]
    assert recs.to_polars()["code"].to_list()[0] == "000.00.53.H48-261206-0001"


def test_portal_field_names_and_codes_from_parquet(tmp_path):
    table = pa.table(
        {
            "MaHoSo": ["A-1", "A-2", "A-3"],
            "MaTTHC": ["1.1", "1.1", "1.2"],
            "KenhThucHien": ["1", "2", "3"],
            "NgayTiepNhan": ["20261206143500", "20261207080000", "20261207090000"],
            "NgayHenTra": ["20261211170000", "", "20261214170000"],
            "NgayKetThucXuLy": ["20261210160000", "", ""],
            "TrangThaiHoSo": ["9", "4", "5"],
            "DonViXuLy": ["Sở Tư pháp", "Sở Tư pháp", "UBND xã"],
            "DuocThanhToanTrucTuyen": ["1", "0", "3"],
            "HoSoCoThanhPhanSoHoa": ["1", "0", "1"],
        }
    )
    path = tmp_path / "sync.parquet"
    pq.write_table(table, path)
    recs = read_records(path)
    assert recs.rows_rejected == 0
    r = recs.table.to_pylist()
    assert [x["channel"] for x in r] == ["direct", "online", "postal"]
    assert [x["status"] for x in r] == ["completed", "processing", "supplement_requested"]
    assert r[0]["due_at"] == D(2026, 12, 11, 17) and r[1]["due_at"] is None
    assert r[0]["finished_at"] == D(2026, 12, 10, 16)
    assert [x["paid_online"] for x in r] == [True, False, False]
    assert [x["digitised"] for x in r] == [True, False, True]
    assert r[2]["department"] == "UBND xã"


@pytest.mark.parametrize(
    ("value", "channel"),
    [
        ("Trực tiếp", "direct"),
        ("TRUC_TIEP", "direct"),
        ("truc tuyen", "online"),
        ("Trực tuyến", "online"),
        ("online", "online"),
        ("Bưu chính công ích", "postal"),
        ("BCCI", "postal"),
        (3, "postal"),
    ],
)
def test_channel_spellings(value, channel):
    recs = read_records(
        pa.table(
            {
                "code": ["X"],
                "procedure": ["1"],
                "received_at": ["01/12/2026"],
                "channel": pa.array([value]),
            }
        )
    )
    assert recs.table.column("channel").to_pylist() == [channel]


@pytest.mark.parametrize(
    ("value", "status"),
    [
        ("10", "returned"),
        ("Đã trả kết quả", "returned"),
        ("da_tra_ket_qua", "returned"),
        ("Đang xử lý", "processing"),
        ("Dừng xử lý", "stopped"),
        ("Công dân yêu cầu rút hồ sơ", "withdrawn"),
        ("completed", "completed"),
        ("1", "new"),
    ],
)
def test_status_spellings(value, status):
    recs = read_records(
        pa.table(
            {
                "code": ["X"],
                "procedure": ["1"],
                "received_at": ["01/12/2026 08:00"],
                "finished_at": ["02/12/2026 08:00"],
                "status": [value],
            }
        )
    )
    assert recs.table.column("status").to_pylist() == [status]


def test_bad_rows_come_back_with_row_column_and_reason(tmp_path):
    text = (
        "MaHoSo,MaTTHC,NgayTiepNhan,KenhThucHien,TrangThaiHoSo,NgayKetThucXuLy,ChuHoSo\n"
        "A-1,1.1,06/12/2026 14:35,1,4,,Nguyễn Văn A\n"  # 1 fine
        "A-2,1.1,31/02/2026 10:00,2,4,,x\n"  # 2 no such day
        "A-3,1.1,06/12/2026 09:00,9,4,,x\n"  # 3 unknown channel
        ",1.1,06/12/2026 09:00,1,4,,x\n"  # 4 no code
        "A-1,1.1,06/12/2026 09:00,1,4,,x\n"  # 5 duplicate of row 1
        "A-6,1.1,06/12/2026 09:00,1\n"  # 6 too few fields
        "A-7,1.1,06/12/2026 09:00,1,9,05/12/2026 10:00,x\n"  # 7 finished before received
        "A-8,1.1,06/12/2026 09:00,1,10,,x\n"  # 8 returned but no date
        "A-9,1.1,07/12/2026 09:00,3,2,,x\n"  # 9 fine
    )
    path = tmp_path / "bad.csv"
    path.write_text(text, encoding="utf-8")
    recs = read_records(path)
    assert recs.rows_read == 9
    assert recs.table.column("code").to_pylist() == ["A-1", "A-9"]
    assert recs.table.column("row").to_pylist() == [1, 9]  # numbered despite the skipped line
    assert recs.rows_rejected == 7
    assert _errors(recs) == [
        (2, "NgayTiepNhan", "received_at"),
        (3, "KenhThucHien", "channel"),
        (4, "MaHoSo", "code"),
        (5, "MaHoSo", "code"),
        (6, None, None),
        (7, "NgayKetThucXuLy", "finished_at"),
        (8, "TrangThaiHoSo", "status"),
    ]
    reasons = {e["row"]: e["reason"] for e in recs.errors.to_pylist()}
    assert "not a date" in reasons[2]
    assert "duplicate" in reasons[5] and "row 1" in reasons[5]
    assert "fields" in reasons[6]
    assert "earlier than the received date" in reasons[7]
    values = recs.errors.column("value").to_pylist()
    assert "31/02/2026 10:00" in values
    assert not any("Nguyễn" in str(v) for v in values)  # the applicant is never echoed


def test_dataframes_and_typed_timestamps():
    aware = pd.DataFrame(
        {
            "MaHoSo": ["A", "B"],
            "MaTTHC": ["1", "1"],
            "NgayTiepNhan": pd.to_datetime(["2026-12-06 07:35", "2026-12-07 01:00"], utc=True),
            "so_ngay_xu_ly": [5.0, 3.0],
        }
    )
    recs = read_records(aware)
    assert recs.table.column("received_at").to_pylist() == [
        D(2026, 12, 6, 14, 35),  # 07:35 UTC = 14:35 in Vietnam
        D(2026, 12, 7, 8, 0),
    ]
    assert recs.table.column("processing_amount").to_pylist() == [5, 3]
    naive = pl.DataFrame(
        {
            "ma_ho_so": ["A"],
            "ma_thu_tuc": ["1"],
            "ngay_nhan": [D(2026, 12, 6, 14, 35)],
            "kenh": [2],
        }
    )
    recs = read_records(naive)
    assert recs.table.column("received_at").to_pylist() == [D(2026, 12, 6, 14, 35)]
    assert recs.table.column("channel").to_pylist() == ["online"]
    batch = pa.RecordBatch.from_pydict(
        {"code": ["A"], "procedure": ["1"], "received_at": ["2026-12-06T07:35:00Z"]}
    )
    assert read_records(batch).table.column("received_at").to_pylist() == [D(2026, 12, 6, 14, 35)]


def test_excel_workbook(tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Mã hồ sơ", "Mã thủ tục", "Ngày nhận", "Kênh", "Số ngày xử lý"])
    sheet.append(["H-1", "1.000894", D(2026, 12, 6, 14, 35), "Trực tiếp", 5])
    sheet.append(["H-2", "1.000894", "07/12/2026 08:00", 2, 3])
    path = tmp_path / "export.xlsx"
    book.save(path)
    recs = read_records(path)
    assert recs.rows_rejected == 0
    assert recs.table.column("received_at").to_pylist() == [
        D(2026, 12, 6, 14, 35),
        D(2026, 12, 7, 8),
    ]
    assert recs.table.column("channel").to_pylist() == ["direct", "online"]
    assert recs.table.column("processing_amount").to_pylist() == [5, 3]


def test_column_mapping():
    table = pa.table(
        {"so": ["A"], "thu_tuc_x": ["1"], "nhan_luc": ["06/12/2026 14:35"], "phong": ["P1"]}
    )
    recs = read_records(
        table,
        columns={
            "code": "so",
            "procedure": "thu_tuc_x",
            "received_at": "nhan_luc",
            "department": "phong",
        },
    )
    assert recs.table.column("department").to_pylist() == ["P1"]
    with pytest.raises(InvalidInputError, match="not a record field"):
        read_records(table, columns={"dept": "phong"})
    with pytest.raises(InvalidInputError, match="no column 'nope'"):
        read_records(table, columns={"department": "nope"})
    with pytest.raises(InvalidInputError, match="no column for code"):
        read_records(table)


def test_two_columns_for_one_field_must_be_chosen():
    table = pa.table(
        {"MaHoSo": ["A"], "MaTTHC": ["1"], "NgayTiepNhan": ["06/12/2026"], "ngay_nhan": ["x"]}
    )
    with pytest.raises(InvalidInputError, match="received_at"):
        read_records(table)
    recs = read_records(table, columns={"received_at": "NgayTiepNhan"})
    assert recs.ignored_columns == ("ngay_nhan",)


def test_submission_date_stands_in_for_receipt():
    table = pa.table(
        {
            "MaHoSo": ["A", "B"],
            "MaTTHC": ["1", "1"],
            "NgayNopHoSo": ["20261205100000", "20261205100000"],
            "NgayTiepNhan": ["", "20261206080000"],
        }
    )
    assert read_records(table).table.column("received_at").to_pylist() == [
        D(2026, 12, 5, 10),
        D(2026, 12, 6, 8),
    ]


def test_unreadable_inputs(tmp_path):
    latin = tmp_path / "latin.csv"
    latin.write_bytes("MaHoSo,MaTTHC,NgayTiepNhan\nA,1,06/12/2026 Tr\xe1\n".encode("latin-1"))
    with pytest.raises(InvalidInputError, match="UTF-8"):
        read_records(latin)
    with pytest.raises(InvalidInputError, match="extension"):
        read_records(tmp_path / "export.json")
    with pytest.raises(InvalidInputError, match="expected a file path"):
        read_records(42)
    empty = read_records(
        pa.table({"code": ["", ""], "procedure": ["1", "1"], "received_at": ["x", "y"]})
    )
    with pytest.raises(InvalidInputError, match="no usable row among 2 rows"):
        require_rows(empty)


def test_spaces_around_values_and_blank_cells():
    recs = read_records(
        pa.table(
            {
                "code": [" A ", "B"],
                "procedure": ["1", "1"],
                "received_at": [" 06/12/2026 14:35 ", "2026-12-06 08:00:00.250"],
                "due_at": ["   ", ""],
                "channel": [" Trực tuyến ", None],
            }
        )
    )
    assert recs.rows_rejected == 0
    assert recs.table.column("code").to_pylist() == ["A", "B"]
    assert recs.table.column("received_at").to_pylist() == [
        D(2026, 12, 6, 14, 35),
        D(2026, 12, 6, 8, 0, 0, 250000),
    ]
    assert recs.table.column("due_at").to_pylist() == [None, None]
    assert recs.table.column("channel").to_pylist() == ["online", None]


def test_processing_times_written_with_a_sign_or_a_decimal():
    # "+2" passed the pattern of whole numbers but then failed Arrow's cast (ArrowInvalid)
    recs = read_records(
        pa.table(
            {
                "code": ["A", "B", "C", "D", "E"],
                "procedure": ["1"] * 5,
                "received_at": ["01/02/2026"] * 5,
                "so_ngay_xu_ly": ["5", "+2", "4.0", " 3 ", "-1"],
            }
        )
    )
    assert recs.table.column("processing_amount").to_pylist() == [5, 2, 4, 3]
    assert [(e["row"], e["field"]) for e in recs.errors.to_pylist()] == [(5, "processing_amount")]
