"""``onestop sign`` / ``onestop verify``: exit codes and the JSON envelope."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from onestop.tz import VN_TZ

KEYS = {"ok", "error", "valid", "intact", "trusted", "signer", "problems"}


@pytest.fixture(scope="module")
def files(test_pki, tmp_path_factory):
    base = tmp_path_factory.mktemp("pki")
    paths = test_pki.write(base)
    doc = base / "ket-qua.txt"
    doc.write_text("Kết quả giải quyết TTHC số 123/QĐ-UBND\n", encoding="utf-8")
    paths["doc"] = doc
    return paths


def _sign(app, runner, files, name, out, *extra):
    return runner.invoke(
        app,
        [
            "sign",
            str(files["doc"]),
            "--key",
            str(files[f"{name}.key"]),
            "--cert",
            str(files[name]),
            "--chain",
            str(files[f"{name}.chain"]),
            "--out",
            str(out),
            *extra,
        ],
    )


def _verify(app, runner, files, sig, *extra, doc=None):
    result = runner.invoke(
        app,
        [
            "verify",
            str(doc or files["doc"]),
            "--signature",
            str(sig),
            "--trust",
            str(files["trust"]),
            "--json",
            *extra,
        ],
    )
    payload = json.loads(result.stdout)
    # The envelope: "ok" mirrors exit status 0; a verdict carries the status keys and a null
    # error, a failure to verify at all carries only the error.
    assert payload["ok"] is (result.exit_code == 0)
    if payload["error"] is None:
        assert payload.keys() >= KEYS
    else:
        assert set(payload) == {"ok", "error"} and result.exit_code in (1, 2)
    return result.exit_code, payload


def test_sign_then_verify(app, runner, files, tmp_path):
    sig = tmp_path / "kq.p7s"
    result = _sign(app, runner, files, "signer", sig, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is True and out["bytes"] == len(sig.read_bytes())
    assert out["signer"]["tax_code"] == "0109999904"
    code, payload = _verify(app, runner, files, sig)
    assert code == 0
    assert payload["valid"] is payload["intact"] is payload["trusted"] is True
    assert payload["error"] is None and payload["problems"] == []
    assert payload["signer"]["citizen_id"] == "001090012345"
    human = runner.invoke(
        app, ["verify", str(files["doc"]), "--signature", str(sig), "--trust", str(files["trust"])]
    )
    assert human.exit_code == 0
    assert human.stdout.startswith("VALID")


def test_tampered_file_exits_1(app, runner, files, tmp_path):
    sig = tmp_path / "kq.p7s"
    assert _sign(app, runner, files, "signer", sig).exit_code == 0
    changed = tmp_path / "changed.txt"
    changed.write_bytes(files["doc"].read_bytes() + b" ")
    code, payload = _verify(app, runner, files, sig, doc=changed)
    assert code == 1
    assert payload["valid"] is False and payload["intact"] is False
    assert [p["code"] for p in payload["problems"]] == ["tampered"]


@pytest.mark.parametrize(
    ("name", "code"),
    [("expired", "expired"), ("wrong_usage", "wrong_usage"), ("stranger", "untrusted_root")],
)
def test_certificate_problems_exit_1(app, runner, files, tmp_path, name, code):
    sig = tmp_path / f"{name}.p7s"
    assert _sign(app, runner, files, name, sig).exit_code == 0
    status, payload = _verify(app, runner, files, sig)
    assert status == 1
    assert payload["intact"] is True and payload["valid"] is False
    assert code in [p["code"] for p in payload["problems"]]


def test_at_option(app, runner, files, tmp_path, test_pki):
    sig = tmp_path / "expired.p7s"
    assert _sign(app, runner, files, "expired", sig).exit_code == 0
    before = (test_pki.expired.certificate.not_after.replace(tzinfo=None)).isoformat()
    code, payload = _verify(app, runner, files, sig, "--at", before[:10] + "T00:00:00+00:00")
    assert code == 0, payload
    code, payload = _verify(app, runner, files, sig, "--at", "yesterday")
    assert code == 2
    assert payload["error"]["code"] == "invalid_input" and payload["error"]["field"] == "at"
    # one parser for every option: a time without offset is Vietnam time, dd/mm/yyyy works
    day = test_pki.expired.certificate.not_after.astimezone(VN_TZ) - dt.timedelta(days=1)
    for text in (f"{day:%Y-%m-%dT%H:%M}", f"{day:%d/%m/%Y %H:%M}"):
        code, payload = _verify(app, runner, files, sig, "--at", text)
        assert code == 0, payload
        assert payload["validated_at"] == f"{day:%Y-%m-%dT%H:%M}:00+07:00"


def test_revoked_with_crl(app, runner, files, tmp_path, test_pki):
    sig = tmp_path / "revoked.p7s"
    assert _sign(app, runner, files, "revoked", sig).exit_code == 0
    crls = []
    for i, data in enumerate(test_pki.crls()):
        path = tmp_path / f"{i}.crl"
        path.write_bytes(data)
        crls += ["--crl", str(path)]
    code, payload = _verify(app, runner, files, sig, *crls)
    assert code == 1
    assert [p["code"] for p in payload["problems"]] == ["revoked"]
    # a negative answer, not an error: the command did its job
    assert (payload["ok"], payload["error"], payload["valid"]) == (False, None, False)


@pytest.mark.parametrize(
    "garbage", [b"", b"\x30\x82\x01", b"-----BEGIN PKCS7-----\n!!\n-----END PKCS7-----\n"]
)
def test_malformed_signature_is_one_json_object_exit_2(app, runner, files, tmp_path, garbage):
    sig = tmp_path / "bad.p7s"
    sig.write_bytes(garbage)
    code, payload = _verify(app, runner, files, sig)
    assert code == 2
    assert payload["ok"] is False
    assert payload["error"]["code"] == "signature_error"
    assert payload["error"]["field"] == "signature"


def test_missing_files_are_bad_input(app, runner, files, tmp_path):
    code, payload = _verify(app, runner, files, tmp_path / "missing.p7s")
    assert code == 2 and "signature" in payload["error"]["message"]
    result = runner.invoke(
        app,
        [
            "sign",
            str(tmp_path / "nope.txt"),
            "--key",
            str(files["signer.key"]),
            "--cert",
            str(files["signer"]),
            "--out",
            str(tmp_path / "x.p7s"),
            "--json",
        ],
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "invalid_input" and error["field"] == "file"


def test_sign_with_garbled_key_exits_2(app, runner, files, tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")
    result = runner.invoke(
        app,
        [
            "sign",
            str(files["doc"]),
            "--key",
            str(bad),
            "--cert",
            str(files["signer"]),
            "--out",
            str(tmp_path / "x.p7s"),
            "--json",
        ],
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["code"] == "certificate_error" and error["message"].startswith("key:")


def test_unexpected_failure_is_still_one_json_object(app, runner, files, tmp_path, monkeypatch):
    import onestop.signatures.cms as cms_module

    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(cms_module, "verify_bytes", boom)
    sig = tmp_path / "x.p7s"
    sig.write_bytes(b"\x30\x00")
    code, payload = _verify(app, runner, files, sig)
    assert code == 1
    assert payload["ok"] is False and payload["error"]["code"] == "internal_error"


def test_verify_signatures_embedded_in_a_pdf(app, runner, files, tmp_path, test_pki):
    from onestop.signatures.pdf import sign_pdf
    from onestop.testing import make_test_pdf

    pdf = make_test_pdf()
    s, org = test_pki.signer, test_pki.organization
    once = sign_pdf(pdf, certificate=s.certificate, key=s.key, chain=s.chain)
    twice = sign_pdf(
        once, certificate=org.certificate, key=org.key, chain=org.chain, field_name="Sig2"
    )
    path = tmp_path / "kq.pdf"
    path.write_bytes(twice)
    result = runner.invoke(app, ["verify", str(path), "--trust", str(files["trust"]), "--json"])
    assert result.exit_code == 0, result.stdout
    payload = json.loads(result.stdout)
    assert payload["valid"] is True and payload["error"] is None
    assert [sig["signer"]["tax_code"] for sig in payload["signatures"]] == [
        "0109999904",
        "0312345602-001",
    ]
    # One expired signer makes the whole PDF invalid.
    e = test_pki.expired
    path.write_bytes(
        sign_pdf(once, certificate=e.certificate, key=e.key, chain=e.chain, field_name="Sig2")
    )
    result = runner.invoke(app, ["verify", str(path), "--trust", str(files["trust"]), "--json"])
    assert result.exit_code == 1
    assert [p["code"] for p in json.loads(result.stdout)["problems"]] == ["expired"]
    # Unsigned PDF and non-PDF without --signature: bad input.
    path.write_bytes(pdf)
    result = runner.invoke(app, ["verify", str(path), "--trust", str(files["trust"]), "--json"])
    assert result.exit_code == 2 and "no signature" in json.loads(result.stdout)["error"]["message"]
    result = runner.invoke(app, ["verify", str(files["doc"]), "--json"])
    assert result.exit_code == 2 and json.loads(result.stdout)["error"]["field"] == "signature"


def test_sign_pdf_with_pades_then_verify(app, runner, files, tmp_path):
    from onestop.testing import make_test_pdf

    source = tmp_path / "kq.pdf"
    source.write_bytes(make_test_pdf())
    out = tmp_path / "kq-signed.pdf"
    result = runner.invoke(
        app,
        [
            "sign",
            str(source),
            "--key",
            str(files["signer.key"]),
            "--cert",
            str(files["signer"]),
            "--chain",
            str(files["signer.chain"]),
            "--out",
            str(out),
            "--pades",
            "--visible",
            "--reason",
            "Phê duyệt",
            "--json",
        ],
    )
    assert result.exit_code == 0, result.stdout
    result = runner.invoke(app, ["verify", str(out), "--trust", str(files["trust"]), "--json"])
    assert result.exit_code == 0 and json.loads(result.stdout)["valid"] is True
    result = runner.invoke(
        app,
        [
            "sign",
            str(source),
            "--key",
            str(files["signer.key"]),
            "--cert",
            str(files["signer"]),
            "--out",
            str(out),
            "--visible",
            "--json",
        ],
    )
    assert result.exit_code == 2 and json.loads(result.stdout)["error"]["message"].startswith(
        "--visible"
    )


def test_cert_info(app, runner, files, test_pki):
    result = runner.invoke(app, ["cert-info", str(files["signer"]), "--json"])
    assert result.exit_code == 0, result.stdout
    (item,) = json.loads(result.stdout)["certificates"]
    assert item["identity"]["tax_code"] == "0109999904"
    assert [i["prefix"] for i in item["identity"]["identifiers"]] == ["MST", "CCCD"]
    assert item["key_usage"] == ["content_commitment", "digital_signature"]
    assert item["validity_at"]["state"] == "valid"
    chain = runner.invoke(app, ["cert-info", str(files["signer.chain"]), "--json"])
    assert [c["is_ca"] for c in json.loads(chain.stdout)["certificates"]] == [True, True]
    expired = runner.invoke(app, ["cert-info", str(files["expired"])])
    assert expired.exit_code == 0 and "expired at" in expired.stdout
    bad = runner.invoke(app, ["cert-info", str(files["doc"]), "--json"])
    assert bad.exit_code == 2 and json.loads(bad.stdout)["error"]["code"] == "certificate_error"


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["verify", "--json"], "Missing argument"),
        (["verify", "DOC", "--signature", "SIG", "--json", "--trust"], "requires an argument"),
        (["verify", "DOC", "--json", "--no-such-option"], "No such option"),
    ],
)
def test_usage_errors_keep_the_json_contract(app, runner, files, args, fragment):
    args = [str(files["doc"]) if a == "DOC" else a for a in args]
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    payload = json.loads(result.stdout)
    assert set(payload) == {"ok", "error"} and payload["ok"] is False
    assert payload["error"]["code"] == "usage_error"
    assert fragment in payload["error"]["message"]


def test_usage_error_without_json_is_not_json(app, runner, files):
    result = runner.invoke(app, ["verify", str(files["doc"]), "--no-such-option"])
    assert result.exit_code == 2
    assert not result.stdout.lstrip().startswith("{")


def test_sign_with_a_key_of_another_certificate(app, runner, files, tmp_path):
    result = runner.invoke(
        app,
        [
            "sign",
            str(files["doc"]),
            "--key",
            str(files["organization.key"]),
            "--cert",
            str(files["signer"]),
            "--out",
            str(tmp_path / "x.p7s"),
            "--json",
        ],
    )
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert error["field"] == "key" and "does not belong to the certificate" in error["message"]
    assert not (tmp_path / "x.p7s").exists()


OPENSSL = __import__("shutil").which("openssl")
needs_openssl = pytest.mark.skipif(OPENSSL is None, reason="the openssl binary is not installed")


@needs_openssl
def test_cli_interop_with_openssl_both_ways(app, runner, files, tmp_path):
    """The console session of docs/signatures.md: openssl <-> onestop sign/verify."""
    import subprocess

    ours = tmp_path / "onestop.p7s"
    assert _sign(app, runner, files, "signer", ours).exit_code == 0
    done = subprocess.run(
        [
            OPENSSL,
            "cms",
            "-verify",
            "-binary",
            "-inform",
            "DER",
            "-in",
            str(ours),
            "-content",
            str(files["doc"]),
            "-CAfile",
            str(files["trust"]),
            "-out",
            "/dev/null",
        ],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()

    theirs = tmp_path / "openssl.p7s"
    done = subprocess.run(
        [
            OPENSSL,
            "cms",
            "-sign",
            "-binary",
            "-outform",
            "DER",
            "-md",
            "sha256",
            "-in",
            str(files["doc"]),
            "-signer",
            str(files["signer"]),
            "-inkey",
            str(files["signer.key"]),
            "-certfile",
            str(files["signer.chain"]),
            "-out",
            str(theirs),
        ],
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr.decode()
    code, payload = _verify(app, runner, files, theirs)
    assert code == 0 and payload["valid"] is True and payload["error"] is None
    assert payload["signer"]["tax_code"] == "0109999904"
    assert payload["signer"]["citizen_id"] == "001090012345"
    # The same openssl signature over other content: intact is false, exit status 1.
    other = tmp_path / "other.txt"
    other.write_text("Nội dung khác\n", encoding="utf-8")
    code, payload = _verify(app, runner, files, theirs, doc=other)
    assert code == 1 and payload["intact"] is False
    assert [p["code"] for p in payload["problems"]] == ["tampered"]


def test_text_output_keeps_brackets_and_long_lines(app, runner, files, tmp_path):
    """File names with [brackets] are printed as they are (no rich markup), lines unwrapped."""
    doc = tmp_path / "kq[red].txt"
    doc.write_bytes(files["doc"].read_bytes())
    out = tmp_path / "kq[bold].p7s"
    args = ["sign", str(doc), "--key", str(files["signer.key"]), "--cert", str(files["signer"])]
    result = runner.invoke(app, [*args, "--chain", str(files["signer.chain"]), "--out", str(out)])
    assert result.exit_code == 0
    assert "kq[red].txt" in result.stdout and "kq[bold].p7s" in result.stdout
    result = runner.invoke(
        app, ["verify", str(doc), "--signature", str(out), "--trust", str(files["trust"])]
    )
    assert result.exit_code == 0
    issuer = "CN=onestop Test Issuing CA G1"
    (line,) = [ln for ln in result.stdout.splitlines() if ln.startswith("  issuer:")]
    assert line.startswith(f"  issuer: {issuer},") and line.endswith(",C=VN")
    # The signer's identifiers, as the certificate carries them (MST and CCCD).
    assert "  MST: 0109999904\n  CCCD: 001090012345\n" in result.stdout


def test_pyhanko_log_tracebacks_stay_off_the_terminal(files, tmp_path, test_pki):
    """pyHanko logs a traceback for a revision it cannot analyse; verify must not show it.

    Run as a real process: under pytest the logging plugin's handlers would hide the problem.
    """
    import subprocess
    import sys

    from onestop.signatures.pdf import sign_pdf
    from onestop.testing import make_test_pdf

    s = test_pki.signer
    one = sign_pdf(make_test_pdf(), certificate=s.certificate, key=s.key, chain=s.chain)
    two = sign_pdf(one, certificate=s.certificate, key=s.key, chain=s.chain, field_name="S2")
    # Break the XMP metadata of the first revision: the diff analysis of revision 2 fails.
    assert b"http://ns.adobe.com/pdf/1.3/" in one
    broken = two.replace(b"http://ns.adobe.com/pdf/1.3/", b"http://ns.adobe.co:/pdf/1.3/", 1)
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(broken)
    command = [sys.executable, "-c", "from onestop.cli import main; main()", "verify", str(pdf)]
    command += ["--trust", str(files["trust"]), "--json"]
    done = subprocess.run(command, capture_output=True, check=False, timeout=120)
    assert done.returncode == 1, done.stderr.decode()
    payload = json.loads(done.stdout)
    assert payload["valid"] is False and payload["error"] is None
    assert "modified_after_signing" in [p["code"] for p in payload["problems"]]
    assert done.stderr == b""
    # With --debug the library's log records are left alone (they are useful there).
    debug = subprocess.run(
        [*command[:3], "--debug", *command[3:]], capture_output=True, check=False, timeout=120
    )
    assert b"Traceback" in debug.stderr


def test_unreadable_crl_file_is_bad_input(app, runner, files, tmp_path):
    sig = tmp_path / "x.p7s"
    assert _sign(app, runner, files, "signer", sig).exit_code == 0
    crl = tmp_path / "garbage.crl"
    crl.write_bytes(b"not a CRL")
    code, payload = _verify(app, runner, files, sig, "--crl", str(crl))
    assert code == 2 and payload["ok"] is False
    assert (
        payload["error"]["field"] == "crls" and "not a readable CRL" in payload["error"]["message"]
    )


@pytest.fixture
def tsa_url(test_pki):
    """A real RFC 3161 TSA over HTTP on loopback, answering with the test PKI's TSA."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            answer = test_pki.timestamp_response(body)
            self.send_response(200)
            self.send_header("Content-Type", "application/timestamp-reply")
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/tsa"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def test_sign_with_a_timestamp_authority(app, runner, files, tmp_path, tsa_url):
    sig = tmp_path / "bt.p7s"
    result = _sign(app, runner, files, "signer", sig, "--tsa", tsa_url)
    assert result.exit_code == 0, result.output
    code, payload = _verify(app, runner, files, sig)
    assert code == 0 and payload["valid"] is True
    assert payload["timestamp_time"] is not None  # CAdES-B-T: the time proven by the TSA


