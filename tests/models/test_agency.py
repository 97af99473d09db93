"""AgencyCode, ProcedureCode, DossierCode and the concurrent dossier-code generator."""

from __future__ import annotations

import json
import pickle
import sqlite3
import subprocess
import sys
import threading
from datetime import UTC, date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

from onestop.errors import ConfigurationError, InvalidIdentifierError, StorageError
from onestop.models import (
    AgencyCode,
    DossierCode,
    DossierCodeGenerator,
    InMemorySequenceStore,
    ProcedureCode,
    SequenceExhaustedError,
    SequenceStore,
    SqliteSequenceStore,
    provinces,
    successor_province,
)
from onestop.testing import strategies

# ---------------------------------------------------------------- AgencyCode

# Published examples (QĐ 20/2020/QĐ-TTg codes as seen on the portals of Thanh Hóa, Quảng Ngãi,
# TP HCM, Lào Cai,
# Huế (QĐ 09/2025), a 2026 third-party spec, ministries (QĐ 09/2025).
AGENCY_VALID = [
    # value, canonical, form, level1, levels, authority kind, authority name (prefix)
    (
        "000.00.00.H56",
        "000.00.00.H56",
        "legacy",
        "H56",
        ("H56",),
        "provincial_committee",
        "Ủy ban nhân dân tỉnh Thanh Hóa",
    ),
    (
        "000.00.53.H48",
        "000.00.53.H48",
        "legacy",
        "H48",
        ("H48", "53"),
        "provincial_committee",
        "Ủy ban nhân dân tỉnh Quảng Ngãi",
    ),
    (
        "000.00.00.H29",
        "000.00.00.H29",
        "legacy",
        "H29",
        ("H29",),
        "provincial_committee",
        "Ủy ban nhân dân thành phố Hồ Chí Minh",
    ),
    (
        "H56.14",
        "H56.14",
        "qd20",
        "H56",
        ("H56", "14"),
        "provincial_committee",
        "Ủy ban nhân dân tỉnh Thanh Hóa",
    ),
    (
        "h15.50.05.13",
        "H15.50.05.13",
        "qd20",
        "H15",
        ("H15", "50", "05", "13"),
        "provincial_committee",
        "Ủy ban nhân dân thành phố Đà Nẵng",
    ),
    (
        "H55.242",
        "H55.242",
        "qd20",
        "H55",
        ("H55", "242"),
        "provincial_committee",
        "Ủy ban nhân dân tỉnh Thái Nguyên",
    ),
    (
        "K57",
        "K57",
        "qd20",
        "K57",
        ("K57",),
        "provincial_council",
        "Hội đồng nhân dân tỉnh Thừa Thiên Huế",
    ),
    ("G01", "G01", "qd20", "G01", ("G01",), "ministry", "Bộ Công an"),
    ("000.00.04.G14", "000.00.04.G14", "legacy", "G14", ("G14", "04"), "ministry", None),
    ("A01.ABC.9", "A01.ABC.9", "qd20", "A01", ("A01", "ABC", "9"), "other", None),
]

AGENCY_INVALID = [
    ("", "empty"),
    ("H5", "level-1 code"),
    ("Z01", "level-1 code"),
    ("H56..14", "empty group"),
    ("H56.", "empty group"),
    (".H56", "empty group"),
    ("000.00.H56", "legacy form"),
    ("0100109106", "legacy form"),  # an enterprise's MST is not an agency code here
    ("H56 14", "outside [0-9A-Z.]"),
    ("H56-14", "outside [0-9A-Z.]"),
    ("H56.Ư", "outside [0-9A-Z.]"),
    ("H56." + "1" * 32, "more than 35"),
]

#: The JSON Schema pattern of an agency code (what a schema consumer validates with).
AGENCY_PATTERN = TypeAdapter(AgencyCode).json_schema()["pattern"]


@pytest.mark.parametrize(
    ("value", "canonical", "form", "level1", "levels", "kind", "name"), AGENCY_VALID
)
def test_agency_golden(value, canonical, form, level1, levels, kind, name):
    code = AgencyCode.parse(value)
    assert str(code) == canonical
    assert code.form == form
    assert code.level1 == level1
    assert code.levels == levels
    assert code.is_level1 == (len(levels) == 1)
    assert code.authority.kind == kind
    assert code.authority.name == name


@pytest.mark.parametrize(("value", "reason"), AGENCY_INVALID)
def test_agency_invalid(value, reason):
    with pytest.raises(InvalidIdentifierError) as info:
        AgencyCode.parse(value)
    assert info.value.field == "agency_code"
    assert reason in info.value.message
    assert "expected a legacy code" in info.value.message


