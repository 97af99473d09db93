"""``onestop postal`` and ``onestop payment``: orders, tracking, IPN verification, the fakes."""

from __future__ import annotations

import http.server
import json
import signal
import threading
import time

import httpx
import pytest

from onestop.connectors import PaymentClient, PaymentLedger
from onestop.connectors._payment_protocol import sign
from onestop.testing import make_dossier, make_postal_party


@pytest.fixture
def dossier_file(tmp_path, postal_dossier_json):
    path = tmp_path / "dossier.json"
    path.write_text(postal_dossier_json, encoding="utf-8")
    return str(path)


def test_send_then_resend_is_a_duplicate(app, runner, served_postal, dossier_file):
    first = runner.invoke(app, ["postal", "send", dossier_file, "--kind", "pickup", "--json"])
    assert first.exit_code == 0, first.output
    data = json.loads(first.stdout)
    assert (data["status"], data["duplicate"], data["kind"]) == ("100", False, "pickup")
    assert data["order_number"].endswith("-TG")
    again = runner.invoke(app, ["postal", "send", dossier_file, "--kind", "pickup", "--json"])
    assert json.loads(again.stdout)["duplicate"] is True
    assert served_postal.creates[data["order_number"]] == 1
    plain = runner.invoke(app, ["postal", "send", dossier_file, "--kind", "delivery"])
    assert plain.exit_code == 0 and "delivery order accepted (100)" in plain.stdout
    assert "onestop-secret" not in first.stdout + again.stdout + plain.stdout


def test_send_with_another_applicant_and_bad_settings(
    app, runner, served_postal, dossier_file, tmp_path, monkeypatch
):
    other = tmp_path / "party.json"
    party = make_postal_party(seed=5)
    other.write_text(party.to_json(), encoding="utf-8")
    result = runner.invoke(
        app, ["postal", "send", dossier_file, "--kind", "delivery", "--applicant", str(other)]
    )
    assert result.exit_code == 0, result.output
    [number] = served_postal.order_numbers()
    assert served_postal.order(number).receiver_name == party.name
    monkeypatch.delenv("ONESTOP_POSTAL_AGENCY_FILE")
    missing = runner.invoke(app, ["postal", "send", dossier_file, "--kind", "pickup", "--json"])
    assert missing.exit_code == 2
    assert json.loads(missing.stdout)["error"]["code"] == "configuration_error"
    plain_dossier = tmp_path / "plain.json"
    plain_dossier.write_text(make_dossier(3).to_json(), encoding="utf-8")
    no_address = runner.invoke(
        app,
        [
            "postal",
            "send",
            str(plain_dossier),
            "--kind",
            "pickup",
            "--agency",
            str(other),
            "--json",
        ],
    )
    assert no_address.exit_code == 2
    assert json.loads(no_address.stdout)["error"]["field"] == "applicant.contact.postal_address"


def test_an_agency_file_that_is_not_utf8_is_bad_input(
    app, runner, served_postal, dossier_file, tmp_path
):
    agency = tmp_path / "agency-utf16.json"
    agency.write_bytes(make_postal_party(seed=99).to_json().encode("utf-16"))
    for command in (
        ["postal", "send", dossier_file, "--kind", "pickup"],
        ["postal", "track"],
    ):
        result = runner.invoke(app, [*command, "--agency", str(agency), "--json"])
        assert result.exit_code == 2, result.output
        error = json.loads(result.stdout)["error"]
        assert (error["code"], error["field"]) == ("invalid_input", "agency_file")
        assert "UTF-8" in error["message"]
    assert served_postal.order_numbers() == []


def test_track_pages_with_the_cursor(app, runner, served_postal, dossier_file):
    runner.invoke(app, ["postal", "send", dossier_file, "--kind", "delivery"])
    [number] = served_postal.order_numbers()
    served_postal.deliver(number)
    first = json.loads(runner.invoke(app, ["postal", "track", "--page-size", "5", "--json"]).stdout)
    assert [e["status"] for e in first["events"]] == ["1", "2", "4", "6", "7"]
    cursor = first["last_id"]
    rest = json.loads(runner.invoke(app, ["postal", "track", "--since", cursor, "--json"]).stdout)
    last = rest["events"][-1]
    assert (last["status"], last["terminal"], last["label_en"]) == ("14", True, "Delivered")
    plain = runner.invoke(app, ["postal", "track", "--since", rest["last_id"]])
    assert plain.exit_code == 0 and plain.stdout.strip() == f"next: --since {rest['last_id']}"


