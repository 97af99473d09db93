"""Statistics of one-stop dossiers: the indicators provinces publish, Decision 766, audits.

:func:`report` computes, for a period, received dossiers by channel, resolved ones early / on
time / late, those in progress within and past their due date, average processing times,
online submission and payment, digitisation and reuse rates and the Decision 766 items, overall
and by department, procedure, field, channel and month. :func:`audit` recomputes the due dates
another system stored and lists those that disagree, with onestop's explanation.

Records come from :mod:`onestop.records`; the computation is the deadline kernel (one Arrow
batch at a time) followed by portable SQL run by DuckDB in-process. Needs the ``reports``
extra (``pip install 'onestop-vn[reports]'``); charts need ``charts`` (matplotlib). Importing
this package imports none of them.
"""

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
