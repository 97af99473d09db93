"""The ``onestop portal`` commands.

* ``onestop portal push DOSSIER.json``: upsert one domain dossier (JSON) on the portal.
* ``onestop portal enqueue DOSSIER.json --outbox PATH``: record it in the durable outbox.
* ``onestop portal sync --outbox PATH [--follow] [--concurrency N]``: drain the outbox.
* ``onestop portal status --outbox PATH [--json]``: counters, retrying entries with their last
  error, and dead letters (read-only).
* ``onestop portal fake --port 8765``: serve the shipped fake portal on loopback
  (``onestop fake-portal`` is its deprecated name, kept for one release).

Connection settings come from the options or the ``ONESTOP_PORTAL_*`` environment variables
(:class:`onestop.connectors.PortalSettings`); options win.

Exit status of ``portal sync`` (for monitoring): 0 when the outbox holds nothing that failed
(everything due was delivered, or there was nothing to do); 1 when entries are waiting for a
retry or are dead letters after the run (the portal unreachable, a refused login, an answer
that will never be accepted), with ``"ok": false`` and an ``error`` object of code
``delivery_failed`` in the ``--json`` report (the counts are still there); 2 for bad input or
settings.
"""

from __future__ import annotations

import functools
import inspect
import signal
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    console,
    err_console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_text,
    text_value,
)
from onestop.errors import InvalidInputError

__all__ = [
    "PORTAL_HELP",
    "FakeFaultRateOption",
    "FakeHangOption",
    "FakeHostOption",
    "FakeLatencyOption",
    "FakePortOption",
    "FakeSeedOption",
    "configure_fake",
    "connection_options",
    "enqueue",
    "fake_portal",
    "fake_portal_deprecated",
    "push",
    "serve_fake",
    "status",
    "sync",
]

#: Help of the ``onestop portal`` group.
PORTAL_HELP = "Synchronise dossiers with the national public service portal (Cổng DVCQG)."

UrlOption = Annotated[
    str | None,
    typer.Option("--url", parser=text_value, help="Adapter/gateway base URL [ONESTOP_PORTAL_URL]."),
]
UnitOption = Annotated[
    str | None,
    typer.Option(
        "--unit-code",
        parser=text_value,
        help="Unit code sent as madonvi [ONESTOP_PORTAL_UNIT_CODE].",
    ),
]
AuthOption = Annotated[
    str | None,
    typer.Option("--auth", parser=text_value, help="'adapter' or 'gateway' [ONESTOP_PORTAL_AUTH]."),
]
UserOption = Annotated[
    str | None,
    typer.Option(
        "--username", parser=text_value, help="Adapter account [ONESTOP_PORTAL_USERNAME]."
    ),
]
TimeoutOption = Annotated[
    float | None,
    typer.Option(
        "--timeout",
        help="Total seconds of one HTTP call: connect, send, whole answer "
        "[ONESTOP_PORTAL_TIMEOUT, default 30].",
    ),
]
MaxResponseOption = Annotated[
    int | None,
    typer.Option(
        "--max-response-bytes",
        help="Largest portal answer read [ONESTOP_PORTAL_MAX_RESPONSE_BYTES, default 32 MiB].",
    ),
]
ConsumerKeyOption = Annotated[
    str | None,
    typer.Option(
        "--consumer-key",
        parser=text_value,
        help="Gateway consumer key [ONESTOP_PORTAL_CONSUMER_KEY].",
    ),
]
ServicePathOption = Annotated[
    str | None,
    typer.Option(
        "--service-path",
        parser=text_value,
        help="Integration (write) service path [ONESTOP_PORTAL_SERVICE_PATH, default /service].",
    ),
]
SharePathOption = Annotated[
    str | None,
    typer.Option(
        "--share-path",
        parser=text_value,
        help="Share (read) service path [ONESTOP_PORTAL_SHARE_PATH, default: service path].",
    ),
]
LoginPathOption = Annotated[
    str | None,
    typer.Option(
        "--login-path",
        parser=text_value,
        help="Adapter login path or URL [ONESTOP_PORTAL_LOGIN_PATH].",
    ),
]
TokenUrlOption = Annotated[
    str | None,
    typer.Option(
        "--token-url",
        parser=text_value,
        help="Gateway token path or URL [ONESTOP_PORTAL_TOKEN_URL].",
    ),
]
DstcodeOption = Annotated[
    str | None,
    typer.Option(
        "--dstcode", parser=text_value, help="Value of the dstcode header [ONESTOP_PORTAL_DSTCODE]."
    ),
]
OutboxOption = Annotated[
    Path, typer.Option("--outbox", parser=path_value, help="Path of the SQLite outbox file.")
]
DossierFileArgument = Annotated[
    Path, typer.Argument(parser=path_value, help="A domain Dossier as JSON.")
]


