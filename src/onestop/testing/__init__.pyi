"""Public names of :mod:`onestop.testing`, declared once; ``__init__.py`` loads them lazily."""

from . import strategies as strategies
from ._calendars import make_work_calendar as make_work_calendar
from ._clock import FrozenClock as FrozenClock
from ._factories import make_dossier as make_dossier
from ._factories import make_procedure as make_procedure
from ._fake_portal import FakePortal as FakePortal
from ._fake_portal import FakePortalServer as FakePortalServer
from ._fake_signer import FakeRemoteSigner as FakeRemoteSigner
from ._pki import IssuedCertificate as IssuedCertificate
from ._pki import ThrowawayPKI as ThrowawayPKI
from ._pki import build_test_pki as build_test_pki
from ._pki import issue_certificate as issue_certificate
from ._pki import make_test_pdf as make_test_pdf
from ._pki import text_field_appearance as text_field_appearance
from .strategies import dossiers as dossiers
from .strategies import procedures as procedures
