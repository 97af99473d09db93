"""A tiny TrueType font for stamp tests, with a table fontTools cannot subset (``FFTM``).

FontForge writes an ``FFTM`` (timestamps) table into the fonts it builds, DejaVu Sans among
them; fontTools' subsetter drops such a table with a warning. The font is built here so the
tests need no font installed.
"""

from __future__ import annotations

from io import BytesIO

#: Code points the font covers: ASCII, Latin-1, Latin Extended-A/B and the Vietnamese block.
_COVERED = [*range(0x20, 0x7F), *range(0xA0, 0x250), *range(0x1EA0, 0x1EFA)]


def font_with_unknown_table() -> bytes:
    """A valid TrueType font (one box glyph for every covered character) with an FFTM table."""
    from fontTools.fontBuilder import FontBuilder
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import newTable

    def box():
        pen = TTGlyphPen(None)
        pen.moveTo((50, 0))
        pen.lineTo((50, 700))
        pen.lineTo((450, 700))
        pen.lineTo((450, 0))
        pen.closePath()
        return pen.glyph()

    builder = FontBuilder(1000, isTTF=True)
    builder.setupGlyphOrder([".notdef", "box"])
    builder.setupCharacterMap(dict.fromkeys(_COVERED, "box"))
    builder.setupGlyf({".notdef": box(), "box": box()})
    builder.setupHorizontalMetrics({".notdef": (500, 50), "box": (500, 50)})
    builder.setupHorizontalHeader(ascent=800, descent=-200)
    builder.setupNameTable(
        {"familyName": "Onestop Test", "styleName": "Regular", "psName": "OnestopTest-Regular"}
    )
    builder.setupOS2(sTypoAscender=800, usWinAscent=800, usWinDescent=200)
    builder.setupPost()
    fftm = newTable("FFTM")
    fftm.version = 1
    fftm.FFTimeStamp = fftm.sourceCreated = fftm.sourceModified = 0
    builder.font["FFTM"] = fftm
    out = BytesIO()
    builder.save(out)
    return out.getvalue()