#: The connection options of ``portal push`` and ``portal sync``, declared once:
#: parameter name -> (:class:`PortalSettings` field it overrides, option declaration).
_CONNECTION_OPTIONS: dict[str, tuple[str, Any]] = {
    "url": ("base_url", UrlOption),
    "unit_code": ("unit_code", UnitOption),
    "auth": ("auth_mode", AuthOption),
    "username": ("username", UserOption),
    "timeout": ("timeout", TimeoutOption),
    "consumer_key": ("consumer_key", ConsumerKeyOption),
    "service_path": ("service_path", ServicePathOption),
    "share_path": ("share_path", SharePathOption),
    "login_path": ("login_path", LoginPathOption),
    "token_url": ("token_url", TokenUrlOption),
    "dstcode": ("dstcode", DstcodeOption),
    "max_response_bytes": ("max_response_bytes", MaxResponseOption),
}


def connection_options(
    options: dict[str, tuple[str, Any]],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """A decorator adding the connection ``options`` to a command, before its ``--json``.

    ``options`` maps a parameter name to ``(settings field it overrides, option
    declaration)``. The command declares ``overrides: dict[str, Any]`` instead of the options
    and receives the values given on the command line keyed by settings field (``None``
    where an option is not given). Passwords and secrets are never options: they come from
    the environment only. The portal, postal and payment commands share this one mechanism.
    """

    def decorate(command: Callable[..., None]) -> Callable[..., None]:
        signature = inspect.signature(command, eval_str=True)
        keyword = inspect.Parameter.KEYWORD_ONLY
        own = [p for name, p in signature.parameters.items() if name not in ("overrides", "json_")]
        added = [
            inspect.Parameter(name, keyword, default=None, annotation=declaration)
            for name, (_, declaration) in options.items()
        ]
        json_ = signature.parameters["json_"].replace(kind=keyword)

        @functools.wraps(command)
        def wrapper(*args: Any, **kwargs: Any) -> None:
            overrides = {field: kwargs.pop(name) for name, (field, _) in options.items()}
            command(*args, overrides=overrides, **kwargs)

        wrapper.__signature__ = signature.replace(  # type: ignore[attr-defined]
            parameters=[*own, *added, json_]
        )
        return wrapper

    return decorate


#: The portal's connection options on ``portal push`` and ``portal sync``.
_with_connection_options = connection_options(_CONNECTION_OPTIONS)


def _read_dossier(path: Path) -> Any:
    from onestop.models import Dossier

    return Dossier.from_json(read_input_text(path, field="dossier_file"))


@handle_errors
@_with_connection_options
def push(
    dossier_file: DossierFileArgument,
    *,
    overrides: dict[str, Any],
    json_: JsonOption = False,
) -> None:
    """Create or update one dossier on the portal (look up, then create or update).

    Passwords and secrets come from ONESTOP_PORTAL_PASSWORD / ONESTOP_PORTAL_CONSUMER_SECRET
    only, never from options (they would show in the process list and shell history).
    """
    from onestop.connectors.portal import PortalClient

    dossier = _read_dossier(dossier_file)
    with PortalClient.from_env(**overrides) as client:
        result = client.upsert_dossier(dossier)
    if json_:
        print_envelope({"code": result.code, "created": result.created})
    else:
        verb = "created" if result.created else "updated"
        console.print(f"{result.code}: {verb} on the portal", markup=False)


@handle_errors
def enqueue(
    dossier_file: DossierFileArgument,
    outbox: OutboxOption,
    json_: JsonOption = False,
) -> None:
    """Record a dossier's current state in the durable outbox (delivered by `portal sync`)."""
    from onestop.connectors.outbox import Outbox

    dossier = _read_dossier(dossier_file)
    with Outbox(outbox) as box:
        entry_id = box.enqueue(dossier)
        stats = box.stats()
    if json_:
        print_envelope({"entry_id": entry_id, "stats": stats.to_dict()})
    else:
        console.print(f"enqueued as entry {entry_id}; {stats.pending} pending", markup=False)


@handle_errors
@_with_connection_options
def sync(
    outbox: OutboxOption,
    follow: Annotated[
        bool,
        typer.Option(
            "--follow", metavar="", help="Keep running and deliver new entries as they come."
        ),
    ] = False,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, max=256, help="Deliveries in flight at most.")
    ] = 1,
    max_seconds: Annotated[
        float | None,
        typer.Option("--max-seconds", min=0.0, help="Stop after this many seconds."),
    ] = None,
    until_empty: Annotated[
        bool,
        typer.Option(
            "--until-empty",
            metavar="",
            help="Wait for retries too: stop only when nothing is left.",
        ),
    ] = False,
    *,
    overrides: dict[str, Any],
    json_: JsonOption = False,
) -> None:
    """Deliver the outbox to the portal: what is due now, or continuously with --follow.

    Exit status 0 when nothing in the outbox has failed (all due entries delivered, or nothing
    to do); 1 when entries wait for a retry or became dead letters (see `portal status`); 2
    for bad input. SIGTERM and Ctrl-C stop the worker after the deliveries in flight; it then
    prints its report and exits with that status.
    """
    from onestop.connectors._settings import PortalSettings
    from onestop.connectors.outbox import AsyncOutboxWorker, Outbox, OutboxWorker, StopWhen
    from onestop.connectors.portal import AsyncPortalClient, PortalClient

    # Settings and credentials are checked before the outbox is touched.
    PortalSettings.from_env(**overrides).make_auth()
    _require_outbox(outbox)
    stop_when: StopWhen = "never" if follow else ("empty" if until_empty else "idle")
    stop = threading.Event()
    previous = {
        sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGTERM, signal.SIGINT)
    }
    # The worker's own commits may use synchronous=NORMAL: losing one to a power cut only
    # re-sends an entry, and delivery is idempotent.
    try:
        with Outbox(outbox, synchronous="NORMAL") as box:
            if concurrency == 1:
                with PortalClient.from_env(**overrides) as client:
                    report = OutboxWorker(box, client).run(
                        stop_when=stop_when, max_seconds=max_seconds, stop_event=stop
                    )
            else:
                import anyio

                async def main() -> Any:
                    async with AsyncPortalClient.from_env(
                        max_connections=concurrency, **overrides
                    ) as client:
                        worker = AsyncOutboxWorker(box, client, concurrency=concurrency)
                        return await worker.run(
                            stop_when=stop_when, max_seconds=max_seconds, stop_event=stop
                        )

                report = anyio.run(main)
            stats = box.stats()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    counts = report.to_dict()
    problem = _delivery_problem(stats.retrying, stats.dead)
    if json_:
        error = (
            None
            if problem is None
            else {"code": "delivery_failed", "message": problem, "field": None}
        )
        print_envelope({**counts, "stats": stats.to_dict()}, ok=problem is None, error=error)
    else:
        console.print(
            f"delivered {counts['delivered']}, retried {counts['retried']}, "
            f"dead {counts['dead']}; now {stats.pending} pending "
            f"({stats.retrying} retrying), {stats.dead} dead",
            markup=False,
        )
        if problem is not None:
            err_console.print(f"error[delivery_failed]: {problem}", markup=False, soft_wrap=True)
    if problem is not None:
        raise typer.Exit(1)


