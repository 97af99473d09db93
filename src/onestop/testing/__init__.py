"""Test helpers shipped with onestop for users' own test-suites.

Everything here is a *test double* or a fixture factory: deterministic dossier factories,
a throwaway PKI, an in-memory fake of the national portal. Nothing here is for production
use. Names load lazily, so importing :mod:`onestop.testing` pulls in no optional dependency.
"""

from __future__ import annotations

import importlib
from typing import Any

#: Public name -> private module that defines it.
_LAZY: dict[str, str] = {
    "FakePortal": "onestop.testing._fake_portal",
    "FakePortalServer": "onestop.testing._fake_portal",
    "FakeRemoteSigner": "onestop.testing._fake_signer",
    "IssuedCertificate": "onestop.testing._pki",
    "ThrowawayPKI": "onestop.testing._pki",
    "build_test_pki": "onestop.testing._pki",
    "make_test_pdf": "onestop.testing._pki",
    "dossiers": "onestop.testing._factories",
    "make_dossier": "onestop.testing._factories",
    "make_procedure": "onestop.testing._factories",
    "procedures": "onestop.testing._factories",
}

__all__: list[str] = sorted(_LAZY)


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'onestop.testing' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
