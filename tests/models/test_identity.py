"""CitizenId (CCCD), LegacyId (CMND) and TaxCode (MST)."""

from __future__ import annotations

import copy
import json
import pickle
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel, ConfigDict, TypeAdapter, ValidationError
from stdnum.vn import mst as stdnum_mst

from onestop.errors import InvalidIdentifierError
from onestop.models import CitizenId, LegacyId, TaxCode, predecessor_provinces, provinces
from onestop.models._identity import mst_check_digit
from onestop.testing.strategies import citizen_ids

TODAY = date(2026, 11, 28)

# ---------------------------------------------------------------- CitizenId

# Layout of TT 07/2016/TT-BCA Art. 7 (PPP G YY NNNNNN); the serials are made up.
CCCD_VALID = [
    # value, province, sex, century, birth year
    ("001099012345", "Hà Nội", "male", 1900, 1999),
    ("079203001234", "Hồ Chí Minh", "male", 2000, 2003),
    ("079303001234", "Hồ Chí Minh", "female", 2000, 2003),
    ("038185000001", "Thanh Hóa", "female", 1900, 1985),
    ("096226999999", "Cà Mau", "male", 2000, 2026),
    ("046100000000", "Thừa Thiên Huế", "female", 1900, 1900),
]

CCCD_INVALID = [
    ("07920300123", "11 characters"),
    ("0792030012345", "13 characters"),
    ("07920300123a", "not a digit"),
    ("０７９２０３００１２３４", "not a digit"),  # full-width digits
    ("000203001234", "'000' is not the birth-registration code"),
    ("003203001234", "'003' is not the birth-registration code"),
    ("097203001234", "'097' is not the birth-registration code"),
    ("079227001234", "birth year 2027 is in the future"),
    ("079499001234", "birth year 2199 is in the future"),
    ("", "0 characters"),
]


@pytest.mark.parametrize(("value", "province", "sex", "century", "year"), CCCD_VALID)
def test_citizen_id_golden(value, province, sex, century, year):
    cid = CitizenId.parse(value, today=TODAY)
    assert str(cid) == value
    assert cid.province.name_vi == province
    assert cid.province_code == value[:3]
    assert cid.sex == sex
    assert cid.century == century
    assert cid.birth_year == year
    assert cid.serial == value[6:]
    assert cid.current_province.era == "2025"
    assert cid.province in predecessor_provinces(cid.current_province)


@pytest.mark.parametrize(("value", "reason"), CCCD_INVALID)
def test_citizen_id_invalid(value, reason):
    with pytest.raises(InvalidIdentifierError) as info:
        CitizenId.parse(value, today=TODAY)
    err = info.value
    assert err.field == "citizen_id"
    assert reason in err.message
    assert "expected 12 digits" in err.message
    if len(value) > 8:
        assert value not in err.message  # masked


def test_citizen_id_today_matters():
    assert CitizenId.parse("079226001234", today=date(2026, 1, 1)).birth_year == 2026
    with pytest.raises(InvalidIdentifierError):
        CitizenId.parse("079226001234", today=date(2025, 12, 31))


def test_citizen_id_whitespace_and_masking():
    cid = CitizenId.parse("  079203001234\n", today=TODAY)
    assert str(cid) == "079203001234"
    assert "079203001234" not in repr(cid)
    assert cid.masked() == "0792******34"


def test_citizen_id_non_string():
    with pytest.raises(InvalidIdentifierError, match="not a string"):
        CitizenId.parse(79203001234)  # type: ignore[arg-type]


@settings(deadline=None)
@given(citizen_ids(today=TODAY))  # every province code, born 1900 to TODAY's year
def test_citizen_id_round_trip(value):
    cid = CitizenId.parse(value, today=TODAY)
    assert CitizenId.parse(str(cid), today=TODAY) == cid
    assert hash(cid) == hash(CitizenId.parse(value, today=TODAY))
    digit = int(value[3])
    assert cid.birth_year == (1900 if digit < 2 else 2000) + int(value[4:6])
    assert cid.sex == ("male" if digit % 2 == 0 else "female")
    assert cid.province.cccd_code == value[:3]


@settings(deadline=None)
@given(st.text(max_size=20))
def test_garbage_raises_only_invalid_identifier(text):
    for parse in (
        lambda v: CitizenId.parse(v, today=TODAY),
        LegacyId.parse,
        lambda v: TaxCode.parse(v, today=TODAY),
    ):
        try:
            parse(text)
        except InvalidIdentifierError as err:
            assert err.field in {"citizen_id", "legacy_id", "tax_code"}


# ---------------------------------------------------------------- LegacyId


def test_legacy_id():
    assert str(LegacyId.parse(" 123456789 ")) == "123456789"
    assert LegacyId("123456789") == LegacyId.parse("123456789")
    for bad in ("12345678", "1234567890", "12345678x", "１２３４５６７８９"):
        with pytest.raises(InvalidIdentifierError) as info:
            LegacyId.parse(bad)
        assert info.value.field == "legacy_id"
        assert bad not in info.value.message


