"""Province tables: the 63 provinces of 2008–2025 and the 34 provinces from 1 July 2025.

Data only. Sources:

* GSO 2-digit codes of the 63 provinces: Quyết định 124/2004/QĐ-TTg (Danh mục và mã số các
  đơn vị hành chính Việt Nam) as updated after Nghị quyết 15/2008/QH12 (Hà Tây merged into
  Hà Nội, 1 August 2008). The CCCD birth-registration code is ``"0"`` + this code
  (Thông tư 07/2016/TT-BCA Art. 7, carried over by Thông tư 59/2021/TT-BCA).
* The 34 provinces from 1 July 2025 and which pre-2025 provinces each absorbed: Nghị quyết
  202/2025/QH15 (sắp xếp đơn vị hành chính cấp tỉnh). Their 2-digit codes follow Quyết định
  19/2025/QĐ-TTg (bảng danh mục và mã số đơn vị hành chính) and were cross-checked against the
  ``vietnam-provinces`` package, data of 18 October 2025 (tests/models/test_provinces.py).
* H-codes (Mã cấp 1 of the UBND tỉnh, QCVN 102:2016/BTTTT of Thông tư 10/2016/TT-BTTTT, kept
  by Quyết định 20/2020/QĐ-TTg): the 63 provinces in ASCII-alphabetical order. ``confirmed``
  marks codes seen in an official source or on a portal; the others are inferred from that
  order, and the codes in :data:`DISPUTED_H` contradict a source (see docs/identifiers.md).
  Under Quyết định 09/2025/QĐ-TTg a merged province keeps the H-code of the pre-merger
  province whose name it keeps; the others close.
"""

from __future__ import annotations

#: 63 provinces (1 Aug 2008 – 30 Jun 2025):
#: (GSO code, H-code, H-code confirmed, kind, short Vietnamese name, 2025 successor GSO code).
#: kind: "tp" = thành phố trực thuộc trung ương, "tinh" = tỉnh.
PROVINCES_2008: tuple[tuple[str, str, bool, str, str, str], ...] = (
    ("01", "H24", False, "tp", "Hà Nội", "01"),
    ("02", "H22", False, "tinh", "Hà Giang", "08"),
    ("04", "H14", False, "tinh", "Cao Bằng", "04"),
    ("06", "H04", False, "tinh", "Bắc Kạn", "19"),
    ("08", "H60", False, "tinh", "Tuyên Quang", "08"),
    ("10", "H38", True, "tinh", "Lào Cai", "15"),
    ("11", "H18", False, "tinh", "Điện Biên", "11"),
    ("12", "H35", False, "tinh", "Lai Châu", "12"),
    ("14", "H52", False, "tinh", "Sơn La", "14"),
    ("15", "H63", False, "tinh", "Yên Bái", "15"),
    ("17", "H30", False, "tinh", "Hòa Bình", "25"),
    ("19", "H55", True, "tinh", "Thái Nguyên", "19"),
    ("20", "H37", False, "tinh", "Lạng Sơn", "20"),
    ("22", "H49", True, "tinh", "Quảng Ninh", "22"),
    ("24", "H03", False, "tinh", "Bắc Giang", "24"),
    ("25", "H44", False, "tinh", "Phú Thọ", "25"),
    ("26", "H62", False, "tinh", "Vĩnh Phúc", "25"),
    ("27", "H06", False, "tinh", "Bắc Ninh", "24"),
    ("30", "H26", False, "tinh", "Hải Dương", "31"),
    ("31", "H27", False, "tp", "Hải Phòng", "31"),
    ("33", "H31", False, "tinh", "Hưng Yên", "33"),
    ("34", "H54", True, "tinh", "Thái Bình", "33"),
    ("35", "H23", False, "tinh", "Hà Nam", "37"),
    ("36", "H40", False, "tinh", "Nam Định", "37"),
    ("37", "H42", False, "tinh", "Ninh Bình", "37"),
    ("38", "H56", True, "tinh", "Thanh Hóa", "38"),
    ("40", "H41", True, "tinh", "Nghệ An", "40"),
    ("42", "H25", False, "tinh", "Hà Tĩnh", "42"),
    ("44", "H46", False, "tinh", "Quảng Bình", "44"),
    ("45", "H50", False, "tinh", "Quảng Trị", "44"),
    ("46", "H57", True, "tinh", "Thừa Thiên Huế", "46"),
    ("48", "H15", False, "tp", "Đà Nẵng", "48"),
    ("49", "H47", False, "tinh", "Quảng Nam", "48"),
    ("51", "H48", True, "tinh", "Quảng Ngãi", "51"),
    ("52", "H08", False, "tinh", "Bình Định", "52"),
    ("54", "H45", False, "tinh", "Phú Yên", "66"),
    ("56", "H32", False, "tinh", "Khánh Hòa", "56"),
    ("58", "H43", False, "tinh", "Ninh Thuận", "56"),
    ("60", "H11", False, "tinh", "Bình Thuận", "68"),
    ("62", "H34", False, "tinh", "Kon Tum", "51"),
    ("64", "H21", False, "tinh", "Gia Lai", "52"),
    ("66", "H16", False, "tinh", "Đắk Lắk", "66"),
    ("67", "H17", False, "tinh", "Đắk Nông", "68"),
    ("68", "H36", False, "tinh", "Lâm Đồng", "68"),
    ("70", "H10", False, "tinh", "Bình Phước", "75"),
    ("72", "H53", False, "tinh", "Tây Ninh", "80"),
    ("74", "H09", False, "tinh", "Bình Dương", "79"),
    ("75", "H19", False, "tinh", "Đồng Nai", "75"),
    ("77", "H02", False, "tinh", "Bà Rịa - Vũng Tàu", "79"),
    ("79", "H29", True, "tp", "Hồ Chí Minh", "79"),
    ("80", "H39", False, "tinh", "Long An", "80"),
    ("82", "H58", False, "tinh", "Tiền Giang", "82"),
    ("83", "H07", False, "tinh", "Bến Tre", "86"),
    ("84", "H59", False, "tinh", "Trà Vinh", "86"),
    ("86", "H61", False, "tinh", "Vĩnh Long", "86"),
    ("87", "H20", False, "tinh", "Đồng Tháp", "82"),
    ("89", "H01", False, "tinh", "An Giang", "91"),
    ("91", "H33", False, "tinh", "Kiên Giang", "91"),
    ("92", "H13", False, "tp", "Cần Thơ", "92"),
    ("93", "H28", False, "tinh", "Hậu Giang", "92"),
    ("94", "H51", False, "tinh", "Sóc Trăng", "92"),
    ("95", "H05", False, "tinh", "Bạc Liêu", "96"),
    ("96", "H12", False, "tinh", "Cà Mau", "96"),
)

