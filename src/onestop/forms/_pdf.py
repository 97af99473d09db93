"""Draw a form's :class:`~onestop.forms._layout.Layout` as an A4 PDF (fpdf2).

Presentation follows Nghị định 30/2020/NĐ-CP Phụ lục I for administrative documents: A4,
margins 20 mm top and bottom, 30 mm left, 15 mm right; a Times-like serif (the shipped Tinos,
embedded and subset, so the file shows the same everywhere); 13 pt body text; the national
motto block on the right with a rule under the motto, the issuer on the left with a short rule
under it. The document is written as PDF/A-2u (ISO 19005-2, with Unicode text) unless asked
otherwise, and its bytes depend only on the record (the creation date is the form's date).
"""

from __future__ import annotations

import hashlib
import re
from typing import TYPE_CHECKING, Any

import attrs

from onestop._version import __version__
from onestop.forms._assets import font_file, require
from onestop.forms._layout import MOTTO, NATION, Layout, Para, Signer, Table, layout
from onestop.forms._qr import qr_matrix

if TYPE_CHECKING:
    from onestop.forms._records import FormRecord

__all__ = ["RenderedPdf", "render_layout"]

_LEFT, _RIGHT, _TOP, _BOTTOM = 30.0, 15.0, 20.0, 20.0
_PAGE_W = 210.0
_PAGE_H = 297.0
_WIDTH = _PAGE_W - _LEFT - _RIGHT
_BODY = 13.0
_LEADING = 1.3  # line height as a multiple of the font size
_LINE = _BODY * _LEADING * 25.4 / 72  # mm per body line
_HEAD_LEFT = 68.0  # width of the issuer column
_QR_SIZE = 24.0  # mm
_SIGN_ROOM = 24.0  # mm left blank to sign (and for the visible stamp)
_PT_PER_MM = 72 / 25.4
_FAMILY = "Tinos"


@attrs.frozen(slots=True)
class RenderedPdf:
    """A drawn form and where its issuing officer signs.

    Attributes:
        data: the PDF bytes.
        sign_page: 0-based page of the issuing officer's signature block.
        sign_box: the blank area of that block, ``(x1, y1, x2, y2)`` in PDF points from the
            page's lower-left corner: where a visible signature stamp goes.
    """

    data: bytes
    sign_page: int
    sign_box: tuple[float, float, float, float]


def _document(record: FormRecord, *, pdfa: bool) -> Any:
    fpdf = require("fpdf")
    pdf = fpdf.FPDF(unit="mm", format="A4", enforce_compliance="PDF/A-2U" if pdfa else None)
    for style, key in (("", "regular"), ("B", "bold"), ("I", "italic")):
        pdf.add_font(_FAMILY, style, str(font_file(key)))  # type: ignore[arg-type]
    for font in pdf.fonts.values():
        # The shipped fonts' bounding boxes are already right, and subsetting does not change
        # outlines: without the recalculation fontTools does not recompile every glyph it
        # keeps (a third of the time of a form).
        font.ttfont.recalcBBoxes = False
    pdf.c_margin = 0  # text starts at the margin, as in a word processor
    pdf.set_margins(_LEFT, _TOP, _RIGHT)
    pdf.set_auto_page_break(auto=True, margin=_BOTTOM)
    pdf.set_creation_date(record.header.issued_at)
    pdf.set_lang("vi-VN")
    pdf.set_title(f"{record.title} - {record.dossier_code}")
    pdf.set_subject(record.reference)
    pdf.set_author(record.header.issuer)
    pdf.set_creator(f"onestop {__version__}")
    pdf.set_producer(f"onestop {__version__}")
    pdf.set_keywords(f"{record.dossier_code} {record.procedure_code}")
    pdf.add_page()
    return pdf


def _font(pdf: Any, *, bold: bool = False, italic: bool = False, size: float = _BODY) -> None:
    pdf.set_font(_FAMILY, ("B" if bold else "") + ("I" if italic else ""), size)


def _centered(pdf: Any, x: float, width: float, text: str, height: float) -> None:
    y = pdf.get_y()
    pdf.set_xy(x, y)
    if pdf.get_string_width(text) <= width:  # one line: no line breaking needed
        pdf.cell(width, height, text, align="C")
        pdf.set_xy(x, y + height)
    else:
        pdf.multi_cell(width, height, text, align="C", new_x="LEFT", new_y="NEXT")


def _rule(pdf: Any, x_mid: float, length: float, *, gap: float = 0.6) -> None:
    y = pdf.get_y() + gap
    pdf.set_line_width(0.25)
    pdf.line(x_mid - length / 2, y, x_mid + length / 2, y)
    pdf.set_y(y + gap + 0.6)


def _qr(pdf: Any, payload: str, x: float, y: float, size: float) -> None:
    matrix = qr_matrix(payload)
    module = size / len(matrix)
    pdf.set_fill_color(0)
    for r, row in enumerate(matrix):
        c = 0
        while c < len(row):
            if row[c]:
                start = c
                while c < len(row) and row[c]:
                    c += 1
                pdf.rect(x + start * module, y + r * module, (c - start) * module, module, "F")
            else:
                c += 1