@pytest.fixture
def ipn_files(tmp_path, signed_ipn, monkeypatch):
    monkeypatch.setenv("IPN_SECRET", "onestop-payment-secret")
    files = {}
    hmac_body = dict(signed_ipn)
    hmac_body["MaXacThuc"] = sign(
        hmac_body, "IPN", secret="onestop-payment-secret", algorithm="hmac-sha256"
    )
    for name, body in {
        "genuine": signed_ipn,
        "tampered": {**signed_ipn, "MaLoi": "01"},
        "hmac": hmac_body,
        "fields": {"MaLoi": "00"},
    }.items():
        files[name] = tmp_path / f"{name}.json"
        files[name].write_text(json.dumps(body), encoding="utf-8")
    return {k: str(v) for k, v in files.items()}


def test_verify_ipn_verdicts(app, runner, ipn_files, signed_ipn):
    base = ["payment", "verify-ipn", "--secret-env", "IPN_SECRET", "--json"]
    good = runner.invoke(app, [*base, ipn_files["genuine"]])
    assert good.exit_code == 0
    data = json.loads(good.stdout)
    assert (data["valid"], data["problems"], data["state"]) == (True, [], "succeeded")
    bad = runner.invoke(app, [*base, ipn_files["tampered"]])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert (data["ok"], data["error"], data["valid"], data["problems"]) == (
        False,
        None,
        False,
        ["checksum"],
    )
    partner = runner.invoke(app, [*base, ipn_files["genuine"], "--partner-code", "H56"])
    assert json.loads(partner.stdout)["problems"] == ["partner"]
    fields = runner.invoke(app, [*base, ipn_files["fields"]])
    assert (fields.exit_code, json.loads(fields.stdout)["problems"]) == (1, ["malformed"])
    hmac_ok = runner.invoke(app, [*base, ipn_files["hmac"], "--algorithm", "hmac-sha256"])
    data = json.loads(hmac_ok.stdout)
    assert (
        data["valid"]
        and data["needs_query"]
        and data["uncovered_fields"]
        == [
            "MaLoi",
            "MaGiaoDich",
        ]
    )
    for result in (good, bad, partner, hmac_ok):
        assert "onestop-payment-secret" not in result.stdout + result.stderr
        assert signed_ipn["MaXacThuc"] not in result.stdout
    plain = runner.invoke(
        app, ["payment", "verify-ipn", ipn_files["tampered"], "--secret-env", "IPN_SECRET"]
    )
    assert plain.exit_code == 1 and plain.stderr.strip() == "invalid IPN: checksum"


def test_verify_ipn_bad_input(app, runner, ipn_files, tmp_path, monkeypatch):
    base = ["payment", "verify-ipn", ipn_files["genuine"], "--json"]
    unset = runner.invoke(app, [*base, "--secret-env", "NO_SUCH_VARIABLE"])
    assert unset.exit_code == 2
    assert json.loads(unset.stdout)["error"]["code"] == "configuration_error"
    algorithm = runner.invoke(app, [*base, "--secret-env", "IPN_SECRET", "--algorithm", "md5"])
    assert algorithm.exit_code == 2
    text = tmp_path / "note.txt"
    text.write_text("not json", encoding="utf-8")
    not_json = runner.invoke(
        app, ["payment", "verify-ipn", str(text), "--secret-env", "IPN_SECRET", "--json"]
    )
    assert (not_json.exit_code, json.loads(not_json.stdout)["error"]["code"]) == (
        2,
        "invalid_input",
    )


class _Receiver(http.server.BaseHTTPRequestHandler):
    ledger: PaymentLedger

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        outcome = self.ledger.handle_ipn(body)
        reply = json.dumps(dict(outcome.reply)).encode()
        self.send_response(outcome.http_status)
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)

    def log_message(self, *args):
        pass


def test_payment_fake_pages_and_ipns(fake_portal_process, tmp_path):
    ledger = PaymentLedger(
        tmp_path / "l.sqlite", partner_code="ONESTOP", secret="onestop-payment-secret"
    )
    handler = type("Handler", (_Receiver,), {"ledger": ledger})
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=receiver.serve_forever, daemon=True)
    thread.start()
    ipn_url = f"http://127.0.0.1:{receiver.server_address[1]}/ipn"
    proc, info = fake_portal_process.start("payment", "fake", "--ipn-url", ipn_url)
    try:
        assert "onestop-payment-secret" not in json.dumps(info)
        with PaymentClient(
            info["url"], partner_code="ONESTOP", secret="onestop-payment-secret"
        ) as client:
            payment, page = client.begin_payment(ledger, make_dossier(40), amount=50_000)
        assert httpx.get(page).json()["state"] == "succeeded"
        deadline = time.monotonic() + 30
        while ledger.payment(payment.reference).state.value == "pending":
            assert time.monotonic() < deadline, "no IPN within 30 s"
            time.sleep(0.05)
        assert ledger.payment(payment.reference).state.value == "succeeded"
    finally:
        returncode, _ = fake_portal_process.stop(proc, signal.SIGTERM)
        receiver.shutdown()
        receiver.server_close()
        ledger.close()
    assert returncode == 0