def _delivery_problem(retrying: int, dead: int) -> str | None:
    """The one-line summary of what failed, or ``None`` when nothing did."""
    if not retrying and not dead:
        return None
    parts = []
    if retrying:
        parts.append(f"{retrying} entr{'y waits' if retrying == 1 else 'ies wait'} for a retry")
    if dead:
        parts.append(f"{dead} dead letter{'' if dead == 1 else 's'}")
    return f"{' and '.join(parts)} in the outbox; see `onestop portal status` for the last errors"


def _require_outbox(outbox: Path) -> None:
    if not outbox.exists():
        raise InvalidInputError(
            f"outbox: no outbox file at {str(outbox)!r}; expected the --outbox path given to "
            "`portal enqueue` or your application",
            field="outbox",
        )


@handle_errors
def status(
    outbox: OutboxOption,
    wait: Annotated[
        float,
        typer.Option(
            "--wait",
            min=0.0,
            max=600.0,
            help="Seconds to wait for a lock held by another process (rarely needed).",
        ),
    ] = 5.0,
    json_: JsonOption = False,
) -> None:
    """Show the outbox counters, the retrying entries with their last error, the dead letters.

    Read-only: the file is opened with SQLite's mode=ro, never written or converted, and a
    file that is not an outbox is refused (exit status 2). It works while a worker runs.
    """
    import time

    from rich.table import Table

    from onestop.connectors.outbox import Outbox

    _require_outbox(outbox)
    with Outbox(outbox, read_only=True, lock_timeout=wait) as box:
        stats = box.stats()
        waiting = box.retrying(limit=50)
        dead = box.dead_letters(limit=50)
    now = time.time()
    retrying = [
        {
            "id": r.id,
            "dossier_code": r.dossier_code,
            "kind": r.kind,
            "attempts": r.attempts,
            "last_error": r.last_error,
            "next_attempt_in_seconds": round(max(0.0, float(r.next_attempt_at) - now), 1),
        }
        for r in waiting
    ]
    letters = [
        {
            "id": d.id,
            "dossier_code": d.dossier_code,
            "kind": d.kind,
            "attempts": d.attempts,
            "reason": d.reason,
        }
        for d in dead
    ]
    if json_:
        print_envelope(
            {
                "outbox": str(outbox),
                "stats": stats.to_dict(),
                "retrying": retrying,
                "dead_letters": letters,
            }
        )
        return
    table = Table("counter", "value", title=f"outbox {outbox}")
    for key, value in stats.to_dict().items():
        table.add_row(key, "-" if value is None else str(value))
    console.print(table)
    if retrying:
        retry_table = Table(
            "id", "dossier", "kind", "attempts", "next try in (s)", "last error", title="retrying"
        )
        for r in retrying:
            retry_table.add_row(
                *(
                    "-" if r[k] is None else str(r[k])
                    for k in (
                        "id",
                        "dossier_code",
                        "kind",
                        "attempts",
                        "next_attempt_in_seconds",
                        "last_error",
                    )
                )
            )
        console.print(retry_table)
    if letters:
        dead_table = Table("id", "dossier", "kind", "attempts", "reason", title="dead letters")
        for d in letters:
            dead_table.add_row(
                *(str(d[k]) for k in ("id", "dossier_code", "kind", "attempts", "reason"))
            )
        console.print(dead_table)