def _header(pdf: Any, lay: Layout) -> None:
    _font(pdf, italic=True, size=10)
    pdf.set_xy(_LEFT, 9)
    pdf.cell(_WIDTH, 4, lay.reference, align="R")
    top = _TOP
    # Left: the issuer.
    pdf.set_y(top)
    for run in lay.left:
        _font(pdf, bold=run.bold, size=12)
        _centered(pdf, _LEFT, _HEAD_LEFT, run.text, 5.4)
    _rule(pdf, _LEFT + _HEAD_LEFT / 2, 22)
    if lay.number:
        _font(pdf, size=13)
        _centered(pdf, _LEFT, _HEAD_LEFT, lay.number, 6)
    left_bottom = pdf.get_y()
    if lay.qr is not None:
        y = left_bottom + 1.5
        x = _LEFT + (_HEAD_LEFT - _QR_SIZE) / 2
        _qr(pdf, lay.qr, x, y, _QR_SIZE)
        pdf.set_y(y + _QR_SIZE + 0.8)
        _font(pdf, size=9)
        _centered(pdf, _LEFT, _HEAD_LEFT, lay.qr_caption or "", 4)
        left_bottom = pdf.get_y()
    # Right: the national motto and the place-and-date line.
    right_x = _LEFT + _HEAD_LEFT
    right_w = _WIDTH - _HEAD_LEFT
    pdf.set_y(top)
    _font(pdf, bold=True, size=12)
    _centered(pdf, right_x, right_w, NATION, 5.4)
    _font(pdf, bold=True, size=13)
    _centered(pdf, right_x, right_w, MOTTO, 5.6)
    _rule(pdf, right_x + right_w / 2, pdf.get_string_width(MOTTO))
    pdf.set_y(pdf.get_y() + 2)
    _font(pdf, italic=True, size=13)
    _centered(pdf, right_x, right_w, lay.date_line, 6)
    pdf.set_y(max(pdf.get_y(), left_bottom) + 5)


def _widths(pdf: Any, para: Para) -> list[float]:
    out = []
    for run in para.runs:
        _font(pdf, bold=run.bold, italic=run.italic)
        out.append(pdf.get_string_width(run.text))
    return out


def _paragraph(pdf: Any, para: Para) -> None:
    if para.gap:
        pdf.set_y(pdf.get_y() + para.gap * _LINE)
    indent = 8.0 * para.indent
    room = _WIDTH - indent
    widths = _widths(pdf, para)
    if sum(widths) <= room and "\n" not in "".join(r.text for r in para.runs):
        # A paragraph on one line (most lines of a form) is drawn run by run, without the
        # line-breaking machinery; justification does not apply to a last (only) line.
        if pdf.will_page_break(_LINE):
            pdf.add_page()
        y = pdf.get_y()
        x = _LEFT + indent
        if para.align == "C":
            x += (room - sum(widths)) / 2
        elif para.align == "R":
            x += room - sum(widths)
        for run, width in zip(para.runs, widths, strict=True):
            _font(pdf, bold=run.bold, italic=run.italic)
            pdf.set_xy(x, y)
            pdf.cell(width, _LINE, run.text)
            x += width
        pdf.set_xy(_LEFT, y + _LINE)
        return
    align = {"L": "LEFT", "C": "CENTER", "R": "RIGHT", "J": "JUSTIFY"}[para.align]
    columns = pdf.text_columns(
        l_margin=_LEFT + indent, r_margin=_RIGHT, text_align=align, line_height=_LEADING
    )
    with columns, columns.paragraph() as p:
        for run in para.runs:
            _font(pdf, bold=run.bold, italic=run.italic)
            p.write(run.text)
    pdf.set_x(_LEFT)


def _table(pdf: Any, table: Table) -> None:
    fpdf = require("fpdf")
    pdf.set_y(pdf.get_y() + 2)
    _font(pdf, size=11)
    widths = tuple(w * _WIDTH for w in table.widths)
    bold = fpdf.FontFace(emphasis="BOLD")
    with pdf.table(
        col_widths=widths,
        width=_WIDTH,
        line_height=5.2,
        text_align="LEFT",
        headings_style=bold,
        padding=1.2,
        first_row_as_headings=True,
        align="LEFT",
    ) as grid:
        head = grid.row()
        for text in table.head:
            head.cell(text, align="CENTER")
        for row in table.rows:
            cells = grid.row()
            for text in row:
                cells.cell(text)
    _font(pdf)


def _signer_height(signer: Signer) -> float:
    return 6.0 + 5.6 + _SIGN_ROOM + (6.0 if signer.name else 0) + (6.0 if signer.note else 0)