def test_qd20_length_limit_is_inclusive():
    import re

    code = "H56." + "1" * 31
    assert len(code) == 35
    assert str(AgencyCode.parse(code)) == code
    assert re.fullmatch(AGENCY_PATTERN, code)
    assert not re.fullmatch(AGENCY_PATTERN, code + "1")


def test_authority_province_and_confirmation():
    assert AgencyCode("000.00.00.H38").authority.province.name_vi == "Lào Cai"
    assert AgencyCode("000.00.00.H38").authority.confirmed
    assert not AgencyCode("H01").authority.confirmed  # inferred from the alphabetical order
    assert AgencyCode("K54").authority.confirmed  # HĐND Thái Bình, thaibinh.gov.vn
    assert AgencyCode("K54").authority.province.name_vi == "Thái Bình"


def test_disputed_codes_carry_a_note():
    # Hà Tĩnh's own portal gives H27, which the alphabetical inference assigns to Hải Phòng.
    disputed = AgencyCode("000.00.00.H27").authority
    assert not disputed.confirmed
    assert "H27" in (disputed.note or "")
    assert AgencyCode("K25").authority.note == AgencyCode("H25").authority.note
    for clean in ("H29", "H01", "H56", "G01"):
        assert AgencyCode(clean).authority.note is None


@pytest.mark.parametrize(
    ("closed", "successor"),
    [
        ("H39", "H53"),  # Long An → Tây Ninh
        ("H09", "H29"),  # Bình Dương → TP HCM
        ("H02", "H29"),  # Bà Rịa – Vũng Tàu → TP HCM
        ("H63", "H38"),  # Yên Bái → Lào Cai
        ("H47", "H15"),  # Quảng Nam → Đà Nẵng
        ("K39", "K53"),  # HĐND follows the same numbering
        ("000.00.00.H39", "000.00.00.H53"),
        ("H39.12.3", "H53"),  # subordinate units are not mapped
    ],
)
def test_successor_of_closed_codes(closed, successor):
    code = AgencyCode.parse(closed)
    assert code.is_closed
    assert str(code.successor) == successor
    assert code.resolve() == code.successor


@pytest.mark.parametrize("open_code", ["H53", "H29", "H57", "000.00.53.H48", "G01", "A01"])
def test_open_codes_resolve_to_themselves(open_code):
    code = AgencyCode.parse(open_code)
    assert not code.is_closed
    assert code.successor is None
    assert code.resolve() is code


def test_exactly_the_absorbed_provinces_close():
    kept = {p.agency_code for p in provinces("2025")}
    absorbed = {p.agency_code for p in provinces("2008")} - kept
    assert len(absorbed) == 63 - 34
    for p in provinces("2008"):
        code = AgencyCode(p.agency_code)
        if code.authority.note is not None:  # disputed: never resolved on a guess
            assert code.successor is None
            assert code.resolve() is code
            continue
        assert code.is_closed == (p.agency_code in absorbed)
        assert str(code.resolve()) == successor_province(p).agency_code


def test_disputed_codes_are_not_rewritten():
    # H26 is Hải Dương in the inferred table (absorbed by Hải Phòng) but is disputed, and
    # appears in 2025 ministry-portal URLs: resolving it could rewrite an open code.
    code = AgencyCode("000.00.00.H26")
    assert code.authority.note is not None
    assert not code.is_closed
    assert code.resolve() is code


# ---------------------------------------------------------------- ProcedureCode

PROCEDURE_VALID = [
    ("1.000894", "1.000894", None),
    ("1.000494.000.00.00.H29", "1.000494", "000.00.00.H29"),
    ("1.000948.H38", "1.000948", "H38"),
    ("2.000815.000.00.00.H55", "2.000815", "000.00.00.H55"),
    ("3.000181.000.00.00.h22", "3.000181", "000.00.00.H22"),
]

PROCEDURE_INVALID = [
    ("1.00089", "national code"),
    ("1000894", "national code"),
    ("1.0008945", "followed by nothing"),
    ("1.000894.", "agency part"),
    ("1.000894.XYZ", "agency part"),
    ("A.000894", "national code"),
    ("", "national code"),
]


