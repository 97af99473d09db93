"""RFC 3161 over HTTP: request/response handling, checked with OpenSSL's ``ts`` command."""

from __future__ import annotations

import datetime as dt
import hashlib
import shutil
import subprocess

import httpx
import pytest

from onestop.connectors import RetryPolicy, set_testing
from onestop.errors import NetworkError, ServerError, SignatureError, UnexpectedResponseError
from onestop.signatures import sign_bytes, verify_bytes
from onestop.signatures.pdf import sign_pdf, verify_pdf
from onestop.signatures.timestamps import (
    build_timestamp_request,
    http_timestamper,
    parse_timestamp_response,
)
from onestop.testing import make_test_pdf

TSA_URL = "http://tsa.onestop-test.invalid/"


def _tsa_handler(pki, at=None, seen=None):
    def handler(request: httpx.Request) -> httpx.Response:
        assert request.headers["content-type"] == "application/timestamp-query"
        if seen is not None:
            seen.append(request.content)
        body = pki.timestamp_response(request.content, at=at)
        return httpx.Response(
            200, content=body, headers={"content-type": "application/timestamp-reply"}
        )

    return handler


def _tsa_client(pki, at=None, seen=None):
    return httpx.Client(transport=httpx.MockTransport(_tsa_handler(pki, at, seen)))


def test_cms_and_pdf_b_t_through_an_http_tsa(test_pki):
    when = test_pki.now - dt.timedelta(hours=2)
    seen = []
    with _tsa_client(test_pki, at=when, seen=seen) as client:
        stamper = http_timestamper(TSA_URL, client)
        s = test_pki.signer
        sig = sign_bytes(
            b"abc", certificate=s.certificate, key=s.key, chain=s.chain, timestamper=stamper
        )
        status = verify_bytes(b"abc", sig, trust=test_pki.trust_store())
        assert status.valid and status.timestamp_time == when
        signed = sign_pdf(
            make_test_pdf(),
            certificate=s.certificate,
            key=s.key,
            chain=s.chain,
            timestamper=stamper,
        )
        (pdf_status,) = verify_pdf(signed, trust=test_pki.trust_store())
        assert pdf_status.valid and pdf_status.timestamp_time == when
    assert len(seen) == 2


@pytest.mark.skipif(shutil.which("openssl") is None, reason="the openssl binary is not installed")
def test_request_is_readable_by_openssl(tmp_path):
    request = build_timestamp_request(hashlib.sha256(b"x").digest(), nonce=12345)
    path = tmp_path / "req.tsq"
    path.write_bytes(request)
    out = subprocess.run(
        ["openssl", "ts", "-query", "-in", str(path), "-text"], capture_output=True, check=True
    ).stdout.decode()
    assert "Hash Algorithm: sha256" in out
    assert "Nonce: 0x3039" in out
    assert "Certificate required: yes" in out


def test_response_checks(test_pki):
    imprint = hashlib.sha256(b"x").digest()
    request = build_timestamp_request(imprint, nonce=7)
    good = test_pki.timestamp_response(request)
    assert parse_timestamp_response(good, imprint=imprint, nonce=7)
    with pytest.raises(UnexpectedResponseError, match="nonce"):
        parse_timestamp_response(good, imprint=imprint, nonce=8)
    with pytest.raises(UnexpectedResponseError, match="imprint"):
        parse_timestamp_response(good, imprint=hashlib.sha256(b"y").digest(), nonce=7)
    refused = test_pki.timestamp_response(b"garbage")
    with pytest.raises(UnexpectedResponseError, match="refused"):
        parse_timestamp_response(refused, imprint=imprint, nonce=7)
    with pytest.raises(UnexpectedResponseError, match="not an RFC 3161"):
        parse_timestamp_response(b"\x30\x00", imprint=imprint, nonce=7)
    with pytest.raises(SignatureError, match="32-byte"):
        build_timestamp_request(b"short", nonce=1)


def test_http_failures(test_pki):
    once = RetryPolicy.no_retry()

    def down(request):
        raise httpx.ConnectError("refused")

    with httpx.Client(transport=httpx.MockTransport(down)) as client, pytest.raises(NetworkError):
        http_timestamper(TSA_URL, client, retry=once)(hashlib.sha256(b"x").digest())

    def error(request):
        return httpx.Response(500)

    with (
        httpx.Client(transport=httpx.MockTransport(error)) as client,
        pytest.raises(ServerError, match="HTTP 500"),
    ):
        http_timestamper(TSA_URL, client, retry=once)(hashlib.sha256(b"x").digest())


def test_a_busy_tsa_is_asked_again(test_pki):
    answers = [httpx.Response(503), httpx.Response(429, headers={"Retry-After": "1"})]
    tsa = _tsa_handler(test_pki)

    def busy_then_ok(request):
        return answers.pop() if answers else tsa(request)

    try:
        set_testing(True)  # no real waits
        with httpx.Client(transport=httpx.MockTransport(busy_then_ok)) as client:
            imprint = hashlib.sha256(b"x").digest()
            token = http_timestamper(TSA_URL, client)(imprint)
    finally:
        set_testing(False)
    assert answers == []
    assert token[:1] == b"\x30"  # a DER ContentInfo
