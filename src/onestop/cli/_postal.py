"""The ``onestop postal`` commands (VNPost public postal service, BCCI).

* ``onestop postal send DOSSIER.json --kind pickup|delivery``: send one order (a pickup of the
  dossier at the applicant's address, or the delivery of its result), keyed by the dossier
  code; ``--json`` prints ``order_number``, ``status`` (``"100"``, or ``"101"`` for an order
  number VNPost already held) and ``duplicate``;
* ``onestop postal track [--since LAST_ID]``: the status events after a cursor, and the cursor
  to pass next time;
* ``onestop postal fake --port 8766``: serve the shipped fake VNPost on loopback.

Settings come from the options or the environment (:class:`onestop.connectors.PostalSettings`):
``ONESTOP_POSTAL_URL``, ``ONESTOP_POSTAL_CUSTOMER_CODE``, ``ONESTOP_POSTAL_AGENCY_FILE`` and
the portal's credentials (``ONESTOP_PORTAL_CONSUMER_KEY`` / ``…_SECRET`` for a gateway,
``ONESTOP_PORTAL_USERNAME`` / ``…_PASSWORD`` for MyVNPost); secrets from the environment only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from onestop.cli._app import (
    JsonOption,
    console,
    handle_errors,
    path_value,
    print_envelope,
    read_input_text,
    text_value,
)
from onestop.cli._portal import (
    ConsumerKeyOption,
    DossierFileArgument,
    FakeFaultRateOption,
    FakeHangOption,
    FakeHostOption,
    FakeLatencyOption,
    FakeSeedOption,
    TokenUrlOption,
    UserOption,
    configure_fake,
    connection_options,
    serve_fake,
)
from onestop.errors import InvalidInputError

if TYPE_CHECKING:
    from onestop.connectors.postal import PostalClient

__all__ = ["POSTAL_HELP", "fake_postal", "send", "track"]

#: Help of the ``onestop postal`` group.
POSTAL_HELP = "Send dossiers and results by the public postal service (VNPost BCCI)."

_OPTIONS: dict[str, tuple[str, Any]] = {
    "url": (
        "base_url",
        Annotated[
            str | None,
            typer.Option(
                "--url", parser=text_value, help="Postal order API base URL [ONESTOP_POSTAL_URL]."
            ),
        ],
    ),
    "customer_code": (
        "customer_code",
        Annotated[
            str | None,
            typer.Option(
                "--customer-code",
                parser=text_value,
                help="VNPost customer code [ONESTOP_POSTAL_CUSTOMER_CODE].",
            ),
        ],
    ),
    "auth": (
        "auth_mode",
        Annotated[
            str | None,
            typer.Option(
                "--auth", parser=text_value, help="'gateway' or 'myvnpost' [ONESTOP_POSTAL_AUTH]."
            ),
        ],
    ),
    "username": ("username", UserOption),
    "consumer_key": ("consumer_key", ConsumerKeyOption),
    "token_url": ("token_url", TokenUrlOption),
    "agency_file": (
        "agency_file",
        Annotated[
            str | None,
            typer.Option(
                "--agency",
                parser=text_value,
                help="The agency's PostalParty as JSON [ONESTOP_POSTAL_AGENCY_FILE].",
            ),
        ],
    ),
    "timeout": (
        "timeout",
        Annotated[
            float | None,
            typer.Option(
                "--timeout",
                help="Total seconds of one HTTP call [ONESTOP_POSTAL_TIMEOUT, default 30].",
            ),
        ],
    ),
}

_with_options = connection_options(_OPTIONS)


def _client(overrides: dict[str, Any]) -> PostalClient:
    """The postal client of the settings, the agency file read with the CLI's input reader."""
    from onestop.connectors import PostalSettings
    from onestop.connectors.postal import PostalClient
    from onestop.models import PostalParty

    settings = PostalSettings.from_env(**overrides)
    agency = None
    if settings.agency_file is not None:
        text = read_input_text(Path(settings.agency_file), field="agency_file")
        agency = PostalParty.from_json(text)
    return PostalClient.from_env(agency=agency, **overrides)


KindOption = Annotated[
    str,
    typer.Option("--kind", parser=text_value, help="'pickup' (collect the dossier) or 'delivery'."),
]