@pytest.mark.parametrize(("value", "national", "agency"), PROCEDURE_VALID)
def test_procedure_golden(value, national, agency):
    code = ProcedureCode.parse(value)
    assert code.national == national
    assert (None if code.agency is None else str(code.agency)) == agency
    assert code.is_localized == (agency is not None)
    assert str(code.national_code()) == national
    if agency is not None:
        assert code.national_code().localize(agency) == code


@pytest.mark.parametrize(("value", "reason"), PROCEDURE_INVALID)
def test_procedure_invalid(value, reason):
    with pytest.raises(InvalidIdentifierError) as info:
        ProcedureCode.parse(value)
    assert info.value.field == "procedure_code"
    assert reason in info.value.message


# ---------------------------------------------------------------- DossierCode

DOSSIER_VALID = [
    ("000.00.53.H48-220921-0099", "000.00.53.H48", date(2022, 9, 21), 99),
    ("H15.50.05.13-260301-0001", "H15.50.05.13", date(2026, 3, 1), 1),
    ("000.00.00.H56-240229-9999", "000.00.00.H56", date(2024, 2, 29), 9999),
]

DOSSIER_INVALID = [
    ("000.00.53.H48-220921", "three parts"),
    ("000.00.53.H48-220931-0099", "not a real date"),
    ("000.00.53.H48-230229-0099", "not a real date"),
    ("000.00.53.H48-2209-0099", "6 digits"),
    ("000.00.53.H48-220921-099", "4 digits"),
    ("000.00.53.H48-220921-0000", "starts at 0001"),
    ("-220921-0001", "agency part"),
    ("H4-220921-0001", "agency part"),
    ("000.00.53.H48-22O921-0001", "6 digits"),
]


@pytest.mark.parametrize(("value", "agency", "day", "seq"), DOSSIER_VALID)
def test_dossier_golden(value, agency, day, seq):
    code = DossierCode.parse(value)
    assert str(code) == value
    assert str(code.agency) == agency
    assert code.received_on == day
    assert code.sequence == seq
    assert DossierCode.build(agency, day, seq) == code


@pytest.mark.parametrize(("value", "reason"), DOSSIER_INVALID)
def test_dossier_invalid(value, reason):
    with pytest.raises(InvalidIdentifierError) as info:
        DossierCode.parse(value)
    assert info.value.field == "dossier_code"
    assert reason in info.value.message


@pytest.mark.parametrize(
    ("day", "seq", "field"),
    [
        (date(1999, 12, 31), 1, "received_on"),
        (date(2100, 1, 1), 1, "received_on"),
        (date(2026, 1, 1), 0, "sequence"),
        (date(2026, 1, 1), 10000, "sequence"),
        (date(2026, 1, 1), True, "sequence"),
        (date(2026, 1, 1), "1", "sequence"),
    ],
)
def test_dossier_build_invalid(day, seq, field):
    with pytest.raises(InvalidIdentifierError) as info:
        DossierCode.build("H56", day, seq)
    assert info.value.field == field


agency_codes = strategies.agency_codes()  # both forms, QĐ 20/2020 codes up to 35 characters


@settings(deadline=None)
@given(agency_codes, st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(1, 9999))
def test_dossier_round_trip(agency, day, seq):
    code = DossierCode.build(agency, day, seq)
    again = DossierCode.parse(str(code))
    assert again == code
    assert (again.agency, again.received_on, again.sequence) == (AgencyCode(agency), day, seq)
    assert AgencyCode.parse(str(code.agency)) == code.agency


@settings(deadline=None)
@given(agency_codes)
def test_agency_round_trip(value):
    import re

    assert re.fullmatch(AGENCY_PATTERN, value)  # the JSON Schema pattern agrees
    code = AgencyCode.parse(value)
    assert AgencyCode.parse(str(code)) == code
    assert AgencyCode.parse(value.lower()) == code


@settings(deadline=None)
@given(st.text(max_size=40))
def test_garbage_raises_only_invalid_identifier(text):
    for parse in (AgencyCode.parse, ProcedureCode.parse, DossierCode.parse):
        try:
            parse(text)
        except InvalidIdentifierError as err:
            assert err.field in {"agency_code", "procedure_code", "dossier_code"}


# ---------------------------------------------------------------- pydantic


class Receipt(BaseModel):
    model_config = {"frozen": True, "strict": True}

    code: DossierCode
    procedure: ProcedureCode
    agency: AgencyCode


