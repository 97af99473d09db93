"""Install hints for the optional dependencies of :mod:`onestop.signatures`.

The package works with extras: ``signatures`` (cryptography, asn1crypto), ``pdf`` (pyHanko)
and ``http`` (httpx). When one is missing, callers get a :class:`~onestop.errors.MissingExtraError`
that says which extra to install (also an ``ImportError``), not a bare
``ModuleNotFoundError`` from deep inside.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from onestop.errors import MissingExtraError

__all__ = ["EXTRA_OF", "MissingExtraError", "missing_extra", "require"]

#: Top-level import name -> the onestop extra that installs it.
EXTRA_OF: dict[str, str] = {
    "cryptography": "signatures",
    "asn1crypto": "signatures",
    "pyhanko": "pdf",
    "pyhanko_certvalidator": "pdf",
    "httpx": "http",
}


def missing_extra(exc: ImportError, *, feature: str) -> MissingExtraError | None:
    """The error to raise for ``exc`` when it is a missing optional dependency, else ``None``.

    Args:
        exc: the import failure.
        feature: what the caller was doing, for the message (e.g. ``"PDF signatures"``).
    """
    name = (exc.name or "").split(".")[0]
    extra = EXTRA_OF.get(name)
    if extra is None:
        return None
    error = MissingExtraError(
        f"{extra}: {feature} need the optional dependency {name!r}; install it with "
        f"pip install 'onestop[{extra}]'",
        field=extra,
    )
    error.name = name
    return error


def require(module: str, *, feature: str) -> ModuleType:
    """Import ``module`` or raise a :class:`MissingExtraError` naming the extra to install.

    Raises:
        MissingExtraError: when the module (an optional dependency) is not installed.
    """
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        error = missing_extra(exc, feature=feature)
        if error is None:
            raise
        raise error from exc