# ---------------------------------------------------------------- TaxCode

# MSTs of well-known enterprises (printed on their invoices and in the national business
# registry) and the examples of python-stdnum's documentation.
MST_VALID = [
    ("0100109106", "0100109106", "base", None),  # Viettel (Tập đoàn Viễn thông Quân đội)
    ("0100112437", "0100112437", "base", None),  # Vietcombank
    ("0300588569", "0300588569", "base", None),  # Vinamilk
    ("0101248141", "0101248141", "base", None),  # Công ty Cổ phần FPT
    ("0100233488", "0100233488", "base", None),  # python-stdnum example
    ("0100109106-001", "0100109106-001", "branch", "001"),
    ("0100109106001", "0100109106-001", "branch", "001"),
    ("0100109106 - 001", "0100109106-001", "branch", "001"),
    ("0314409058-002", "0314409058-002", "branch", "002"),  # python-stdnum example
    (" 0300588569-999 ", "0300588569-999", "branch", "999"),
]

MST_INVALID = [
    ("0100109107", "check digit"),
    ("0100233480", "check digit"),  # python-stdnum's invalid example
    ("0100000000", "must not all be zero"),
    ("0100109106-000", "001–999"),
    ("010010910", "9 digits"),
    ("01001091061", "11 digits"),
    ("0100-109106", "only allowed"),
    ("01.00.109.106", "character other than digits"),
    ("0100109106-00a", "character other than digits"),
    ("079299001234", "personal ID"),  # 12 digits but birth year 2099 in the future
    ("000203001234", "personal ID"),
    ("079 203 001 234", "without separators"),
]


@pytest.mark.parametrize(("value", "canonical", "kind", "branch"), MST_VALID)
def test_tax_code_golden(value, canonical, kind, branch):
    tax = TaxCode.parse(value)
    assert str(tax) == canonical
    assert tax.kind == kind
    assert tax.base == canonical[:10]
    assert tax.branch == branch
    assert tax.citizen_id is None
    assert stdnum_mst.is_valid(value.strip().replace(" ", ""))
    if kind == "branch":
        assert tax.parent == TaxCode.parse(canonical[:10])
        assert tax.compact == canonical.replace("-", "")
    else:
        assert tax.parent is None


@pytest.mark.parametrize(("value", "reason"), MST_INVALID)
def test_tax_code_invalid(value, reason):
    with pytest.raises(InvalidIdentifierError) as info:
        TaxCode.parse(value, today=TODAY)
    assert info.value.field == "tax_code"
    assert reason in info.value.message
    assert value.strip() not in info.value.message.split("; expected")[0]  # masked


def test_tax_code_personal_id():
    # From 1 July 2025 the 12-digit personal ID is the MST of individuals (TT 86/2024/TT-BTC).
    tax = TaxCode.parse("079203001234", today=TODAY)
    assert tax.kind == "citizen_id"
    assert tax.base is None
    assert tax.branch is None
    assert tax.citizen_id == CitizenId.parse("079203001234", today=TODAY)
    assert str(tax) == "079203001234"
    assert "079203001234" not in repr(tax)


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_check_digit_matches_stdnum(nine):
    ours = mst_check_digit(nine)
    theirs = stdnum_mst.calc_check_digit(nine)
    assert (ours is None) == (theirs == "10")
    if ours is not None:
        assert str(ours) == theirs


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 999))
def test_validity_matches_stdnum(ten, branch):
    for value in (ten, f"{ten}{branch:03d}", f"{ten}-{branch:03d}"):
        try:
            TaxCode.parse(value)
            ours = True
        except InvalidIdentifierError:
            ours = False
        assert ours == stdnum_mst.is_valid(value), value


@settings(deadline=None)
@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(1, 999))
def test_tax_code_round_trip(nine, branch):
    check = mst_check_digit(nine)
    if check is None or nine[2:] == "0000000":
        return
    base = TaxCode.parse(f"{nine}{check}")
    assert TaxCode.parse(str(base)) == base
    br = TaxCode.parse(f"{nine}{check}{branch:03d}")
    assert TaxCode.parse(str(br)) == br
    assert br.parent == base
    assert br != base


# ---------------------------------------------------------------- value semantics and pydantic


def test_value_semantics():
    tax = TaxCode.parse("0100109106001")
    assert tax == TaxCode.parse("0100109106-001")
    assert tax != "0100109106-001"
    assert pickle.loads(pickle.dumps(tax)) == tax  # noqa: S301
    assert copy.deepcopy(tax) is tax
    assert copy.copy(tax) is tax
    assert tax.masked() == "0100********01"
    assert LegacyId("123456789").masked() == "12*****89"
    assert sorted([TaxCode("0300588569"), TaxCode("0100109106")])[0] == TaxCode("0100109106")
    assert TaxCode("0300588569") >= TaxCode("0100109106")
    with pytest.raises(TypeError):
        _ = TaxCode("0300588569") < "0100109106"
    with pytest.raises(AttributeError):
        tax._value = "x"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del tax._value
    assert CitizenId.parse("079203001234", today=TODAY) != LegacyId.parse("079203001")