def test_pydantic_integration():
    receipt = Receipt(
        code="000.00.53.H48-220921-0099", procedure="1.000894", agency="000.00.53.H48"
    )
    assert receipt.code.sequence == 99
    assert Receipt.model_validate_json(receipt.model_dump_json()) == receipt
    assert json.loads(receipt.model_dump_json())["code"] == "000.00.53.H48-220921-0099"
    schema = Receipt.model_json_schema()["properties"]
    assert {schema[k]["type"] for k in schema} == {"string"}
    with pytest.raises(ValidationError, match="not a real date"):
        Receipt(code="000.00.53.H48-220931-0099", procedure="1.000894", agency="H48")


def test_pickle():
    code = DossierCode.parse("000.00.53.H48-220921-0099")
    assert pickle.loads(pickle.dumps(code)) == code  # noqa: S301


# ---------------------------------------------------------------- generator and stores

DAY = date(2026, 3, 2)


def test_generator_sequence_per_agency_and_day():
    gen = DossierCodeGenerator(InMemorySequenceStore())
    assert str(gen.next("000.00.00.H56", DAY)) == "000.00.00.H56-260302-0001"
    assert str(gen.next("000.00.00.H56", DAY)) == "000.00.00.H56-260302-0002"
    assert str(gen.next("H56.14", DAY)) == "H56.14-260302-0001"
    assert str(gen.next("000.00.00.H56", date(2026, 3, 3))) == "000.00.00.H56-260303-0001"
    assert gen.next(AgencyCode("H56.14")).received_on  # defaults to today (Asia/Ho_Chi_Minh)
    assert isinstance(gen.store, SequenceStore)


def test_generator_rejects_bad_input_without_consuming():
    store = InMemorySequenceStore()
    gen = DossierCodeGenerator(store)
    with pytest.raises(InvalidIdentifierError):
        gen.next("H56", date(1999, 1, 1))
    with pytest.raises(InvalidIdentifierError):
        gen.next("not a code", DAY)
    assert store.current("H56", date(1999, 1, 1)) == 0


def test_generator_overflow_in_memory():
    class Full:
        def next_value(self, agency: str, day: date) -> int:
            return 10000

    with pytest.raises(SequenceExhaustedError, match="9999") as info:
        DossierCodeGenerator(Full()).next("H56", DAY)
    assert info.value.code == "dossier_sequence_exhausted"
    assert isinstance(info.value, InvalidIdentifierError)


