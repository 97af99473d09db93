"""The shared Typer application, global options and the error/JSON conventions."""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console

from onestop._version import __version__
from onestop.errors import (
    CalendarError,
    DeadlineError,
    InvalidInputError,
    OneStopError,
    SignatureError,
)

__all__ = [
    "BAD_INPUT_ERRORS",
    "JsonOption",
    "app",
    "console",
    "err_console",
    "fail",
    "handle_errors",
    "print_json",
    "state",
]

P = ParamSpec("P")
R = TypeVar("R")

app = typer.Typer(
    name="onestop",
    help="onestop: one-stop (một cửa) administrative procedures: codes, calendars, deadlines, "
    "signatures and portal sync.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Global options set by the root callback.
state: dict[str, bool] = {"debug": False}

#: Errors that mean "the input was wrong" (exit status 2).
BAD_INPUT_ERRORS: tuple[type[OneStopError], ...] = (
    InvalidInputError,
    CalendarError,
    DeadlineError,
    SignatureError,
)

JsonOption = Annotated[bool, typer.Option("--json", help="Print one machine-readable JSON object.")]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"onestop {__version__}")
        raise typer.Exit


@app.callback()
def _root(
    version: Annotated[  # noqa: ARG001 - handled by the eager callback
        bool,
        typer.Option(
            "--version", callback=_version_callback, is_eager=True, help="Show the version."
        ),
    ] = False,
    debug: Annotated[bool, typer.Option("--debug", help="Show tracebacks on errors.")] = False,
) -> None:
    """onestop: one-stop (một cửa) administrative procedures toolkit."""
    state["debug"] = debug


def print_json(obj: Any) -> None:
    """Print one JSON object (UTF-8, Vietnamese kept readable) on standard output."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=str) + "\n")
    sys.stdout.flush()


def fail(exc: BaseException, *, as_json: bool) -> typer.Exit:
    """Report an error the onestop way and return the ``typer.Exit`` to raise.

    Bad input exits with 2, every other failure with 1.
    """
    if isinstance(exc, OneStopError):
        code, message = exc.code, exc.message
    else:
        code, message = "internal_error", f"{type(exc).__name__}: {exc}"
    status = 2 if isinstance(exc, BAD_INPUT_ERRORS) else 1
    if as_json:
        print_json({"ok": False, "error": {"code": code, "message": message}})
    else:
        err_console.print(f"error[{code}]: {message}", markup=False, soft_wrap=True)
    return typer.Exit(status)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that errors follow the CLI conventions.

    The wrapped command's ``json_`` keyword (from :data:`JsonOption`) selects the output form.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt):
            raise
        except Exception as exc:
            if state["debug"]:
                raise
            raise fail(exc, as_json=bool(kwargs.get("json_", False))) from None

    return wrapper