FakePortOption = Annotated[int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any).")]
FakeHostOption = Annotated[
    str, typer.Option("--host", parser=text_value, help="Loopback address to bind.")
]
FakeLatencyOption = Annotated[
    float, typer.Option("--latency", help="Seconds added to every answer.")
]
FakeFaultRateOption = Annotated[
    float, typer.Option("--fault-rate", help="Share of service calls that fail (0-1).")
]
FakeHangOption = Annotated[
    float, typer.Option("--hang", help="Seconds a 'timeout' fault holds the connection.")
]
FakeSeedOption = Annotated[int, typer.Option("--seed", help="Seed of the fault generator.")]


def configure_fake(fake: Any, *, latency: float, hang: float, fault_rate: float, seed: int) -> None:
    """Check the common options of a ``… fake`` command and apply them to ``fake``.

    Raises:
        InvalidInputError: a latency, hang time or fault rate out of range.
    """
    if not 0.0 <= latency <= 60.0:
        raise InvalidInputError(
            f"latency: expected seconds between 0 and 60, got {latency}", field="latency"
        )
    if not 0.0 <= hang <= 600.0:
        raise InvalidInputError(
            f"hang: expected seconds between 0 and 600, got {hang}", field="hang"
        )
    if not 0.0 <= fault_rate <= 1.0:
        raise InvalidInputError(
            f"fault_rate: expected a share between 0 and 1, got {fault_rate}", field="fault_rate"
        )
    fake.set_latency(latency)
    fake.hang_seconds = hang
    if fault_rate:
        fake.set_fault_rate(fault_rate, seed=seed)


