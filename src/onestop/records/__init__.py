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

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
