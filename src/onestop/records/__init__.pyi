"""Public names of :mod:`onestop.records`, declared once; ``__init__.py`` loads them lazily."""

from ._fields import FIELDS as FIELDS
from ._fields import RecordField as RecordField
from ._fields import field_by_alias as field_by_alias
from ._records import Records as Records
from ._records import read_records as read_records
from ._records import require_rows as require_rows
