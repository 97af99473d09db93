"""Install hints for the optional dependencies of :mod:`onestop.signatures`.

The package works with extras: ``signatures`` (cryptography, asn1crypto), ``pdf`` (pyHanko)
and ``http`` (httpx). When one is missing, callers get a :class:`~onestop.errors.MissingExtraError`
that says which extra to install (also an ``ImportError``), not a bare
``ModuleNotFoundError`` from deep inside. The module-to-extra table and the error are those of
:mod:`onestop._lazy`, shared by every lazy package; this module adds the quiet import.
"""

from __future__ import annotations

import importlib
import warnings
from types import ModuleType

from onestop._lazy import EXTRA_OF, load_module, missing_extra
from onestop.errors import MissingExtraError

__all__ = ["EXTRA_OF", "MissingExtraError", "import_quietly", "missing_extra", "require"]


def import_quietly(module: str) -> ModuleType:
    """Import a third-party ``module`` without showing the deprecation notices its import emits.

    A dependency's import-time deprecation (pyHanko imports ``DSAPrivateKey``, which
    cryptography 51 deprecates) is a matter between that package and its own dependencies: it
    says nothing about onestop's use of it, a user cannot act on it, and on the command line it
    reads as a fault. Silenced, during the import only: deprecation categories, and user
    warnings attributed to third-party modules (cryptography's deprecation class is one).
    Every warning onestop itself emits, and everything after the import, is left alone.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        # cryptography's own deprecation class is a UserWarning; naming it would import
        # cryptography for callers that never need it, so match what third-party modules emit.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"(?!onestop(\.|$))")
        return importlib.import_module(module)


def require(module: str, *, feature: str) -> ModuleType:
    """Import ``module`` or raise a :class:`MissingExtraError` naming the extra to install.

    The import goes through :func:`import_quietly`: third-party import-time deprecation
    notices are not shown.

    Raises:
        MissingExtraError: when the module (an optional dependency) is not installed.
    """
    return load_module(module, feature=feature, importer=import_quietly)
