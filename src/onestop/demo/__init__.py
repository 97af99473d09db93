"""A simulated Public Administration Service Center, for the ``onestop demo`` command and notebooks.

:func:`simulate_records` draws a province's dossiers over a period as an Arrow table (17
departments, their procedures, the three channels, supplements, extensions, late dossiers) on
the real civil-service calendar; :func:`run_centre` runs what the centre's systems do with
them (report, receipts, portal synchronisation through the outbox, postal orders, online
payments) against the shipped fakes. Needs the ``records`` and ``reports`` extras, and
``forms``, ``pdf``, ``http`` and ``testkit``-free ``onestop.testing`` fakes for the run
(``pip install 'onestop-vn[all]'``).

Example::

    from onestop.demo import simulate_records
    from onestop.reports import report

    table = simulate_records(seed=2022)            # about 90,000 dossiers, January-July 2022
    print(report(table, by="department").table.to_pandas())
"""

from onestop._lazy import attach_stub

__getattr__, __dir__ = attach_stub(__name__, __file__)
