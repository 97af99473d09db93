"""Install hints for the optional dependencies of :mod:`onestop.signatures`.

The package works with extras: ``signatures`` (cryptography, asn1crypto), ``pdf`` (pyHanko)
and ``http`` (httpx). When one is missing, callers get a :class:`~onestop.errors.MissingExtraError`
that says which extra to install (also an ``ImportError``), not a bare
``ModuleNotFoundError`` from deep inside. The module-to-extra table and the error are those of
:mod:`onestop._lazy`, shared by every lazy package; this module adds the quiet import.
"""

from __future__ import annotations

from types import ModuleType

from onestop._lazy import EXTRA_OF, import_quietly, load_module, missing_extra
from onestop.errors import MissingExtraError

__all__ = ["EXTRA_OF", "MissingExtraError", "import_quietly", "missing_extra", "require"]


def require(module: str, *, feature: str) -> ModuleType:
    """Import ``module`` or raise a :class:`MissingExtraError` naming the extra to install.

    The import goes through :func:`import_quietly`: third-party import-time deprecation
    notices are not shown.

    Raises:
        MissingExtraError: when the module (an optional dependency) is not installed.
    """
    return load_module(module, feature=feature, importer=import_quietly)
