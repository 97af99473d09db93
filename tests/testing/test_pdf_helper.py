"""``make_test_pdf`` keeps Vietnamese text as it is (it used to strip the diacritics)."""

from __future__ import annotations

import io

from pypdf import PdfReader

from onestop.testing import make_test_pdf


def test_diacritics_are_kept_and_extractable():
    text = "Giấy chứng nhận đăng ký hộ kinh doanh: Nguyễn Thị Ánh Tuyết, Đắk Lắk"
    reader = PdfReader(io.BytesIO(make_test_pdf(text, pages=2)))
    # (pypdf 5 puts two spaces where the page label's text object starts)
    assert [" ".join(p.extract_text().split()) for p in reader.pages] == [
        f"{text} - trang 1",
        f"{text} - trang 2",
    ]


def test_the_font_is_embedded():
    pdf = make_test_pdf("Ủy ban nhân dân")
    reader = PdfReader(io.BytesIO(pdf))
    font = reader.pages[0]["/Resources"]["/Font"]["/F1"].get_object()
    (descendant,) = font["/DescendantFonts"]
    assert "/FontFile2" in descendant.get_object()["/FontDescriptor"].get_object()
