"""Test helpers shipped with onestop for users' own test-suites.

Everything here is a *test double* or a fixture factory: deterministic dossier factories,
a throwaway PKI, an in-memory fake of the national portal. Nothing here is for production
use. Names load lazily, so importing :mod:`onestop.testing` pulls in no optional dependency.
"""

from onestop._lazy import attach_stub

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__)
