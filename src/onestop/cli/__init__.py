"""The ``onestop`` command line (needs the ``cli`` extra: ``pip install 'onestop-vn[cli]'``).

Each command group lives in its own private module and registers itself on the shared Typer
application of :mod:`onestop.cli._app`. Conventions every command follows:

* ``--json`` prints exactly one JSON object with stable keys on standard output;
* bad input prints one line ``error[<code>]: <message>`` and exits with status 2,
  other failures exit with status 1;
* tracebacks are shown only with the global ``--debug`` option.
"""

from __future__ import annotations

import importlib
import sys

__all__ = ["COMMAND_MODULES", "main"]

#: Modules that register commands, in help order.
COMMAND_MODULES = (
    "onestop.cli._demo",
    "onestop.cli._ids",
    "onestop.cli._models",
    "onestop.cli._calendar",
    "onestop.cli._holidays",
    "onestop.cli._deadlines",
    "onestop.cli._signatures",
    "onestop.cli._portal",
    "onestop.cli._reports",
)


def main() -> None:
    """Entry point of the ``onestop`` console script."""
    try:
        from onestop.cli._app import app
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        sys.stderr.write(
            f"The onestop command line needs the 'cli' extra ({exc.name} is missing).\n"
            "Install it with: python3 -m pip install 'onestop-vn[cli]'\n"
        )
        raise SystemExit(1) from None
    for name in COMMAND_MODULES:
        importlib.import_module(name)
    app()
