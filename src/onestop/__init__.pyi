"""Public names of :mod:`onestop`, declared once; ``__init__.py`` loads them lazily.

The top level holds the nouns most programs need; everything else lives in its subpackage
(:mod:`onestop.models`, :mod:`onestop.deadlines`, :mod:`onestop.signatures`,
:mod:`onestop.connectors`, :mod:`onestop.testing`, :mod:`onestop.errors`, :mod:`onestop.tz`).
"""

from . import connectors as connectors
from . import deadlines as deadlines
from . import errors as errors
from . import models as models
from . import signatures as signatures
from . import testing as testing
from . import tz as tz
from ._version import __version__ as __version__
from .connectors import AsyncPortalClient as AsyncPortalClient
from .connectors import Outbox as Outbox
from .connectors import PortalClient as PortalClient
from .deadlines import Deadline as Deadline
from .deadlines import DossierClock as DossierClock
from .deadlines import Timeliness as Timeliness
from .deadlines import WorkCalendar as WorkCalendar
from .deadlines import civil_service_calendar as civil_service_calendar
from .deadlines import compute_due as compute_due
from .deadlines import to_lunar as to_lunar
from .errors import CalendarError as CalendarError
from .errors import ConfigurationError as ConfigurationError
from .errors import ConnectorError as ConnectorError
from .errors import DeadlineError as DeadlineError
from .errors import InvalidDossierError as InvalidDossierError
from .errors import InvalidIdentifierError as InvalidIdentifierError
from .errors import InvalidInputError as InvalidInputError
from .errors import OneStopError as OneStopError
from .errors import SignatureError as SignatureError
from .errors import StorageError as StorageError
from .models import AgencyCode as AgencyCode
from .models import Applicant as Applicant
from .models import Channel as Channel
from .models import CitizenId as CitizenId
from .models import Dossier as Dossier
from .models import DossierCode as DossierCode
from .models import DossierStatus as DossierStatus
from .models import Procedure as Procedure
from .models import ProcedureCode as ProcedureCode
from .models import ProcessingTime as ProcessingTime
from .models import TaxCode as TaxCode
from .models import TimeUnit as TimeUnit
from .signatures import SignatureStatus as SignatureStatus
from .signatures import sign_pdf as sign_pdf
from .signatures import verify_pdf as verify_pdf
