"""Public names of :mod:`onestop.spark`, declared once; ``__init__.py`` loads them lazily."""

from ._frames import deadline_columns as deadline_columns
from ._frames import due_dates as due_dates
from ._frames import records_frame as records_frame
from ._frames import timeliness as timeliness
from ._report import SparkAudit as SparkAudit
from ._report import SparkReport as SparkReport
from ._report import audit as audit
from ._report import report as report
from ._session import local_session as local_session
