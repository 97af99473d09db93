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

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from onestop._lazy import lazy_names

if TYPE_CHECKING:
    from onestop.reports._audit import Audit as Audit
    from onestop.reports._audit import audit as audit
    from onestop.reports._decision766 import ITEMS as ITEMS
    from onestop.reports._decision766 import Item766 as Item766
    from onestop.reports._kernel import deadline_columns as deadline_columns
    from onestop.reports._periods import PeriodGrid as PeriodGrid
    from onestop.reports._periods import monthly_periods as monthly_periods
    from onestop.reports._periods import period_columns as period_columns
    from onestop.reports._report import Report as Report
    from onestop.reports._report import report as report
    from onestop.reports._sql import indicator_sql as indicator_sql

__all__ = [
    "ITEMS",
    "Audit",
    "Item766",
    "PeriodGrid",
    "Report",
    "audit",
    "deadline_columns",
    "indicator_sql",
    "monthly_periods",
    "period_columns",
    "report",
]

_LAZY = {
    "Audit": "onestop.reports._audit",
    "audit": "onestop.reports._audit",
    "ITEMS": "onestop.reports._decision766",
    "Item766": "onestop.reports._decision766",
    "deadline_columns": "onestop.reports._kernel",
    "Report": "onestop.reports._report",
    "PeriodGrid": "onestop.reports._periods",
    "monthly_periods": "onestop.reports._periods",
    "period_columns": "onestop.reports._periods",
    "report": "onestop.reports._report",
    "indicator_sql": "onestop.reports._sql",
}

_EXTRA_OF = {"pyarrow": "reports", "numpy": "reports", "duckdb": "reports"}


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
            f"{extra}: onestop.reports.{name} needs {top!r}; install it with "
            f"pip install 'onestop-vn[{extra}]'",
            field=extra,
        )
        error.name = top
        raise error from exc


__getattr__, __dir__ = lazy_names(__name__, _LAZY, load=_load)
