"""Province tables: the 63 provinces of 2008–2025, the 34 of 2025 and the mapping between them."""

from __future__ import annotations

import copy
import pickle

import pytest

from onestop.errors import InvalidIdentifierError
from onestop.models import (
    Province,
    predecessor_provinces,
    province_by_code,
    provinces,
    successor_province,
)

# GSO codes (QĐ 124/2004/QĐ-TTg, after NQ 15/2008/QH12) as printed in CCCD numbers:
# a sample across the table, including the non-contiguous ends.
CCCD_GOLDEN = {
    "001": "Hà Nội",
    "002": "Hà Giang",
    "004": "Cao Bằng",
    "010": "Lào Cai",
    "031": "Hải Phòng",
    "038": "Thanh Hóa",
    "040": "Nghệ An",
    "046": "Thừa Thiên Huế",
    "048": "Đà Nẵng",
    "068": "Lâm Đồng",
    "075": "Đồng Nai",
    "077": "Bà Rịa - Vũng Tàu",
    "079": "Hồ Chí Minh",
    "080": "Long An",
    "092": "Cần Thơ",
    "096": "Cà Mau",
}

# NQ 202/2025/QH15: the 11 provinces left unchanged.
UNCHANGED_2025 = {
    "Hà Nội",
    "Huế",
    "Lai Châu",
    "Điện Biên",
    "Sơn La",
    "Lạng Sơn",
    "Quảng Ninh",
    "Thanh Hóa",
    "Nghệ An",
    "Hà Tĩnh",
    "Cao Bằng",
}

# NQ 202/2025/QH15: merged provinces, kept name first.
MERGED_2025 = {
    "Tuyên Quang": {"Tuyên Quang", "Hà Giang"},
    "Lào Cai": {"Lào Cai", "Yên Bái"},
    "Thái Nguyên": {"Thái Nguyên", "Bắc Kạn"},
    "Phú Thọ": {"Phú Thọ", "Vĩnh Phúc", "Hòa Bình"},
    "Bắc Ninh": {"Bắc Ninh", "Bắc Giang"},
    "Hưng Yên": {"Hưng Yên", "Thái Bình"},
    "Hải Phòng": {"Hải Phòng", "Hải Dương"},
    "Ninh Bình": {"Ninh Bình", "Hà Nam", "Nam Định"},
    "Quảng Trị": {"Quảng Trị", "Quảng Bình"},
    "Đà Nẵng": {"Đà Nẵng", "Quảng Nam"},
    "Quảng Ngãi": {"Quảng Ngãi", "Kon Tum"},
    "Gia Lai": {"Gia Lai", "Bình Định"},
    "Khánh Hòa": {"Khánh Hòa", "Ninh Thuận"},
    "Lâm Đồng": {"Lâm Đồng", "Đắk Nông", "Bình Thuận"},
    "Đắk Lắk": {"Đắk Lắk", "Phú Yên"},
    "Hồ Chí Minh": {"Hồ Chí Minh", "Bình Dương", "Bà Rịa - Vũng Tàu"},
    "Đồng Nai": {"Đồng Nai", "Bình Phước"},
    "Tây Ninh": {"Tây Ninh", "Long An"},
    "Cần Thơ": {"Cần Thơ", "Sóc Trăng", "Hậu Giang"},
    "Vĩnh Long": {"Vĩnh Long", "Bến Tre", "Trà Vinh"},
    "Đồng Tháp": {"Đồng Tháp", "Tiền Giang"},
    "Cà Mau": {"Cà Mau", "Bạc Liêu"},
    "An Giang": {"An Giang", "Kiên Giang"},
}

# H-codes seen on official portals or in their URLs (docs/identifiers.md).
CONFIRMED_H = {
    "H29": "Hồ Chí Minh",
    "H38": "Lào Cai",
    "H41": "Nghệ An",
    "H48": "Quảng Ngãi",
    "H49": "Quảng Ninh",  # QĐ 3739/QĐ-UBND (Quảng Ninh, 2016)
    "H54": "Thái Bình",  # QĐ 3982/QĐ-UBND (Thái Bình, 2016), thaibinh.gov.vn
    "H55": "Thái Nguyên",
    "H56": "Thanh Hóa",
    "H57": "Thừa Thiên Huế",
}


def test_counts_and_unique_codes():
    old, new = provinces("2008"), provinces("2025")
    assert len(old) == 63
    assert len(new) == 34
    for table in (old, new):
        assert len({p.code for p in table}) == len(table)
        assert len({p.agency_code for p in table}) == len(table)
        assert [p.code for p in table] == sorted(p.code for p in table)
    assert provinces() == new


@pytest.mark.parametrize(("cccd", "name"), sorted(CCCD_GOLDEN.items()))
def test_cccd_codes(cccd, name):
    province = province_by_code(cccd, era="2008")
    assert province.name_vi == name
    assert province.cccd_code == cccd
    assert province_by_code(cccd[1:], era="2008") is province