def test_sign_pdf_with_a_timestamp_authority(app, runner, files, tmp_path, tsa_url):
    from onestop.testing import make_test_pdf

    pdf = tmp_path / "kq.pdf"
    pdf.write_bytes(make_test_pdf())
    out = tmp_path / "kq-signed.pdf"
    args = ["sign", str(pdf), "--key", str(files["signer.key"]), "--cert", str(files["signer"])]
    args += ["--chain", str(files["signer.chain"]), "--out", str(out), "--pades"]
    result = runner.invoke(app, [*args, "--tsa", tsa_url])
    assert result.exit_code == 0, result.output
    result = runner.invoke(app, ["verify", str(out), "--trust", str(files["trust"]), "--json"])
    payload = json.loads(result.stdout)
    assert result.exit_code == 0 and payload["valid"] is True
    assert payload["timestamp_time"] is not None


@pytest.mark.parametrize(
    ("url", "code", "status"),
    [("ftp://tsa.invalid/", "signature_error", 2), ("http://127.0.0.1:9/tsa", "network_error", 1)],
)
def test_sign_with_a_bad_or_unreachable_tsa(app, runner, files, tmp_path, url, code, status):
    sig = tmp_path / "x.p7s"
    result = _sign(app, runner, files, "signer", sig, "--tsa", url, "--json")
    assert result.exit_code == status
    assert json.loads(result.stdout)["error"]["code"] == code
    assert not sig.exists()


