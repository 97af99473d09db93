"""Public names of :mod:`onestop.testing`, declared once; ``__init__.py`` loads them lazily."""

from ._factories import dossiers as dossiers
from ._factories import make_dossier as make_dossier
from ._factories import make_procedure as make_procedure
from ._factories import procedures as procedures
from ._fake_http import FakeServer as FakeServer
from ._fake_payment import FakePayment as FakePayment
from ._fake_payment import IpnDelivery as IpnDelivery
from ._fake_portal import FakePortal as FakePortal
from ._fake_portal import FakePortalServer as FakePortalServer
from ._fake_postal import FakePostal as FakePostal
from ._fake_postal import make_postal_address as make_postal_address
from ._fake_postal import make_postal_party as make_postal_party
from ._fake_signer import FakeRemoteSigner as FakeRemoteSigner
from ._pki import IssuedCertificate as IssuedCertificate
from ._pki import ThrowawayPKI as ThrowawayPKI
from ._pki import build_test_pki as build_test_pki
from ._pki import issue_certificate as issue_certificate
from ._pki import make_test_pdf as make_test_pdf
from ._pki import text_field_appearance as text_field_appearance
