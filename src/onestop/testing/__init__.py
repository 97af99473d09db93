"""Test helpers shipped with onestop for users' own test-suites.

Everything here is a *test double* or a fixture factory: deterministic dossier factories,
a throwaway PKI, an in-memory fake of the national portal. Nothing here is for production
use. Names load lazily, so importing :mod:`onestop.testing` pulls in no optional dependency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from onestop._lazy import lazy_names

if TYPE_CHECKING:  # the names as mypy and IDEs see them; at run time they load lazily
    from onestop.testing._factories import dossiers as dossiers
    from onestop.testing._factories import make_dossier as make_dossier
    from onestop.testing._factories import make_procedure as make_procedure
    from onestop.testing._factories import procedures as procedures
    from onestop.testing._fake_portal import FakePortal as FakePortal
    from onestop.testing._fake_portal import FakePortalServer as FakePortalServer
    from onestop.testing._fake_signer import FakeRemoteSigner as FakeRemoteSigner
    from onestop.testing._pki import IssuedCertificate as IssuedCertificate
    from onestop.testing._pki import ThrowawayPKI as ThrowawayPKI
    from onestop.testing._pki import build_test_pki as build_test_pki
    from onestop.testing._pki import issue_certificate as issue_certificate
    from onestop.testing._pki import make_test_pdf as make_test_pdf
    from onestop.testing._pki import text_field_appearance as text_field_appearance

#: Public name -> private module that defines it.
_LAZY: dict[str, str] = {
    "FakePortal": "onestop.testing._fake_portal",
    "FakePortalServer": "onestop.testing._fake_portal",
    "FakeRemoteSigner": "onestop.testing._fake_signer",
    "IssuedCertificate": "onestop.testing._pki",
    "ThrowawayPKI": "onestop.testing._pki",
    "build_test_pki": "onestop.testing._pki",
    "issue_certificate": "onestop.testing._pki",
    "make_test_pdf": "onestop.testing._pki",
    "text_field_appearance": "onestop.testing._pki",
    "dossiers": "onestop.testing._factories",
    "make_dossier": "onestop.testing._factories",
    "make_procedure": "onestop.testing._factories",
    "procedures": "onestop.testing._factories",
}

__all__: list[str] = sorted(_LAZY)

__getattr__, __dir__ = lazy_names(__name__, _LAZY)