@pytest.mark.parametrize(
    ("name", "status", "codes"), [("signer", 0, []), ("revoked", 1, ["revoked"])]
)
def test_offline_ocsp_responses(app, runner, files, tmp_path, test_pki, name, status, codes):
    sig = tmp_path / f"{name}.p7s"
    assert _sign(app, runner, files, name, sig).exit_code == 0
    response = tmp_path / f"{name}.ocsp"
    response.write_bytes(test_pki.ocsp_response(getattr(test_pki, name)))
    root_crl = tmp_path / "root.crl"  # the intermediate's own status comes from the root's CRL
    root_crl.write_bytes(test_pki.root_crl())
    code, payload = _verify(
        app, runner, files, sig, "--ocsp", str(response), "--crl", str(root_crl)
    )
    assert code == status
    assert [p["code"] for p in payload["problems"]] == codes
    # Without the OCSP response, the signer's status is unknown (revocation was asked for).
    code, payload = _verify(app, runner, files, sig, "--crl", str(root_crl))
    assert code == 1
    assert [p["code"] for p in payload["problems"]] == ["revocation_unknown"]
    garbage = tmp_path / "garbage.ocsp"
    garbage.write_bytes(b"\x00\x01")
    code, payload = _verify(app, runner, files, sig, "--ocsp", str(garbage))
    assert code == 2 and payload["error"]["field"] == "ocsp_responses"


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("signer", None),
        ("expired", "verifiers will report 'expired'"),
        ("not_yet_valid", "verifiers will report 'not_yet_valid'"),
        ("wrong_usage", "verifiers will report 'wrong_usage'"),
    ],
)
def test_sign_warns_about_a_certificate_verifiers_will_reject(
    app, runner, files, tmp_path, name, fragment
):
    out = tmp_path / f"{name}.p7s"
    result = _sign(app, runner, files, name, out, "--json")
    assert result.exit_code == 0  # signing itself works: the signature is well formed
    warnings = json.loads(result.stdout)["warnings"]
    if fragment is None:
        assert warnings == []
    else:
        assert len(warnings) == 1 and fragment in warnings[0]
        text = _sign(app, runner, files, name, out)
        assert "warning: " in text.stderr and fragment in text.stderr