class Person(BaseModel):
    model_config = ConfigDict(frozen=True, strict=True)

    citizen_id: CitizenId
    tax_code: TaxCode | None = None
    legacy_id: LegacyId | None = None


def test_pydantic_round_trip_and_serialization():
    person = Person(citizen_id="079203001234", tax_code="0100109106001", legacy_id="123456789")
    assert isinstance(person.citizen_id, CitizenId)
    dumped = person.model_dump()
    assert dumped == {
        "citizen_id": "079203001234",
        "tax_code": "0100109106-001",
        "legacy_id": "123456789",
    }
    assert Person.model_validate_json(person.model_dump_json()) == person
    assert Person(citizen_id=person.citizen_id) == Person(citizen_id="079203001234")


def test_pydantic_errors_carry_the_reason():
    with pytest.raises(ValidationError) as info:
        Person(citizen_id="079203001234", tax_code="0100109107")
    text = str(info.value)
    assert "check digit" in text
    assert "tax_code" in text
    with pytest.raises(ValidationError, match="not a string"):
        Person(citizen_id=79203001234)


def test_json_schema():
    schema = Person.model_json_schema()
    for field in ("citizen_id", "tax_code", "legacy_id"):
        prop = schema["properties"][field]
        if "anyOf" in prop:
            prop = prop["anyOf"][0]
        assert prop["type"] == "string"
        assert prop["pattern"]
        assert prop["description"]
    json.dumps(schema)


def test_json_schema_pattern_agrees_with_parser():
    import re

    pattern = re.compile(Person.model_json_schema()["properties"]["citizen_id"]["pattern"])
    assert pattern.match("079203001234")
    assert not pattern.match("07920300123")
    tax_pattern = TypeAdapter(TaxCode).json_schema()["pattern"]
    for value, *_ in MST_VALID:
        assert re.match(tax_pattern, value), value


def test_docs_examples_run():
    import pathlib
    import re

    doc = pathlib.Path(__file__).parents[2] / "docs" / "identifiers.md"
    if not doc.exists():
        pytest.skip("docs not shipped in this distribution")
    blocks = re.findall(r"```python\n(.*?)```", doc.read_text(encoding="utf-8"), re.S)
    assert len(blocks) >= 4
    for i, block in enumerate(blocks):
        exec(compile(block, f"identifiers.md[{i}]", "exec"), {})  # noqa: S102


@settings(deadline=None)
@given(
    st.sampled_from(provinces("2008")),
    st.sampled_from(["male", "female"]),
    st.integers(1900, TODAY.year),
    st.integers(0, 999_999),
)
def test_citizen_id_build_round_trip(province, sex, year, serial):
    cid = CitizenId.build(province=province, sex=sex, birth_year=year, serial=serial, today=TODAY)
    assert (cid.province, cid.sex, cid.birth_year, int(cid.serial)) == (province, sex, year, serial)
    assert CitizenId.parse(str(cid), today=TODAY) == cid
    again = CitizenId.build(
        province=province.agency_code, sex=sex, birth_year=year, serial=serial, today=TODAY
    )
    assert again == cid


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"province": "99"}, "province_code"),
        ({"province": provinces("2025")[0]}, "province"),
        ({"sex": "x"}, "sex"),
        ({"birth_year": 1899}, "birth_year"),
        ({"birth_year": 2400}, "birth_year"),
        ({"birth_year": 2030}, "citizen_id"),  # in the future
        ({"serial": 1_000_000}, "serial"),
        ({"serial": -1}, "serial"),
    ],
)
def test_citizen_id_build_invalid(kwargs, field):
    args = {"province": "79", "sex": "male", "birth_year": 2003, "serial": 1234} | kwargs
    with pytest.raises(InvalidIdentifierError) as info:
        CitizenId.build(**args, today=TODAY)
    assert info.value.field == field


def test_tax_code_build():
    assert TaxCode.build("010010910") == TaxCode("0100109106")
    assert str(TaxCode.build("010010910", branch=1)) == "0100109106-001"
    for bad, kwargs in [("01001091", {}), ("01001091x", {}), ("010010910", {"branch": 0})]:
        with pytest.raises(InvalidIdentifierError):
            TaxCode.build(bad, **kwargs)
    # a prefix with no possible check digit (weighted sum divisible by 11)
    impossible = next(
        f"{n:09d}" for n in range(10**8, 10**9) if mst_check_digit(f"{n:09d}") is None
    )
    with pytest.raises(InvalidIdentifierError, match="no check digit"):
        TaxCode.build(impossible)