def serve_fake(make: Callable[[], tuple[Any, dict[str, Any], str]], *, json_: bool) -> None:
    """Serve a shipped fake on loopback until SIGTERM or Ctrl-C (exit status 0).

    ``make`` builds the fake and its (not yet started) server and returns ``(server, info,
    banner)``: ``info`` is printed as the ``--json`` envelope, ``banner`` otherwise. The
    signal handlers are in place before ``make`` runs, so anyone who read the banner can stop
    the server with SIGTERM and get exit status 0, whenever the signal arrives.
    """
    # Signals that arrive before the server exists only raise a flag; later ones close it.
    stop_requested = threading.Event()
    holder: list[Any] = []

    def _stop(*_: object) -> None:
        stop_requested.set()
        if holder:
            # close() waits for the serving loop, which runs in this (main) thread.
            threading.Thread(target=holder[0].close, daemon=True).start()

    previous = {sig: signal.signal(sig, _stop) for sig in (signal.SIGTERM, signal.SIGINT)}
    try:
        server, info, banner = make()
        holder.append(server)
        if stop_requested.is_set():  # a signal came before the handler could see the server
            server.close()
        if json_:
            print_envelope(info)
        else:
            console.print(banner, markup=False)
        server.serve_forever()  # returns at once if a signal already closed the server
        server.close()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


@handle_errors
def fake_portal(
    port: FakePortOption = 8765,
    host: FakeHostOption = "127.0.0.1",
    latency: FakeLatencyOption = 0.0,
    fault_rate: FakeFaultRateOption = 0.0,
    hang: FakeHangOption = 2.0,
    seed: FakeSeedOption = 0,
    json_: JsonOption = False,
) -> None:
    """Serve the shipped fake portal (a test double) on loopback until Ctrl-C or SIGTERM.

    Exits with status 0 on SIGTERM or SIGINT, whenever the signal arrives.
    """
    from onestop.testing._fake_portal import FakePortal, FakePortalServer

    def make() -> tuple[Any, dict[str, Any], str]:
        portal = FakePortal(seed=seed)
        configure_fake(portal, latency=latency, hang=hang, fault_rate=fault_rate, seed=seed)
        server = FakePortalServer(portal, host=host, port=port)
        info = {
            "url": server.url,
            "service_path": "/service",
            "login_path": portal.login_path,
            "token_path": portal.token_path,
            "username": "onestop",
            "consumer_key": "onestop-key",
        }
        banner = (
            f"fake portal on {info['url']} (service /service, login /login, token /token; "
            "account onestop/onestop, consumer onestop-key/onestop-secret). Ctrl-C to stop."
        )
        return server, info, banner

    serve_fake(make, json_=json_)


@functools.wraps(fake_portal)
def fake_portal_deprecated(*args: Any, **kwargs: Any) -> None:
    """Deprecated name of ``onestop portal fake`` (kept for one release)."""
    err_console.print(
        "note: 'onestop fake-portal' is deprecated and will be removed in the next release; "
        "use 'onestop portal fake'",
        markup=False,
        soft_wrap=True,
    )
    fake_portal(*args, **kwargs)
