"""Flat dossier records from other systems' exports: read, map and validate in bulk.

A one-stop system's export is a flat table (one row per dossier: code, procedure, received,
processing time, channel, status, due, finished, …). :func:`read_records` reads it from CSV,
Parquet, Excel, pandas, polars or Arrow, recognises the National Public Service Portal's field
names and the usual Vietnamese column names and value spellings, and returns
:class:`Records`: the valid rows as Arrow columns, and an errors table (row, column, reason)
for the others. Nothing is dropped silently; one bad row never loses the batch.

Needs the ``records`` extra (``pip install 'onestop-vn[records]'``: pyarrow, numpy); Excel
needs ``excel`` (python-calamine). Importing this package imports neither: the names below
load on first use.

Example:
    >>> from onestop.records import read_records
    >>> recs = read_records("export.csv")                        # doctest: +SKIP
    >>> recs.rows_rejected, recs.errors.to_pandas().head()       # doctest: +SKIP
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from onestop._lazy import lazy_names
from onestop.records._fields import FIELDS, RecordField, field_by_alias

if TYPE_CHECKING:
    from onestop.records._records import Records as Records
    from onestop.records._records import read_records as read_records
    from onestop.records._records import require_rows as require_rows

__all__ = ["FIELDS", "RecordField", "Records", "field_by_alias", "read_records", "require_rows"]

_LAZY = {
    "Records": "onestop.records._records",
    "read_records": "onestop.records._records",
    "require_rows": "onestop.records._records",
}

_EXTRA_OF = {"pyarrow": "records", "numpy": "records"}


def _load(module: str, name: str) -> ModuleType:
    import importlib

    from onestop.errors import MissingExtraError

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = (exc.name or "").split(".")[0]
        extra = _EXTRA_OF.get(top)
        if extra is None:
            raise
        error = MissingExtraError(
            f"{extra}: onestop.records.{name} needs {top!r}; install it with "
            f"pip install 'onestop-vn[{extra}]'",
            field=extra,
        )
        error.name = top
        raise error from exc


__getattr__, __dir__ = lazy_names(__name__, _LAZY, load=_load)
