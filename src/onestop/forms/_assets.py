"""The files shipped with :mod:`onestop.forms` (fonts) and the optional dependencies it loads.

The fonts are subsets of Tinos 1.33 (SIL Open Font License 1.1, ``_fonts/OFL.txt``), a serif
metric-compatible with Times New Roman, with every Vietnamese letter; they are embedded (subset
again) in every PDF, so no font needs to be installed where the forms are made or read.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Literal

from onestop._lazy import import_quietly, load_module
from onestop.errors import FormError

__all__ = ["FontStyle", "font_file", "require"]

FontStyle = Literal["regular", "bold", "italic"]

_FONTS = Path(__file__).resolve().parent / "_fonts"
_FILES: dict[str, str] = {
    "regular": "Tinos-Regular.ttf",
    "bold": "Tinos-Bold.ttf",
    "italic": "Tinos-Italic.ttf",
}


def font_file(style: FontStyle = "regular") -> Path:
    """The path of the shipped font for ``style`` (Tinos, with complete Vietnamese glyphs).

    Usable wherever a TrueType file is expected, e.g.
    ``VisibleStamp(font_file=str(font_file()))`` for a signature stamp with diacritics.

    Raises:
        FormError: an unknown style.
    """
    name = _FILES.get(style)
    if name is None:
        raise FormError(
            f"style: unknown font style {str(style)[:20]!r}; expected regular, bold or italic",
            field="style",
        )
    return _FONTS / name


def require(module: str) -> ModuleType:
    """Import an optional dependency of the ``forms`` extra, or say how to install it.

    Third-party deprecation notices emitted while importing are not shown
    (:func:`onestop._lazy.import_quietly`).

    Raises:
        MissingExtraError: the module is not installed (the message names the extra).
    """
    return load_module(module, feature="the official forms", importer=import_quietly)
