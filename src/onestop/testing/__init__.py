"""Test helpers shipped with onestop for users' own test-suites.

Everything here is a *test double* or a test helper: deterministic dossier factories, a
throwaway PKI, an in-memory fake of the national portal, working calendars with a test's own
notices (:func:`make_work_calendar`), a frozen clock passed as ``now=`` (:class:`FrozenClock`),
rule tables that check a vendor's due dates against onestop (:func:`check_rules`,
:func:`rule_cases`; also ``onestop check-rules``), and Hypothesis strategies
(:mod:`onestop.testing.strategies`). The pytest plugin (:mod:`onestop.testing.pytest_plugin`)
turns them into fixtures. Nothing here is for production use. Names load lazily, so importing
:mod:`onestop.testing` pulls in no optional dependency.
"""

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