def _cli(*args):
    """Run onestop in a real process (pytest's log and warning capture would hide output)."""
    import subprocess
    import sys

    command = [sys.executable, "-c", "from onestop.cli import main; main()", *map(str, args)]
    return subprocess.run(command, capture_output=True, check=False, timeout=120)


def test_pdf_sign_twice_and_verify_leave_stderr_empty(files, tmp_path, font_with_unknown_table):
    """No third-party warning on the terminal: cryptography's DSA deprecation (through
    pyHanko), fontTools' 'FFTM NOT subset ... dropped' for the stamp font, pyHanko's logs."""
    from onestop.testing import make_test_pdf

    font = font_with_unknown_table
    pdf = tmp_path / "kq.pdf"
    pdf.write_bytes(make_test_pdf())
    once, twice = tmp_path / "kq-1.pdf", tmp_path / "kq-2.pdf"

    def sign(name, source, out, *extra):
        return _cli(
            "sign", source, "--key", files[f"{name}.key"], "--cert", files[name],
            "--chain", files[f"{name}.chain"], "--out", out, "--pades", *extra,
        )  # fmt: skip

    done = sign("signer", pdf, once, "--visible", "--font", font)
    assert (done.returncode, done.stderr) == (0, b""), done.stderr.decode()
    done = sign("organization", once, twice, "--visible")  # a second signature, a free field
    assert (done.returncode, done.stderr) == (0, b""), done.stderr.decode()
    done = _cli("verify", twice, "--trust", files["trust"], "--json")
    assert (done.returncode, done.stderr) == (0, b""), done.stderr.decode()
    payload = json.loads(done.stdout)
    assert payload["valid"] is True
    assert [s["details"]["field_name"] for s in payload["signatures"]] == [
        "Signature1",
        "Signature2",
    ]
    assert [s["signer"]["tax_code"] for s in payload["signatures"]] == [
        "0109999904",
        "0312345602-001",
    ]
    text = _cli("verify", twice, "--trust", files["trust"])
    assert (text.returncode, text.stderr) == (0, b"") and text.stdout.startswith(b"VALID")