def test_h_codes_follow_ascii_alphabetical_order():
    # The table's H-codes are the 63 names sorted without diacritics ("Ho Chi Minh" < "Hoa Binh").
    by_name = sorted(provinces("2008"), key=lambda p: p.name_ascii)
    assert [p.agency_code for p in by_name] == [f"H{i:02d}" for i in range(1, 64)]


@pytest.mark.parametrize(("code", "name"), sorted(CONFIRMED_H.items()))
def test_confirmed_h_codes(code, name):
    province = province_by_code(code, era="2008")
    assert province.name_vi == name
    assert province.agency_code_confirmed


def test_unconfirmed_h_codes_are_marked():
    unconfirmed = [p for p in provinces("2008") if not p.agency_code_confirmed]
    assert len(unconfirmed) == 63 - len(CONFIRMED_H)
    disputed = {p.name_vi for p in provinces("2008") if p.agency_code_note}
    assert "Hà Tĩnh" in disputed  # its portal says H27, the table H25
    assert all(not p.agency_code_confirmed for p in provinces("2008") if p.agency_code_note)
    assert province_by_code("79").agency_code_note is None


def test_2025_composition_matches_nq_202():
    composition = {p.name_vi: {q.name_vi for q in predecessor_provinces(p)} for p in provinces()}
    expected = {name: {name} for name in UNCHANGED_2025} | MERGED_2025
    expected["Huế"] = {"Thừa Thiên Huế"}
    assert composition == expected


def test_predecessors_partition_the_63():
    seen = [q for p in provinces() for q in predecessor_provinces(p)]
    assert sorted(q.code for q in seen) == sorted(p.code for p in provinces("2008"))


@pytest.mark.parametrize("new", provinces("2025"), ids=lambda p: p.name_ascii)
def test_kept_name_keeps_h_code(new):
    # QĐ 09/2025/QĐ-TTg: the merged province keeps the code of the province whose name it keeps.
    kept = predecessor_provinces(new)[0]
    assert kept.agency_code == new.agency_code
    assert new.name_vi in kept.name_vi
    for old in predecessor_provinces(new):
        assert successor_province(old) is new
        assert successor_province(old.agency_code) is new


def test_examples_of_successor():
    assert successor_province("80").name_vi == "Tây Ninh"  # Long An
    assert successor_province("H09").name_vi == "Hồ Chí Minh"  # Bình Dương
    assert successor_province("010").code == "15"  # Lào Cai takes Yên Bái's GSO code
    new = province_by_code("79")
    assert successor_province(new) is new


def test_cross_check_with_vietnam_provinces_package():
    vp = pytest.importorskip("vietnam_provinces")
    theirs = {f"{int(p.code):02d}": p for p in vp.Province.iter_all()}
    ours = {p.code: p for p in provinces("2025")}
    assert set(theirs) == set(ours)
    for code, province in ours.items():
        their_name = theirs[code].name.removeprefix("Thành phố ").removeprefix("Tỉnh ")
        assert their_name == province.name_vi, code
        is_city = theirs[code].division_type.value == "thành phố trung ương"
        assert is_city == (province.kind == "municipality"), code


def test_names():
    hcm = province_by_code("79")
    assert hcm.full_name_vi == "Thành phố Hồ Chí Minh"
    assert hcm.name_en == "Ho Chi Minh City"
    assert province_by_code("66").name_ascii == "Dak Lak"
    assert str(province_by_code("38")) == "Tỉnh Thanh Hóa"


@pytest.mark.parametrize(
    ("code", "era"),
    [
        ("99", "2025"),
        ("080", "2025"),
        ("H39", "2025"),
        ("", "2008"),
        ("H64", "2008"),
        ("7", "2025"),
    ],
)
def test_unknown_codes(code, era):
    with pytest.raises(InvalidIdentifierError) as info:
        province_by_code(code, era=era)
    assert info.value.field == "province_code"
    assert "expected" in info.value.message


def test_bad_era_and_types():
    with pytest.raises(InvalidIdentifierError):
        provinces("1976")  # type: ignore[arg-type]
    with pytest.raises(InvalidIdentifierError):
        province_by_code(79)  # type: ignore[arg-type]
    with pytest.raises(InvalidIdentifierError):
        predecessor_provinces(province_by_code("80", era="2008"))


def test_value_semantics():
    hcm = province_by_code("79")
    assert pickle.loads(pickle.dumps(hcm)) is hcm  # noqa: S301
    assert copy.deepcopy(hcm) == hcm
    assert hcm != province_by_code("79", era="2008")
    assert len({hcm, province_by_code("H29")}) == 1
    with pytest.raises(AttributeError):
        hcm.code = "01"  # type: ignore[misc]
    with pytest.raises(AttributeError):
        del hcm.code
    assert hcm != "79"
    assert repr(hcm) == "Province(era='2025', code='79', name_vi='Hồ Chí Minh')"
    assert isinstance(hcm, Province)


def test_new_codes_come_from_a_member_province():
    # QĐ 19/2025/QĐ-TTg gives each new province the code of one of the provinces it merged
    # (the one holding its seat): an independent check of the NQ 202/2025 composition.
    for new in provinces("2025"):
        assert new.code in {old.code for old in predecessor_provinces(new)}, new.name_vi
