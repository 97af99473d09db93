"""Embed the durable outbox in a small web service (standard library only).

Run: python3 examples/outbox_service.py
Needs: pip install 'onestop-vn[http]'  (httpx, for the portal client)

A provincial system records each dossier change in its own database and, in the same request,
in onestop's outbox; a worker thread drains the outbox to the national portal. Here the
"portal" is onestop's FakePortal served on loopback (127.0.0.1), so the example runs anywhere:

1. start the fake portal, the outbox, the worker thread and the web service;
2. POST a dossier to the web service (as a desk application would);
3. wait until the worker has delivered it, and read it back from the portal;
4. shut everything down cleanly (worker first, so nothing is left in flight).
"""

from __future__ import annotations

import json
import tempfile
import threading
import time
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from onestop.connectors import AdapterAuth, Outbox, OutboxWorker, PortalClient
from onestop.errors import OneStopError
from onestop.models import Dossier
from onestop.testing import FakePortal, make_dossier

MAX_BODY = 1 << 20  # a dossier is a few kilobytes; refuse anything larger than 1 MiB


def make_handler(outbox: Outbox) -> type[BaseHTTPRequestHandler]:
    """The web service: POST /dossiers enqueues a dossier, GET /outbox reports the counters."""

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            if self.path != "/dossiers":
                self._reply(404, {"error": "not found"})
                return
            length = int(self.headers.get("Content-Length") or 0)
            if not 0 < length <= MAX_BODY:
                self._reply(413, {"error": f"a dossier is 1 to {MAX_BODY} bytes of JSON"})
                return
            try:
                dossier = Dossier.from_json(self.rfile.read(length))  # validated, typed
            except OneStopError as exc:  # InvalidDossierError: names the field, no personal data
                self._reply(422, exc.to_dict())
                return
            # ... your system saves the dossier in its own database here, then:
            entry = outbox.enqueue(dossier)  # durable when it returns (SQLite commit)
            self._reply(202, {"queued": str(dossier.code), "entry": entry})

        def do_GET(self) -> None:
            if self.path != "/outbox":
                self._reply(404, {"error": "not found"})
                return
            self._reply(200, outbox.stats().to_dict())

        def _reply(self, status: int, body: object) -> None:
            data = json.dumps(body, ensure_ascii=False, default=str).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, format: str, *args: object) -> None:
            pass  # keep the example's output readable (and access logs hold no dossier data)

    return Handler


def call(method: str, url: str, body: bytes | None = None) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(url, data=body, method=method)  # noqa: S310 (loopback)
    request.add_header("Content-Type", "application/json")
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:  # a 4xx/5xx answer still has our JSON body
        with exc:
            return exc.code, json.loads(exc.read())


def main() -> None:
    workdir = Path(tempfile.mkdtemp(prefix="outbox-service-"))
    portal = FakePortal()
    with portal.serve() as portal_server:  # a real HTTP server on 127.0.0.1, a free port
        outbox = Outbox(workdir / "outbox.sqlite")  # created with mode 0600: it holds dossiers
        client = PortalClient(
            portal_server.url,  # production: PortalClient.from_env() (ONESTOP_PORTAL_*)
            auth=AdapterAuth("onestop", "onestop"),
            unit_code="H56",
        )
        stop = threading.Event()
        worker = threading.Thread(
            target=OutboxWorker(outbox, client, poll_interval=0.05).run,
            kwargs={"stop_when": "never", "stop_event": stop},
            name="outbox-worker",
        )
        service = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(outbox))
        web = threading.Thread(target=service.serve_forever, name="web")
        worker.start()
        web.start()
        base = f"http://127.0.0.1:{service.server_address[1]}"
        try:
            dossier = make_dossier(seed=3)
            status, answer = call("POST", f"{base}/dossiers", dossier.to_json().encode())
            print("POST /dossiers ->", status, answer)

            deadline = time.monotonic() + 30
            stats = call("GET", f"{base}/outbox")[1]
            while stats["delivered"] == 0 and time.monotonic() < deadline:
                time.sleep(0.05)
                stats = call("GET", f"{base}/outbox")[1]
            print("GET /outbox ->", stats)

            held = portal.dossier(str(dossier.code))  # what the portal now holds
            assert held is not None, "the worker did not deliver the dossier"
            # A dossier that does not validate is refused before it reaches the outbox.
            status, answer = call("POST", f"{base}/dossiers", b'{"code": "H56-1"}')
            print("POST /dossiers (invalid) ->", status, answer["code"], answer["field"])

            print(
                "portal holds",
                held.code,
                "status",
                held.status,
                "creates",
                portal.creates[held.code],
            )
        finally:
            # Stop taking requests, then let the worker finish what is in flight.
            service.shutdown()
            web.join()
            service.server_close()
            stop.set()
            worker.join()
            client.close()
            outbox.close()
    print("shut down cleanly")


if __name__ == "__main__":
    main()