@handle_errors
@_with_options
def send(
    dossier_file: DossierFileArgument,
    kind: KindOption,
    applicant: Annotated[
        Path | None,
        typer.Option(
            "--applicant",
            parser=path_value,
            help="The applicant's PostalParty as JSON (default: from the dossier's contact).",
        ),
    ] = None,
    *,
    overrides: dict[str, Any],
    json_: JsonOption = False,
) -> None:
    """Send one postal order for a dossier (safe to repeat: VNPost answers 101 to a resend)."""
    from onestop.models import Dossier, PostalOrderKind, PostalParty

    if kind not in ("pickup", "delivery"):
        raise InvalidInputError(
            f"kind: expected 'pickup' or 'delivery', got {kind[:20]!r}", field="kind"
        )
    dossier = Dossier.from_json(read_input_text(dossier_file, field="dossier_file"))
    party = (
        None
        if applicant is None
        else PostalParty.from_json(read_input_text(applicant, field="applicant"))
    )
    with _client(overrides) as client:
        if PostalOrderKind(kind) is PostalOrderKind.PICKUP:
            result = client.pickup(dossier, applicant=party)
        else:
            result = client.deliver_result(dossier, applicant=party)
    if json_:
        print_envelope(
            {
                "order_number": result.order_number,
                "kind": kind,
                "status": result.status,
                "duplicate": result.duplicate,
            }
        )
    else:
        said = "already registered (101)" if result.duplicate else "accepted (100)"
        console.print(f"{result.order_number}: {kind} order {said}", markup=False)


@handle_errors
@_with_options
def track(
    since: Annotated[
        str | None,
        typer.Option(
            "--since",
            parser=text_value,
            help="The cursor printed by the previous run (24 hex digits); default: the start.",
        ),
    ] = None,
    page_size: Annotated[
        int, typer.Option("--page-size", min=1, max=1000, help="Events per page.")
    ] = 100,
    *,
    overrides: dict[str, Any],
    json_: JsonOption = False,
) -> None:
    """Print the status events after a cursor, and the cursor to pass next time."""
    with _client(overrides) as client:
        page = client.track(since, page_size=page_size)
    events = [
        {
            "event_id": e.event_id,
            "order_number": e.order_number,
            "status": e.status_code,
            "terminal": None if e.status is None else e.status.is_terminal,
            "label_vi": None if e.status is None else e.status.label_vi,
            "label_en": None if e.status is None else e.status.label_en,
        }
        for e in page.events
    ]
    if json_:
        print_envelope({"last_id": page.last_id, "events": events})
        return
    for event in events:
        label = event["label_vi"] or "(international event)"
        console.print(f"{event['order_number']}: {event['status']} {label}", markup=False)
    console.print(f"next: --since {page.last_id}", markup=False)


@handle_errors
def fake_postal(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any).")
    ] = 8766,
    host: FakeHostOption = "127.0.0.1",
    latency: FakeLatencyOption = 0.0,
    fault_rate: FakeFaultRateOption = 0.0,
    hang: FakeHangOption = 2.0,
    seed: FakeSeedOption = 0,
    json_: JsonOption = False,
) -> None:
    """Serve the shipped fake VNPost (a test double) on loopback until Ctrl-C or SIGTERM."""
    from onestop.testing._fake_http import FakeServer
    from onestop.testing._fake_postal import FakePostal

    def make() -> tuple[Any, dict[str, Any], str]:
        postal = FakePostal(seed=seed)
        configure_fake(postal, latency=latency, hang=hang, fault_rate=fault_rate, seed=seed)
        server = FakeServer(postal, host=host, port=port)
        info = {
            "url": server.url,
            "customer_code": postal.customer_code,
            "order_path": "/order/post",
            "tracking_path": "/order/tracking",
            "token_path": postal.token_path,
            "consumer_key": "onestop-key",
            "username": "onestop",
        }
        banner = (
            f"fake VNPost on {server.url} (customer {postal.customer_code}; /order/post, "
            "/order/cancel, /order/tracking, /order/price; consumer onestop-key/onestop-secret, "
            "MyVNPost account onestop/onestop). Ctrl-C to stop."
        )
        return server, info, banner

    serve_fake(make, json_=json_)