def test_sign_pdf_field_option(app, runner, files, tmp_path):
    from onestop.testing import make_test_pdf

    pdf = tmp_path / "kq.pdf"
    pdf.write_bytes(make_test_pdf())
    out = tmp_path / "kq-signed.pdf"
    args = ["sign", str(pdf), "--key", str(files["signer.key"]), "--cert", str(files["signer"])]
    args += ["--chain", str(files["signer.chain"]), "--pades", "--json"]
    result = runner.invoke(app, [*args, "--out", str(out), "--field", "ChuKyChuyenVien"])
    assert result.exit_code == 0, result.stdout
    result = runner.invoke(app, ["verify", str(out), "--trust", str(files["trust"]), "--json"])
    assert json.loads(result.stdout)["signatures"][0]["details"]["field_name"] == "ChuKyChuyenVien"
    # The same field again: bad input, and --out is not touched.
    again = tmp_path / "again.pdf"
    args[1] = str(out)
    result = runner.invoke(app, [*args, "--out", str(again), "--field", "ChuKyChuyenVien"])
    assert result.exit_code == 2 and not again.exists()
    error = json.loads(result.stdout)["error"]
    assert error["field"] == "field_name" and "already signed" in error["message"]
    # --field needs --pades, --font needs --visible.
    for wrong in (["--field", "X"], ["--pades", "--font", str(files["trust"])]):
        plain = [a for a in args if a != "--pades"]
        result = runner.invoke(app, [*plain, "--out", str(again), *wrong])
        assert result.exit_code == 2, result.stdout


