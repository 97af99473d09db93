"""Public names of :mod:`onestop.reports`, declared once; ``__init__.py`` loads them lazily."""

from ._audit import Audit as Audit
from ._audit import audit as audit
from ._decision766 import ITEMS as ITEMS
from ._decision766 import Item766 as Item766
from ._kernel import deadline_columns as deadline_columns
from ._periods import PeriodGrid as PeriodGrid
from ._periods import monthly_periods as monthly_periods
from ._periods import period_columns as period_columns
from ._report import Report as Report
from ._report import report as report
from ._sql import class_sql as class_sql
from ._sql import indicator_sql as indicator_sql
from ._sql import processing_time_sql as processing_time_sql
