"""Draw a form's layout as one self-contained HTML page (inline CSS, the QR code as inline SVG).

The page carries the same blocks as the PDF, in an A4-sized sheet that prints like it. Every
text is HTML-escaped; there is no script and no external resource.
"""

from __future__ import annotations

from html import escape
from string import Template
from typing import TYPE_CHECKING

from onestop.forms._layout import MOTTO, NATION, Layout, Para, Signer, Table, layout
from onestop.forms._qr import qr_matrix

if TYPE_CHECKING:
    from onestop.forms._records import FormRecord

__all__ = ["render_html"]

_PAGE = Template("""<!DOCTYPE html>
<html lang="vi">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="onestop">
<title>$title</title>
<style>
@page { size: A4; margin: 20mm 15mm 20mm 30mm; }
body { margin: 0; background: #eee; }
.sheet { box-sizing: border-box; width: 210mm; min-height: 297mm; margin: 0 auto;
  padding: 20mm 15mm 20mm 30mm; background: #fff; color: #000;
  font: 13pt/1.3 "Times New Roman", Tinos, "Liberation Serif", serif; }
@media print { body { background: none; } .sheet { padding: 0; width: auto; min-height: 0; } }
.ref { text-align: right; font-style: italic; font-size: 10pt; margin: -11mm 0 6mm; }
.head { display: flex; }
.head > div { text-align: center; }
.issuer { width: 68mm; font-size: 12pt; }
.nation { flex: 1; font-size: 12pt; }
.rule { display: inline-block; border-top: 0.25mm solid #000; margin: 0.5mm 0 1mm; }
.motto { font-weight: bold; font-size: 13pt; }
.date { font-style: italic; margin-top: 2mm; }
.qr svg { width: 24mm; height: 24mm; display: block; margin: 1.5mm auto 0.5mm; }
.qr div { font-size: 9pt; }
h1 { font-size: 14pt; text-align: center; margin: 5mm 0 0; }
p { margin: 0; }
.L { text-align: left; } .C { text-align: center; } .R { text-align: right; }
.J { text-align: justify; }
.i1 { padding-left: 8mm; }
table { width: 100%; border-collapse: collapse; font-size: 11pt; margin-top: 2mm; }
th, td { border: 0.25mm solid #000; padding: 1.2mm; vertical-align: top; white-space: pre-line; }
.signs { display: flex; margin-top: 4mm; }
.signs > div { width: 50%; text-align: center; }
.sign-room { height: 24mm; }
.hint { font-style: italic; font-size: 12pt; }
</style>
</head>
<body>
<div class="sheet">
<p class="ref">$reference</p>
<div class="head">
<div class="issuer">$issuer</div>
<div class="nation"><b>$nation</b><br><span class="motto">$motto</span><br>
<span class="rule" style="width: 56mm"></span><div class="date">$date_line</div></div>
</div>
<h1>$heading</h1>
$subtitle
<div class="body">
$blocks
</div>
$signatures
</div>
</body>
</html>
""")  # fmt: skip


def _svg(payload: str) -> str:
    matrix = qr_matrix(payload)
    size = len(matrix)
    path = "".join(
        f"M{c},{r}h1v1h-1z" for r, row in enumerate(matrix) for c, dark in enumerate(row) if dark
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {size} {size}" '
        f'shape-rendering="crispEdges" role="img" aria-label="QR"><path d="{path}"/></svg>'
    )


def _para(para: Para) -> str:
    parts = []
    for run in para.runs:
        text = escape(run.text)
        if run.bold:
            text = f"<b>{text}</b>"
        if run.italic:
            text = f"<i>{text}</i>"
        parts.append(text)
    classes = para.align + (f" i{para.indent}" if para.indent else "")
    style = f' style="margin-top: {para.gap * 1.3:.2f}em"' if para.gap else ""
    return f'<p class="{classes}"{style}>{"".join(parts)}</p>'


def _table(table: Table) -> str:
    cols = "".join(f'<col style="width: {w * 100:.1f}%">' for w in table.widths)
    head = "".join(f"<th>{escape(h)}</th>" for h in table.head)
    rows = "".join(
        "<tr>" + "".join(f"<td>{escape(cell)}</td>" for cell in row) + "</tr>" for row in table.rows
    )
    return (
        f"<table><colgroup>{cols}</colgroup><thead><tr>{head}</tr></thead>"
        f"<tbody>{rows}</tbody></table>"
    )


def _signer(signer: Signer | None) -> str:
    if signer is None:
        return "<div></div>"
    name = f"<b>{escape(signer.name)}</b>" if signer.name else ""
    note = f'<div class="hint">{escape(signer.note)}</div>' if signer.note else ""
    return (
        f'<div><b>{escape(signer.title)}</b><div class="hint">{escape(signer.hint)}</div>'
        f'<div class="sign-room"></div>{name}{note}</div>'
    )


def _issuer(lay: Layout) -> str:
    lines = [f"<b>{escape(r.text)}</b>" if r.bold else escape(r.text) for r in lay.left]
    out = "<br>".join(lines) + '<br><span class="rule" style="width: 22mm"></span>'
    if lay.number:
        out += f'<div style="font-size: 13pt">{escape(lay.number)}</div>'
    if lay.qr is not None:
        out += f'<div class="qr">{_svg(lay.qr)}<div>{escape(lay.qr_caption or "")}</div></div>'
    return out


def render_html(record: FormRecord) -> str:
    """``record``'s form as a self-contained HTML page (UTF-8 text).

    Raises:
        MissingExtraError: segno (the ``forms`` extra) is needed for the receipt's QR code.
    """
    lay = layout(record)
    blocks = "\n".join(_table(b) if isinstance(b, Table) else _para(b) for b in lay.blocks)
    signatures = f'<div class="signs">{_signer(lay.left_signer)}{_signer(lay.right_signer)}</div>'
    if lay.extra_signer is not None:
        signatures += f'<div class="signs">{_signer(lay.extra_signer)}<div></div></div>'
    return _PAGE.substitute(
        title=escape(lay.meta_title),
        reference=escape(lay.reference),
        issuer=_issuer(lay),
        nation=escape(NATION),
        motto=escape(MOTTO),
        date_line=escape(lay.date_line),
        heading=escape(lay.title),
        subtitle="\n".join(_para(p) for p in lay.subtitle),
        blocks=blocks,
        signatures=signatures,
    )
