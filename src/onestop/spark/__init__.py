"""onestop on Apache Spark: bulk deadlines, timeliness, audits and report indicators.

Functions that take a Spark DataFrame of dossier records and return one, for data that does
not fit one machine (a nation's dossiers). The deadlines are computed by the same bulk kernel
as :mod:`onestop.reports`, one Arrow batch at a time in Spark's Python workers
(``mapInArrow``), with the working calendar broadcast once; the indicators are the same
portable SQL, run by Spark SQL. On the same rows the results are those of
:func:`onestop.reports.report` and :func:`onestop.reports.audit`.

Needs the ``spark`` extra (``pip install 'onestop-vn[spark]'``) and Java 17 or later.
Importing this package imports no part of pyspark.
"""

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