def test_generator_overflow_sqlite(tmp_path):
    with SqliteSequenceStore(tmp_path / "seq.db") as store:
        gen = DossierCodeGenerator(store)
        gen.next("H56", DAY)
        # another process moves the counter on (through the file, the store's shared state)
        other = sqlite3.connect(tmp_path / "seq.db")
        with other:
            other.execute("UPDATE dossier_sequence SET value = 9998")
        other.close()
        assert gen.next("H56", DAY).sequence == 9999
        with pytest.raises(SequenceExhaustedError):
            gen.next("H56", DAY)
        assert gen.next("H57", DAY).sequence == 1


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_threads_never_share_a_number(kind, tmp_path):
    store = InMemorySequenceStore() if kind == "memory" else SqliteSequenceStore(tmp_path / "s.db")
    gen = DossierCodeGenerator(store)
    per_thread, threads = (100 if kind == "memory" else 40), 8
    issued: list[list[DossierCode]] = [[] for _ in range(threads)]
    barrier = threading.Barrier(threads)

    def work(i: int) -> None:
        barrier.wait()
        for _ in range(per_thread):
            issued[i].append(gen.next("H56.14", DAY))

    workers = [threading.Thread(target=work, args=(i,)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    sequences = sorted(c.sequence for batch in issued for c in batch)
    assert sequences == list(range(1, per_thread * threads + 1))
    for batch in issued:  # each thread sees increasing numbers
        assert [c.sequence for c in batch] == sorted(c.sequence for c in batch)
    assert store.current("H56.14", DAY) == per_thread * threads
    if isinstance(store, SqliteSequenceStore):
        store.close()


WORKER = """
import sys
from datetime import date
from onestop.models import DossierCodeGenerator, SqliteSequenceStore
# durable=False only skips fsync; the locking under test is the same
gen = DossierCodeGenerator(SqliteSequenceStore(sys.argv[1], durable=False))
sys.stdin.readline()  # start together
for _ in range(int(sys.argv[2])):
    print(gen.next("000.00.00.H29", date(2026, 3, 2)))
"""


def test_processes_never_share_a_number(tmp_path):
    path = str(tmp_path / "shared.db")
    SqliteSequenceStore(path).close()
    n_proc, per_proc = 4, 75
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, path, str(per_proc)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        for _ in range(n_proc)
    ]
    for p in procs:
        assert p.stdin is not None
        p.stdin.write("go\n")
        p.stdin.flush()
    outputs = [p.communicate(timeout=120)[0] for p in procs]
    assert all(p.returncode == 0 for p in procs)
    codes = [DossierCode.parse(line) for out in outputs for line in out.split()]
    assert len(codes) == n_proc * per_proc
    assert sorted(c.sequence for c in codes) == list(range(1, n_proc * per_proc + 1))
    # every process got some of the numbers: the runs really interleaved or at least shared
    assert all(len(out.split()) == per_proc for out in outputs)


def test_sqlite_store_persists(tmp_path):
    path = tmp_path / "p.db"
    with SqliteSequenceStore(path) as store:
        assert store.next_value("H56", DAY) == 1
        assert store.path == path
    with SqliteSequenceStore(path) as store:
        assert store.next_value("H56", DAY) == 2
        assert store.current("H56", DAY) == 2
        assert store.current("H57", DAY) == 0


def test_sqlite_store_bad_path(tmp_path):
    with pytest.raises(ConfigurationError) as info:
        SqliteSequenceStore(tmp_path / "missing-dir" / "seq.db")
    assert info.value.field == "path"


def test_sqlite_store_closes_connections_of_finished_threads(tmp_path):
    store = SqliteSequenceStore(tmp_path / "t.db")
    for _ in range(20):
        t = threading.Thread(target=store.next_value, args=("H56", DAY))
        t.start()
        t.join()
    assert len(store._connections) <= 2  # this thread's and at most the last worker's
    assert store.current("H56", DAY) == 20
    store.close()
    assert store._connections == {}
    assert store.next_value("H56", DAY) == 21  # usable again after close
    store.close()


def test_generator_counts_a_datetime_for_its_date():
    from datetime import datetime

    gen = DossierCodeGenerator(InMemorySequenceStore())
    first = gen.next("H56", datetime(2026, 3, 2, 8, 0))
    second = gen.next("H56", datetime(2026, 3, 2, 15, 30))
    assert (first.sequence, second.sequence) == (1, 2)
    assert type(second.received_on) is date


@pytest.mark.parametrize(("durable", "level"), [(True, 2), (False, 1)])  # FULL=2, NORMAL=1
def test_sqlite_store_durability_setting(tmp_path, durable, level):
    with SqliteSequenceStore(tmp_path / "d.db", durable=durable) as store:
        assert store._connection().execute("PRAGMA synchronous").fetchone()[0] == level
        assert store._connection().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert store.next_value("H56", DAY) == 1


def test_sqlite_store_rolls_back_a_failed_increment(tmp_path):
    class BadDay(date):
        def isoformat(self) -> str:
            raise RuntimeError("boom")

    with SqliteSequenceStore(tmp_path / "r.db") as store:
        with pytest.raises(RuntimeError):
            store.next_value("H56", BadDay(2026, 3, 2))
        assert store.next_value("H56", DAY) == 1  # no transaction left open


@pytest.mark.skipif(not hasattr(__import__("os"), "fork"), reason="needs fork")
def test_sqlite_store_survives_fork(tmp_path):
    import os

    store = SqliteSequenceStore(tmp_path / "f.db")
    assert store.next_value("H56", DAY) == 1
    pid = os.fork()
    if pid == 0:  # child: must open its own connection and lock
        try:
            ok = store.next_value("H56", DAY) == 2
        except BaseException:
            ok = False
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert store.next_value("H56", DAY) == 3
    store.close()


def test_authority_value_semantics():
    a = AgencyCode("H56.14").authority
    assert a == AgencyCode("000.00.00.H56").authority
    assert a != AgencyCode("H57").authority
    assert a != "H56"
    assert len({a, AgencyCode("H56").authority}) == 1
    assert "H56" in repr(a)
    with pytest.raises(AttributeError):
        a.name = "x"  # type: ignore[misc]


def test_json_schema_validates_with_jsonschema():
    jsonschema = pytest.importorskip("jsonschema")
    schema = Receipt.model_json_schema()
    good = json.loads(
        Receipt(
            code="H15.50.05.13-260301-0001", procedure="1.000948.H38", agency="H56.14"
        ).model_dump_json()
    )
    jsonschema.validate(good, schema)
    for field, bad in [
        ("code", "H15-260301-1"),
        ("agency", "H56." + "1" * 40),
        ("procedure", "1000894"),
    ]:
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate({**good, field: bad}, schema)


def test_sqlite_store_lock_timeout_is_a_storage_error(tmp_path):
    import sqlite3

    from onestop.errors import StorageError
    from onestop.models import SqliteSequenceStore

    path = tmp_path / "seq.sqlite"
    store = SqliteSequenceStore(path, timeout=0.05)
    assert store.next_value("H56", date(2026, 1, 5)) == 1
    blocker = sqlite3.connect(path, isolation_level=None)
    blocker.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(StorageError) as info:
            store.next_value("H56", date(2026, 1, 5))
        assert info.value.field == "store"
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    # Nothing was issued while locked: the next number follows the last one.
    assert store.next_value("H56", date(2026, 1, 5)) == 2
    store.close()


def test_generator_counts_an_aware_datetime_for_its_date_in_vietnam():
    from datetime import datetime, timedelta, timezone

    gen = DossierCodeGenerator(InMemorySequenceStore())
    # 20:00 UTC on 2 March is 03:00 on 3 March in Asia/Ho_Chi_Minh (UTC+7).
    late_utc = gen.next("H56", datetime(2026, 3, 2, 20, 0, tzinfo=UTC))
    assert late_utc.received_on == date(2026, 3, 3)
    assert str(late_utc) == "H56-260303-0001"
    early_vn = gen.next("H56", datetime(2026, 3, 3, 8, 0, tzinfo=timezone(timedelta(hours=7))))
    assert (early_vn.received_on, early_vn.sequence) == (date(2026, 3, 3), 2)


def test_generator_checks_the_year_in_vietnam_time():
    """Issue 9: the year range is checked after conversion to Vietnam time."""
    from datetime import datetime, timedelta, timezone

    store = InMemorySequenceStore()
    gen = DossierCodeGenerator(store)
    # 20:00 UTC on 31 Dec 2099 is already 1 January 2100 in Asia/Ho_Chi_Minh: no YYMMDD
    # for it (the code would read 000101, i.e. 2000).
    with pytest.raises(InvalidIdentifierError, match="2000–2099") as info:
        gen.next("H56", datetime(2099, 12, 31, 20, 0, tzinfo=UTC))
    assert info.value.field == "received_on"
    assert store.current("H56", date(2100, 1, 1)) == 0  # nothing issued
    # 1 Jan 2000 at 01:00 in Hà Nội is 31 Dec 1999 18:00 UTC: a valid receipt date
    first = gen.next("H56", datetime(1999, 12, 31, 18, 0, tzinfo=UTC))
    assert str(first) == "H56-000101-0001"
    for extreme in (
        datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-12))),
        datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=7))),
    ):
        with pytest.raises(InvalidIdentifierError, match="2000–2099"):
            gen.next("H56", extreme)


