"""The command line's conventions: the root group, global options, the JSON envelope, errors.

Every command prints, with ``--json``, exactly one JSON object, the *envelope*::

    {"ok": <the exit status is 0>, "error": null | {"code", "message", "field"}, ...payload}

``ok`` mirrors the exit status; ``error`` is non-null only when the command could not do its
job (exit status 2 for bad input or settings, 1 for other failures); the payload keys of the
command sit at the top level. A *negative answer* is not an error: ``verify`` of a signature
that does not verify prints ``"ok": false, "error": null, "valid": false`` and exits with 1.
The commands are registered in one place, :func:`onestop.cli._commands.build_app`.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from stat import S_ISREG
from typing import Annotated, Any, ParamSpec, TypeVar

import typer
from rich.console import Console
from typer.core import TyperGroup, TyperOption

from onestop._version import __version__
from onestop.errors import (
    CalendarError,
    ConfigurationError,
    DeadlineError,
    InvalidInputError,
    OneStopError,
    SignatureError,
)
from onestop.tz import format_instant

__all__ = [
    "BAD_INPUT_ERRORS",
    "MAX_DOCUMENT_BYTES",
    "MAX_INPUT_BYTES",
    "JsonOption",
    "UsageError",
    "column_mapping",
    "console",
    "err_console",
    "fail",
    "handle_errors",
    "make_app",
    "path_value",
    "print_envelope",
    "print_json",
    "read_input_bytes",
    "read_input_text",
    "state",
    "text_value",
    "usage_error_report",
]

P = ParamSpec("P")
R = TypeVar("R")


def _exception_base(name: str) -> type[Exception]:
    """The (click) exception class ``name`` that typer's ``BadParameter`` derives from.

    Found through the MRO so that it works whether typer vendors click or depends on it.
    """
    for klass in typer.BadParameter.__mro__:
        if klass.__name__ == name and issubclass(klass, Exception):
            return klass
    raise LookupError(name)  # pragma: no cover - click has had both classes since 2.0


#: click's ``UsageError``: a wrong option value, a missing argument, an unknown option.
UsageError = _exception_base("UsageError")
_ClickException = _exception_base("ClickException")


class _OneStopGroup(TyperGroup):
    """The root command group: reports command-line usage errors the onestop way.

    A wrong option value, a missing argument or an unknown option is bad input: it prints one
    line ``error[usage_error]: <message>`` on standard error (or, with ``--json``, the
    envelope ``{"ok": false, "error": {...}}`` on standard output) and exits with status 2,
    instead of click's multi-line usage box. An exception that escapes a command without
    :func:`handle_errors` is reported by :func:`fail` too (traceback only with ``--debug``).
    """

    def get_help_option(self, ctx: Any) -> TyperOption | None:
        """The root ``--help`` option, shown as a flag (no ``<bool>``) like the other flags."""
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option

    def main(
        self,
        args: Sequence[str] | None = None,
        prog_name: str | None = None,
        complete_var: str | None = None,
        standalone_mode: bool = True,
        windows_expand_args: bool = True,
        **extra: Any,
    ) -> Any:
        argv = list(sys.argv[1:] if args is None else args)
        if not standalone_mode:
            return super().main(
                argv,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        try:
            result = super().main(
                argv,
                prog_name,
                complete_var,
                standalone_mode=False,
                windows_expand_args=windows_expand_args,
                **extra,
            )
        except UsageError as exc:
            if type(exc).__name__ == "NoArgsIsHelpError":
                ctx = getattr(exc, "ctx", None)
                if ctx is not None:
                    typer.echo(ctx.get_help())
                sys.exit(2)
            _usage_error(exc, as_json="--json" in argv)
            sys.exit(2)
        except _ClickException as exc:
            exc.show()  # type: ignore[attr-defined]
            sys.exit(int(getattr(exc, "exit_code", 1)))
        except typer.Abort:
            err_console.print("Aborted!", markup=False)
            sys.exit(1)
        except Exception as exc:  # outside @handle_errors: a callback or undecorated code
            if state["debug"]:
                raise
            sys.exit(fail(exc, as_json="--json" in argv).exit_code)
        # A command that ends normally returns None; typer.Exit(n) comes back as the int n.
        sys.exit(result if isinstance(result, int) and not isinstance(result, bool) else 0)


def usage_error_report(exc: Exception) -> dict[str, Any]:
    """The ``{"code", "message", "field"}`` object of a command-line usage error.

    ``message`` is click's message on one line, followed by where to read the command's help;
    ``field`` is the name of the parameter at fault, or ``None``.
    """
    message = " ".join(str(exc.format_message()).split())  # type: ignore[attr-defined]
    param = getattr(exc, "param", None)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        message += f" (see '{ctx.command_path} --help')"
    return {"code": "usage_error", "message": message, "field": getattr(param, "name", None)}


def _usage_error(exc: Exception, *, as_json: bool) -> None:
    """Print a command-line usage error as one line (or one JSON object)."""
    report = usage_error_report(exc)
    if as_json:
        print_envelope({}, ok=False, error=report)
    else:
        err_console.print(f"error[usage_error]: {report['message']}", markup=False, soft_wrap=True)


console = Console(highlight=False)
err_console = Console(stderr=True, highlight=False)

#: Global options set by the root callback.
state: dict[str, bool] = {"debug": False}

#: Errors that mean "the input or the set-up was wrong" (exit status 2).
BAD_INPUT_ERRORS: tuple[type[OneStopError], ...] = (
    InvalidInputError,
    ConfigurationError,
    CalendarError,
    DeadlineError,
    SignatureError,
)

#: ``metavar=""`` on a flag: typer's rich help would otherwise print ``<bool>`` after it, as if
#: it took a value (``--json <bool>``); the plain help already shows flags bare.
JsonOption = Annotated[
    bool,
    typer.Option("--json", metavar="", help="Print one machine-readable JSON object."),
]


def _version_callback(value: bool) -> None:
    if value:
        typer.echo(f"onestop {__version__}")
        raise typer.Exit


def _root(
    version: Annotated[  # noqa: ARG001 - handled by the eager callback
        bool,
        typer.Option(
            "--version",
            callback=_version_callback,
            is_eager=True,
            metavar="",
            help="Show the version.",
        ),
    ] = False,
    debug: Annotated[
        bool, typer.Option("--debug", metavar="", help="Show tracebacks on errors.")
    ] = False,
) -> None:
    """onestop: one-stop (một cửa) administrative procedures toolkit."""
    state["debug"] = debug


def make_app() -> typer.Typer:
    """A root application with the global options and conventions, and no command yet.

    :func:`onestop.cli._commands.build_app` adds every command to it.
    """
    app = typer.Typer(
        name="onestop",
        cls=_OneStopGroup,
        help="onestop: one-stop (một cửa) administrative procedures: codes, calendars, "
        "deadlines, signatures and portal sync.",
        no_args_is_help=True,
        add_completion=False,
        pretty_exceptions_enable=False,
    )
    app.callback()(_root)
    return app


#: The largest structured input file (dossier, notice, record JSON/TOML) a command reads: far
#: above any real dossier (a dossier with 200 attachments' metadata is under 1 MiB), far below
#: what would exhaust memory once parsed.
MAX_INPUT_BYTES = 16 * 1024 * 1024
#: The largest document (PDF, attachment) a command signs or verifies.
MAX_DOCUMENT_BYTES = 256 * 1024 * 1024


def read_input_bytes(path: Path, *, field: str, max_bytes: int = MAX_INPUT_BYTES) -> bytes:
    """Read an input file given on the command line, refusing one larger than ``max_bytes``.

    The size is checked before reading (and again on the bytes read, for a file that grows or
    a device that reports no size), so an oversized file is refused without being loaded.

    Raises:
        InvalidInputError: the file cannot be read, is not a regular file, or is too large;
            the message names ``field`` and the file name, never the content.
    """
    name = str(path)
    try:
        with path.open("rb") as handle:
            stat = os.fstat(handle.fileno())
            size = stat.st_size if S_ISREG(stat.st_mode) else None
            if size is not None and size > max_bytes:
                raise InvalidInputError(
                    f"{field}: {name!r} is {size:,} bytes; the limit is {max_bytes:,} bytes",
                    field=field,
                )
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise InvalidInputError(
            f"{field}: cannot read {name!r} ({exc.strerror or type(exc).__name__})", field=field
        ) from None
    if len(data) > max_bytes:
        raise InvalidInputError(
            f"{field}: {name!r} is larger than the limit of {max_bytes:,} bytes", field=field
        )
    return data


def read_input_text(path: Path, *, field: str, max_bytes: int = MAX_INPUT_BYTES) -> str:
    """Read a UTF-8 text input file (JSON, TOML, CSV) with :func:`read_input_bytes`' size cap.

    A UTF-8 byte-order mark is accepted and dropped. Any other encoding (UTF-16 from a Windows
    export, a binary file) is refused with a message that says to save the file as UTF-8.

    Raises:
        InvalidInputError: unreadable, too large, or not UTF-8 text.
    """
    data = read_input_bytes(path, field=field, max_bytes=max_bytes)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InvalidInputError(
            f"{field}: {str(path)!r} is UTF-16 text; save it as UTF-8 and try again", field=field
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInputError(
            f"{field}: {str(path)!r} is not UTF-8 text (byte {exc.start} is not valid UTF-8); "
            "save it as UTF-8 and try again",
            field=field,
        ) from None
    if "\x00" in text:
        raise InvalidInputError(
            f"{field}: {str(path)!r} contains NUL bytes; it is not a text file", field=field
        )
    return text


def column_mapping(items: Sequence[str] | None, *, example: str) -> dict[str, str]:
    """The repeated ``--column FIELD=COLUMN`` options of a command, as ``{field: column}``.

    Args:
        items: the option's values.
        example: a ``FIELD=COLUMN`` of the command, shown when one is malformed.

    Raises:
        InvalidInputError: an item is not ``FIELD=COLUMN`` with both sides non-empty (field
            ``columns``).
    """
    out: dict[str, str] = {}
    for item in items or ():
        field, sep, column = item.partition("=")
        if not sep or not field.strip() or not column.strip():
            raise InvalidInputError(
                f"columns: {item!r} is not FIELD=COLUMN (e.g. {example})", field="columns"
            )
        out[field.strip()] = column.strip()
    return out


def text_value(value: str) -> str:
    """Typer ``parser=`` of a text option: refuses an empty (or blank) value.

    ``--cutoff ''`` or ``--office-hours ''`` is a mistake (an unset shell variable, a stray
    quote), not a request for the default: the command stops with a usage error (exit
    status 2) naming the option, instead of silently computing with the default.

    Raises:
        typer.BadParameter: ``value`` is empty or only white space.
    """
    if not value.strip():
        raise typer.BadParameter("must not be empty; give a value or leave the option out")
    return value


def path_value(value: str) -> Path:
    """Typer ``parser=`` of a file or directory option: refuses an empty (or blank) value.

    An empty path would otherwise mean the current directory (``Path('')`` is ``.``), so
    ``--workdir ''`` would write there.

    Raises:
        typer.BadParameter: ``value`` is empty or only white space.
    """
    if not value.strip():
        raise typer.BadParameter(
            "must not be empty; give a file or directory path, or leave the option out"
        )
    return Path(value)


def _json_default(value: object) -> str:
    if isinstance(value, dt.datetime) and value.utcoffset() is not None:
        return format_instant(value)
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


def print_json(obj: Any) -> None:
    """Print one JSON document (UTF-8, Vietnamese kept readable) on standard output.

    Aware date-times left in ``obj`` are printed with :func:`onestop.tz.format_instant`
    (Vietnam time, ``+07:00``), dates and times in ISO 8601, any other value with ``str()``.
    Commands print their ``--json`` output with :func:`print_envelope`, which calls this.
    """
    sys.stdout.write(json.dumps(obj, ensure_ascii=False, indent=2, default=_json_default) + "\n")
    sys.stdout.flush()


#: The keys every ``--json`` output starts with; a payload must not use them.
_ENVELOPE_KEYS = frozenset({"ok", "error"})


def print_envelope(
    payload: Mapping[str, Any],
    *,
    ok: bool = True,
    error: Mapping[str, Any] | None = None,
) -> None:
    """Print a command's ``--json`` output: ``{"ok", "error", ...payload}``.

    Args:
        payload: the command's own keys (top level of the object).
        ok: whether the command exits with status 0.
        error: ``{"code", "message", "field"}`` when the command could not do its job.

    Raises:
        ValueError: ``payload`` uses ``ok`` or ``error`` (a programming error).
    """
    clash = _ENVELOPE_KEYS & set(payload)
    if clash:
        raise ValueError(f"payload keys {sorted(clash)} are reserved by the envelope")
    print_json({"ok": ok, "error": None if error is None else dict(error), **payload})


def fail(exc: BaseException, *, as_json: bool) -> typer.Exit:
    """Report an error the onestop way and return the ``typer.Exit`` to raise.

    Bad input or settings exit with 2, every other failure with 1. With ``as_json``, prints
    the envelope ``{"ok": false, "error": {"code", "message", "field"}}`` on standard output
    (the error's own extra keys too, e.g. ``reason`` of an identifier error); otherwise one
    line ``error[<code>]: <message>`` on standard error.
    """
    report: dict[str, Any]
    if isinstance(exc, OneStopError):
        report = dict(exc.to_dict())
    else:
        report = {
            "code": "internal_error",
            "message": f"{type(exc).__name__}: {exc}",
            "field": None,
        }
    status = 2 if isinstance(exc, BAD_INPUT_ERRORS) else 1
    if as_json:
        print_envelope({}, ok=False, error=report)
    else:
        err_console.print(
            f"error[{report['code']}]: {report['message']}", markup=False, soft_wrap=True
        )
    return typer.Exit(status)


def handle_errors(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a command so that errors follow the CLI conventions.

    The wrapped command's ``json_`` keyword (from :data:`JsonOption`) selects the output form.
    With the global ``--debug`` option the traceback is printed first (standard error); the
    report and the exit status stay the same.
    """

    @functools.wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return func(*args, **kwargs)
        except (typer.Exit, typer.Abort, KeyboardInterrupt, UsageError):
            raise  # a usage error (typer.BadParameter...) is reported by the root group
        except Exception as exc:
            if state["debug"]:
                # The traceback for the developer, then the usual report and exit status.
                err_console.print(traceback.format_exc().rstrip(), markup=False, soft_wrap=True)
            raise fail(exc, as_json=bool(kwargs.get("json_", False))) from None

    return wrapper
