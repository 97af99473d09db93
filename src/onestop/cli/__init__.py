"""The ``onestop`` command line (needs the ``cli`` extra: ``pip install 'onestop-vn[cli]'``).

The commands are defined in private modules and registered explicitly, in one place, by
:func:`onestop.cli._commands.build_app`. Conventions every command follows:

* ``--json`` prints exactly one JSON object, the envelope
  ``{"ok": <exit status is 0>, "error": null | {"code", "message", "field"}, ...payload}``;
* bad input or settings print one line ``error[<code>]: <message>`` and exit with status 2,
  other failures (and negative answers, such as a signature that does not verify) exit 1;
* tracebacks are shown only with the global ``--debug`` option.
"""

from __future__ import annotations

import sys

__all__ = ["main"]


def main() -> None:
    """Entry point of the ``onestop`` console script."""
    try:
        from onestop.cli._commands import build_app
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        sys.stderr.write(
            f"The onestop command line needs the 'cli' extra ({exc.name} is missing).\n"
            "Install it with: python3 -m pip install 'onestop-vn[cli]'\n"
        )
        raise SystemExit(1) from None
    build_app()()
