"""onestop: the shared core of Vietnam's one-stop administrative-procedure systems.

*Thư viện lõi dùng chung cho hệ thống một cửa, một cửa liên thông.*

The top level re-exports the nouns most programs need (dossiers and their codes, procedures,
``compute_due`` and ``Deadline``, the dossier clock, the working calendar, the portal client,
PDF signatures and the main errors); the subpackages are the full API:
:mod:`onestop.models`, :mod:`onestop.deadlines`, :mod:`onestop.signatures`,
:mod:`onestop.connectors`, :mod:`onestop.testing`, :mod:`onestop.errors`, :mod:`onestop.tz`.

Names load lazily (they are declared once, in ``__init__.pyi``), so ``import onestop`` stays
fast and never imports optional heavy dependencies (httpx, cryptography, numpy, typer, rich);
using a name whose optional dependency is missing raises
:class:`~onestop.errors.MissingExtraError` with the ``pip install`` line to run.
"""

from onestop._lazy import attach_stub

__getattr__, __dir__ = attach_stub(__name__, __file__)