#: 34 provinces from 1 July 2025 (NQ 202/2025/QH15): (code, kind, short Vietnamese name,
#: GSO 2008 code of the pre-merger province whose name (and H-code) it keeps).
PROVINCES_2025: tuple[tuple[str, str, str, str], ...] = (
    ("01", "tp", "Hà Nội", "01"),
    ("04", "tinh", "Cao Bằng", "04"),
    ("08", "tinh", "Tuyên Quang", "08"),
    ("11", "tinh", "Điện Biên", "11"),
    ("12", "tinh", "Lai Châu", "12"),
    ("14", "tinh", "Sơn La", "14"),
    ("15", "tinh", "Lào Cai", "10"),
    ("19", "tinh", "Thái Nguyên", "19"),
    ("20", "tinh", "Lạng Sơn", "20"),
    ("22", "tinh", "Quảng Ninh", "22"),
    ("24", "tinh", "Bắc Ninh", "27"),
    ("25", "tinh", "Phú Thọ", "25"),
    ("31", "tp", "Hải Phòng", "31"),
    ("33", "tinh", "Hưng Yên", "33"),
    ("37", "tinh", "Ninh Bình", "37"),
    ("38", "tinh", "Thanh Hóa", "38"),
    ("40", "tinh", "Nghệ An", "40"),
    ("42", "tinh", "Hà Tĩnh", "42"),
    ("44", "tinh", "Quảng Trị", "45"),
    ("46", "tp", "Huế", "46"),
    ("48", "tp", "Đà Nẵng", "48"),
    ("51", "tinh", "Quảng Ngãi", "51"),
    ("52", "tinh", "Gia Lai", "64"),
    ("56", "tinh", "Khánh Hòa", "56"),
    ("66", "tinh", "Đắk Lắk", "66"),
    ("68", "tinh", "Lâm Đồng", "68"),
    ("75", "tinh", "Đồng Nai", "75"),
    ("79", "tp", "Hồ Chí Minh", "79"),
    ("80", "tinh", "Tây Ninh", "72"),
    ("82", "tinh", "Đồng Tháp", "87"),
    ("86", "tinh", "Vĩnh Long", "86"),
    ("91", "tinh", "An Giang", "89"),
    ("92", "tp", "Cần Thơ", "92"),
    ("96", "tinh", "Cà Mau", "96"),
)

#: English names where they differ from the diacritic-free Vietnamese name.
ENGLISH_NAMES: dict[str, str] = {
    "Hà Nội": "Hanoi",
    "Hồ Chí Minh": "Ho Chi Minh City",
    "Huế": "Hue",
    "Thừa Thiên Huế": "Thua Thien Hue",
    "Bà Rịa - Vũng Tàu": "Ba Ria - Vung Tau",
}

#: Level-1 codes of ministries and ministry-level bodies (QĐ 20/2020/QĐ-TTg Phụ lục as amended
#: by QĐ 09/2025/QĐ-TTg), as far as verified on the bodies' own portals.
MINISTRIES: dict[str, str] = {
    "G01": "Bộ Công an",
    "G06": "Bộ Khoa học và Công nghệ",
    "G09": "Bộ Nội vụ",
    "G10": "Bộ Nông nghiệp và Môi trường",
    "G12": "Bộ Tài chính",
    "G15": "Bộ Tư pháp",
    "G17": "Bộ Xây dựng",
    "G18": "Bộ Y tế",
    "G22": "Văn phòng Chính phủ",
}

_DISPUTED_BLOCK = (
    "inferred code in doubt: Hà Tĩnh's ICT portal (ict.hatinh.gov.vn, on QĐ 2803/QĐ-UBND of "
    "28/9/2017) gives UBND tỉnh Hà Tĩnh 000.00.00.H27 and an NGSP API guide pairs "
    "000.00.00.H30 with UBND tỉnh Hậu Giang, while the alphabetical inference gives H25 and "
    "H28; the order of H22–H31 (except the confirmed H29) is uncertain until checked against "
    "the official list"
)

#: Inferred H-codes that a found source contradicts: code -> note.
DISPUTED_H: dict[str, str] = {
    f"H{n}": _DISPUTED_BLOCK for n in (22, 23, 24, 25, 26, 27, 28, 30, 31)
}