def _signer(pdf: Any, signer: Signer, x: float, width: float, y: float) -> tuple[float, float]:
    """Draw a signature block at ``y``; return the top of its blank area and its bottom."""
    pdf.set_y(y)
    _font(pdf, bold=True, size=13)
    _centered(pdf, x, width, signer.title, 6.0)
    _font(pdf, italic=True, size=12)
    _centered(pdf, x, width, signer.hint, 5.6)
    room_top = pdf.get_y()
    pdf.set_y(room_top + _SIGN_ROOM)
    if signer.name:
        _font(pdf, bold=True, size=13)
        _centered(pdf, x, width, signer.name, 6.0)
    if signer.note:
        _font(pdf, italic=True, size=11)
        _centered(pdf, x, width, signer.note, 6.0)
    return room_top, pdf.get_y()


def _signatures(pdf: Any, lay: Layout) -> tuple[int, tuple[float, float, float, float]]:
    half = _WIDTH / 2
    needed = max(
        _signer_height(lay.right_signer),
        _signer_height(lay.left_signer) if lay.left_signer else 0.0,
    )
    if pdf.get_y() + 4 + needed > _PAGE_H - _BOTTOM:
        pdf.add_page()
    y = pdf.get_y() + 4
    bottom = y
    if lay.left_signer is not None:
        _, bottom = _signer(pdf, lay.left_signer, _LEFT, half, y)
    room_top, right_bottom = _signer(pdf, lay.right_signer, _LEFT + half, half, y)
    page = pdf.page_no() - 1
    x1, x2 = _LEFT + half + 6, _LEFT + _WIDTH - 4
    y1, y2 = room_top + 1, room_top + _SIGN_ROOM - 1
    box = (
        x1 * _PT_PER_MM,
        (_PAGE_H - y2) * _PT_PER_MM,
        x2 * _PT_PER_MM,
        (_PAGE_H - y1) * _PT_PER_MM,
    )
    pdf.set_y(max(bottom, right_bottom))
    if lay.extra_signer is not None:
        if pdf.get_y() + 2 + _signer_height(lay.extra_signer) > _PAGE_H - _BOTTOM:
            pdf.add_page()
        _signer(pdf, lay.extra_signer, _LEFT, half, pdf.get_y() + 2)
    return page, box


def render_layout(record: FormRecord, *, pdfa: bool = True) -> RenderedPdf:
    """Draw ``record`` as a PDF; return it with the place of the officer's signature.

    Raises:
        MissingExtraError: fpdf2 or segno (the ``forms`` extra) is not installed.
    """
    lay = layout(record)
    pdf = _document(record, pdfa=pdfa)
    _header(pdf, lay)
    _font(pdf, bold=True, size=14)
    _centered(pdf, _LEFT, _WIDTH, lay.title, 6.6)
    for para in lay.subtitle:
        _paragraph(pdf, para)
    pdf.set_y(pdf.get_y() + 3)
    for block in lay.blocks:
        if isinstance(block, Table):
            _table(pdf, block)
        else:
            _paragraph(pdf, block)
    page, box = _signatures(pdf, lay)
    return RenderedPdf(data=_pin_xmp_dates(bytes(pdf.output())), sign_page=page, sign_box=box)


_XMP_CREATED = re.compile(rb'xmp:CreateDate="([^"]*)"')
_XMP_CHANGED = re.compile(rb'(xmp:(?:ModifyDate|MetadataDate)=")([^"]*)(")')
_FILE_ID = re.compile(rb"/ID \[<[0-9A-F]{32}><[0-9A-F]{32}>\]")


def _pin_xmp_dates(data: bytes) -> bytes:
    """The form's XMP modification dates set to its creation date (the issue instant).

    fpdf2 from 2.8.9 writes the time of rendering as ``xmp:ModifyDate`` and
    ``xmp:MetadataDate``: the same form rendered twice would differ, and a signed copy could
    not be reproduced from its record. Both are UTC instants to the second, as is the creation
    date, so the values have the same length and no offset in the file moves; anything else is
    left as written. The file identifier is then hashed over the pinned content.
    """
    created = _XMP_CREATED.search(data)
    if created is None:
        return data
    value = created.group(1)

    def pin(match: re.Match[bytes]) -> bytes:
        if len(match.group(2)) != len(value):
            return match.group(0)
        return match.group(1) + value + match.group(3)

    pinned = _XMP_CHANGED.sub(pin, data)
    if pinned == data:
        return data
    # the file identifier was hashed over the file with the rendering time in it: hash the
    # pinned content instead (the same 32 hex digits twice, so nothing moves either)
    trailer = pinned.rfind(b"trailer")
    ident = _FILE_ID.search(pinned, trailer) if trailer >= 0 else None
    if ident is None:
        return pinned
    digest = hashlib.md5(pinned[:trailer], usedforsecurity=False).hexdigest().upper().encode()
    return (
        pinned[: ident.start()]
        + b"/ID [<"
        + digest
        + b"><"
        + digest
        + b">]"
        + pinned[ident.end() :]
    )
