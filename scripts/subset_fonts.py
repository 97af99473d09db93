"""Regenerate the fonts shipped in ``src/onestop/forms/_fonts/`` (run after a font update).

The forms are set in Tinos (Steve Matteson for Google; metric-compatible with Times New Roman,
the typeface of official Vietnamese documents) under the SIL Open Font License 1.1, which has
no Reserved Font Name for Tinos, so a subset may keep its name. The source is Debian's
``fonts-croscore`` package (``apt-get install fonts-croscore``, Tinos 1.33). Each style is cut
to the characters Vietnamese administrative text uses (Basic Latin, Latin-1, Latin Extended-A,
the horn letters Ơ ơ Ư ư, Latin Extended Additional, the Vietnamese combining marks, general
punctuation, ₫ and №) with hinting and the OpenType layout tables removed (a PDF is printed or
viewed scaled; the text is precomposed) and scaled to 1000 units per em, which takes each file
from about 540 kB to under 30 kB. The output is deterministic.

Usage: ``python3 scripts/subset_fonts.py [SOURCE_DIR]``
"""

from __future__ import annotations

import sys
from pathlib import Path

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem

SOURCE = Path("/usr/share/fonts/truetype/croscore")
TARGET = Path(__file__).resolve().parent.parent / "src" / "onestop" / "forms" / "_fonts"
STYLES = ("Regular", "Bold", "Italic")
UNICODES = [
    *range(0x20, 0x7F),  # Basic Latin
    *range(0xA0, 0x100),  # Latin-1 Supplement
    *range(0x100, 0x180),  # Latin Extended-A (Ă ă Đ đ Ĩ ĩ Ũ ũ)
    0x1A0,
    0x1A1,
    0x1AF,
    0x1B0,  # Ơ ơ Ư ư
    *range(0x1EA0, 0x1EFA),  # Latin Extended Additional: every toned Vietnamese letter
    0x300,
    0x301,
    0x303,
    0x309,
    0x323,  # the five tone marks as combining characters
    *range(0x2010, 0x2028),  # dashes, quotation marks, bullet, ellipsis
    *range(0x2030, 0x203B),
    0x20AB,  # ₫
    0x2116,  # №
]
VIETNAMESE = "ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúýĂăĐđĨĩŨũƠơƯư" + "".join(
    chr(c) for c in range(0x1EA0, 0x1EFA)
)


def subset_one(source: Path, target: Path) -> None:
    options = subset.Options()
    options.hinting = False
    options.desubroutinize = True
    # No OpenType layout tables (GSUB, GPOS, GDEF): every Vietnamese letter is a precomposed
    # glyph (the forms write NFC text), fpdf2 does not shape text, and without them pyHanko
    # embeds the stamp font in two thirds of the time.
    options.layout_features = []
    options.drop_tables += ["GSUB", "GPOS", "GDEF", "gasp"]
    options.name_IDs = ["*"]
    options.name_legacy = True
    options.name_languages = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(source, recalcTimestamp=False)
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=UNICODES)
    subsetter.subset(font)
    # 1000 units per em, the PDF glyph space: some PDF writers (pyHanko's stamp text, at least
    # up to 0.38) copy advance widths into /W without scaling them from the font's units.
    scale_upem(font, 1000)
    missing = [ch for ch in VIETNAMESE if ord(ch) not in font.getBestCmap()]
    if missing:
        raise SystemExit(f"{source.name}: no glyph for {''.join(missing)}")
    font.save(target, reorderTables=True)


def main() -> None:
    source = Path(sys.argv[1]) if len(sys.argv) > 1 else SOURCE
    TARGET.mkdir(parents=True, exist_ok=True)
    for style in STYLES:
        path = source / f"Tinos-{style}.ttf"
        if not path.is_file():
            raise SystemExit(f"{path} not found: apt-get install fonts-croscore, or pass its dir")
        subset_one(path, TARGET / path.name)
        print(f"{TARGET / path.name}: {(TARGET / path.name).stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
