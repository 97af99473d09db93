"""The QR code of a form, as a module matrix both renderers draw (segno, pure Python)."""

from __future__ import annotations

import functools

from onestop.forms._assets import require

__all__ = ["qr_matrix"]


@functools.lru_cache(maxsize=256)
def qr_matrix(payload: str) -> tuple[tuple[bool, ...], ...]:
    """The dark (``True``) and light modules of the QR code of ``payload``, quiet zone excluded.

    Error correction level M (about 15 % of the symbol may be damaged, enough for a printed
    slip folded in a pocket); segno picks the smallest version that holds the payload.

    Raises:
        MissingExtraError: segno (the ``forms`` extra) is not installed.
    """
    segno = require("segno")
    code = segno.make_qr(payload, error="m", boost_error=False)
    return tuple(tuple(bool(v) for v in row) for row in code.matrix)