def test_verify_a_changed_certified_or_signed_form(
    app, runner, files, tmp_path, test_pki, pdf_edits
):
    """The hostile review's documents through the command line: exit 1, stable codes."""
    from pyhanko.sign import fields

    from onestop.signatures.pdf import sign_pdf
    from onestop.testing import make_test_pdf

    certify, fill_field = pdf_edits.certify, pdf_edits.fill_field

    form = make_test_pdf(form_fields={"SoTien": "1,000,000 VND"})
    certified = certify(form, test_pki.organization, fields.MDPPerm.NO_CHANGES)
    o = test_pki.organization
    approved = sign_pdf(form, certificate=o.certificate, key=o.key, chain=o.chain)
    cases = [
        (certified, [], 0, []),
        (fill_field(certified, "SoTien", "999,000,000 VND"), [], 1, ["docmdp_violation"]),
        (fill_field(approved, "SoTien", "999,000,000 VND"), [], 1, ["form_changed_after_signing"]),
        (
            fill_field(approved, "SoTien", "2,000,000 VND"),
            ["--allow-changes", "form-filling"],
            0,
            [],
        ),
    ]
    path = tmp_path / "doc.pdf"
    for pdf, extra, status, codes in cases:
        path.write_bytes(pdf)
        result = runner.invoke(
            app, ["verify", str(path), "--trust", str(files["trust"]), "--json", *extra]
        )
        assert result.exit_code == status, result.stdout
        assert [p["code"] for p in json.loads(result.stdout)["problems"]] == codes
    result = runner.invoke(app, ["verify", str(path), "--allow-changes", "anything", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout)["error"]["field"] == "allow_changes"