class _Returns:
    """A sequence store that returns a fixed (possibly invalid) value."""

    def __init__(self, value: object) -> None:
        self.value = value

    def next_value(self, agency: str, day: date) -> int:
        return self.value  # type: ignore[return-value]


@pytest.mark.parametrize("value", [-5, 0, "7", 7.0, None, True, b"1"])
def test_generator_checks_what_the_store_returns(value):
    """Issue 9: a store returning -5, 0 or "7" gave -0005/0000 codes or a bare TypeError."""
    with pytest.raises(StorageError, match=r"store: _Returns\.next_value returned") as info:
        DossierCodeGenerator(_Returns(value)).next("H56", DAY)
    assert info.value.field == "store"
    assert info.value.code == "storage_error"


def test_generator_accepts_integer_types_of_other_libraries():
    import numpy as np

    code = DossierCodeGenerator(_Returns(np.int64(42))).next("H56", DAY)
    assert str(code) == "H56-260302-0042"
    assert type(code.sequence) is int


@settings(deadline=None)
@given(st.integers(0, 9), st.integers(0, 999_999), st.one_of(st.none(), agency_codes))
def test_procedure_round_trip(head, number, agency):
    national = f"{head}.{number:06d}"
    text = national if agency is None else f"{national}.{agency.lower()}"
    code = ProcedureCode.parse(text)
    assert ProcedureCode.parse(str(code)) == code
    assert code.national == national
    assert code.is_localized is (agency is not None)
    if agency is None:
        assert code.agency is None and code.national_code() is code
    else:
        assert code.agency == AgencyCode(agency)
        assert str(code) == f"{national}.{AgencyCode(agency)}"
        assert code.national_code() == ProcedureCode(national)
        assert ProcedureCode(national).localize(agency) == code
