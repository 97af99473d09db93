"""The ``onestop payment`` commands (the national online-payment platform).

* ``onestop payment verify-ipn FILE --secret-env VAR [--algorithm …] [--partner-code CODE]``:
  check an IPN callback's form, ``MaXacThuc`` and partner. Exit status 0 when it is valid, 1
  when it is not (``--json``: ``"ok": false, "error": null, "valid": false`` and the
  ``problems``), 2 for bad input (an unreadable file, not a JSON document, an unset
  variable, an unknown algorithm). The secret is read from the variable ``VAR`` (never an
  option: it would show in the process list) and never printed;
* ``onestop payment fake --port 8767 [--ipn-url URL]``: serve the shipped fake platform on
  loopback, sending its IPNs to ``URL``.
"""

from __future__ import annotations

import json
import os
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
from onestop.cli._portal import (
    FakeFaultRateOption,
    FakeHangOption,
    FakeHostOption,
    FakeLatencyOption,
    FakeSeedOption,
    configure_fake,
    serve_fake,
)
from onestop.errors import ConfigurationError, InvalidInputError

__all__ = ["PAYMENT_HELP", "fake_payment", "verify_ipn"]

#: Help of the ``onestop payment`` group.
PAYMENT_HELP = "Check and simulate payments of the national online-payment platform."

AlgorithmOption = Annotated[
    str,
    typer.Option(
        "--algorithm",
        parser=text_value,
        help="'sha256-secret' (SHA-256 with the secret appended; default) or 'hmac-sha256'.",
    ),
]


def _secret_from(variable: str) -> str:
    if not variable.replace("_", "").isalnum():
        raise InvalidInputError(
            f"secret_env: {variable[:40]!r} is not an environment variable name",
            field="secret_env",
        )
    value = os.environ.get(variable)
    if not value:
        raise ConfigurationError(
            f"secret_env: the variable {variable} is not set or empty; export the secret "
            "shared with the payment platform in it",
            field="secret_env",
        )
    return value


@handle_errors
def verify_ipn(
    ipn_file: Annotated[
        Path, typer.Argument(parser=path_value, help="The IPN body as received (JSON).")
    ],
    secret_env: Annotated[
        str,
        typer.Option(
            "--secret-env",
            parser=text_value,
            help="Name of the environment variable holding the shared secret.",
        ),
    ],
    algorithm: AlgorithmOption = "sha256-secret",
    partner_code: Annotated[
        str | None,
        typer.Option("--partner-code", parser=text_value, help="Check MaDoiTac against this."),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Check an IPN callback: its form, its MaXacThuc checksum and its partner code.

    Exit status 0 when valid, 1 when not (a verdict, not an error), 2 for bad input.
    """
    from onestop.connectors._payment_protocol import check_algorithm
    from onestop.connectors._payment_protocol import verify_ipn as check_ipn

    chosen = check_algorithm(algorithm)
    secret = _secret_from(secret_env)
    text = read_input_text(ipn_file, field="ipn_file")
    try:
        data = json.loads(text)
    except ValueError:
        raise InvalidInputError(
            f"ipn_file: {str(ipn_file)!r} is not a JSON document; expected the IPN body as "
            "received",
            field="ipn_file",
        ) from None
    if not isinstance(data, dict):
        raise InvalidInputError(
            f"ipn_file: {str(ipn_file)!r} is not a JSON object; expected the IPN body",
            field="ipn_file",
        )
    result = check_ipn(data, secret=secret, algorithm=chosen, partner_code=partner_code)
    report = {**result.to_dict(), "algorithm": chosen}
    if json_:
        print_envelope(report, ok=result.valid)
    elif result.valid:
        note = " (MaLoi is not covered: confirm with a QUERY)" if result.needs_query else ""
        console.print(f"valid IPN for {result.reference}: {report['state']}{note}", markup=False)
    else:
        problems = ", ".join(report["problems"])
        err_console.print(f"invalid IPN: {problems}", markup=False)
    if not result.valid:
        raise typer.Exit(1)


@handle_errors
def fake_payment(
    port: Annotated[
        int, typer.Option("--port", min=0, max=65535, help="TCP port (0: any).")
    ] = 8767,
    host: FakeHostOption = "127.0.0.1",
    ipn_url: Annotated[
        str | None,
        typer.Option("--ipn-url", parser=text_value, help="Where to send the IPN callbacks."),
    ] = None,
    algorithm: AlgorithmOption = "sha256-secret",
    latency: FakeLatencyOption = 0.0,
    fault_rate: FakeFaultRateOption = 0.0,
    hang: FakeHangOption = 2.0,
    seed: FakeSeedOption = 0,
    json_: JsonOption = False,
) -> None:
    """Serve the shipped fake payment platform (a test double) on loopback until Ctrl-C.

    Open a payment page (``GET /pay/<reference>?outcome=success|failure``) to pay; the IPN
    goes to ``--ipn-url`` until it is acknowledged. The fake's secret is the documented
    ``onestop-payment-secret``; it is not printed.
    """
    from onestop.connectors._payment_protocol import check_algorithm
    from onestop.testing._fake_http import FakeServer
    from onestop.testing._fake_payment import FakePayment

    chosen = check_algorithm(algorithm)
    if ipn_url is not None and not ipn_url.startswith(("http://", "https://")):
        raise InvalidInputError(
            "ipn_url: expected an http:// or https:// URL of the IPN endpoint", field="ipn_url"
        )

    def make() -> tuple[Any, dict[str, Any], str]:
        fake = FakePayment(seed=seed, algorithm=chosen)
        configure_fake(fake, latency=latency, hang=hang, fault_rate=fault_rate, seed=seed)
        server = FakeServer(fake, host=host, port=port)
        fake.page_base = server.url  # the payment pages name the server
        if ipn_url is not None:
            fake.start_ipn_sender(ipn_url)
        info = {
            "url": server.url,
            "partner_code": fake.partner_code,
            "algorithm": chosen,
            "init_path": "/init",
            "query_path": "/query",
            "bill_path": "/getbill",
            "ipn_url": ipn_url,
        }
        banner = (
            f"fake payment platform on {server.url} (partner {fake.partner_code}, {chosen}; "
            "/init, /query, /getbill, pages /pay/<reference>). Ctrl-C to stop."
        )
        return server, info, banner

    serve_fake(make, json_=json_)
