"""Remote signing client against the shipped fake NEAC-style service."""

from __future__ import annotations

import hashlib

import httpx
import pytest

from onestop.connectors import RetryPolicy
from onestop.errors import (
    APIStatusError,
    AuthenticationError,
    ConfigurationError,
    NetworkError,
    NotFoundError,
    RateLimitedError,
    ReadTimeoutError,
    ServerError,
    SignatureError,
    UnexpectedResponseError,
)
from onestop.signatures import RemoteSigningClient, sign_bytes, verify_bytes
from onestop.signatures.pdf import sign_pdf, verify_pdf
from onestop.testing import FakeRemoteSigner, make_test_pdf

USER = "001090012345"
BASE = "https://ca.onestop-test.invalid/api"


class FakeClock:
    def __init__(self):
        self.now = 0.0
        self.sleeps = []

    def sleep(self, seconds):
        self.sleeps.append(seconds)
        self.now += seconds

    def __call__(self):
        return self.now


def _client(fake, **options):
    clock = FakeClock()
    client = RemoteSigningClient(
        base_url=BASE,
        sp_id="DVCQG",
        sp_password="fake-sp-password",
        sleep=clock.sleep,
        clock=clock,
        **{"transport": fake.transport(), **options},
    )
    return client, clock


def test_get_certificate(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki)
    client, _ = _client(fake)
    with client:
        remote = client.get_certificate(USER)
    assert remote.certificate == test_pki.signer.certificate
    assert remote.chain == test_pki.signer.chain
    assert remote.serial_number == test_pki.signer.certificate.serial_hex
    path, body = fake.requests[0]
    assert path == "get_certificate" and body["user_id"] == USER and body["sp_id"] == "DVCQG"
    assert "sp_password" not in body  # the fake does not keep secrets either


def test_remote_cms_signature_end_to_end(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki)
    client, _ = _client(fake)
    remote = client.get_certificate(USER)
    signer = client.signer(user_id=USER, serial_number=remote.serial_number, doc_id="KQ-001")
    data = "Kết quả TTHC".encode()
    sig = sign_bytes(data, certificate=remote.certificate, signer=signer, chain=remote.chain)
    assert verify_bytes(data, sig, trust=test_pki.trust_store()).valid
    sign_request = fake.requests[-1][1]
    assert sign_request["sign_files"][0]["file_options"] == {
        "file_type": "pdf",
        "sign_type": "hash",
    }
    assert sign_request["sign_files"][0]["doc_id"] == "KQ-001"
    assert len(sign_request["time_stamp"]) == 15 and sign_request["time_stamp"].endswith("Z")


def test_asynchronous_mode_polls_until_confirmed(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki, asynchronous=True, polls_before_ready=3)
    client, clock = _client(fake, poll_interval=2.0)
    remote = client.get_certificate(USER)
    pdf = make_test_pdf()
    signed = sign_pdf(
        pdf,
        certificate=remote.certificate,
        signer=client.signer(user_id=USER, serial_number=remote.serial_number),
        chain=remote.chain,
    )
    assert verify_pdf(signed, trust=test_pki.trust_store())[0].valid
    assert [p for p, _ in fake.requests].count("get_sign_status") == 4
    assert clock.sleeps == [2.0] * 4


def test_asynchronous_mode_gives_up(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki, asynchronous=True, polls_before_ready=1000)
    client, clock = _client(fake, poll_interval=5.0, max_wait=30.0)
    serial = test_pki.signer.certificate.serial_hex
    with pytest.raises(ReadTimeoutError, match="did not confirm within 30 s"):
        client.sign_hash(hashlib.sha256(b"x").digest(), user_id=USER, serial_number=serial)
    assert clock.now == 30.0


def test_hex_hash_encoding(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki, hash_encoding="hex")
    client, _ = _client(fake, hash_encoding="hex")
    digest = hashlib.sha256(b"x").digest()
    client.sign_hash(digest, user_id=USER, serial_number=test_pki.signer.certificate.serial_hex)
    assert fake.requests[-1][1]["sign_files"][0]["data_to_be_signed"] == digest.hex()


def test_errors_are_typed_and_do_not_leak_secrets(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki)
    bad = RemoteSigningClient(
        base_url=BASE, sp_id="DVCQG", sp_password="wrong", transport=fake.transport()
    )
    with pytest.raises(AuthenticationError) as info:
        bad.get_certificates(USER)
    assert info.value.status_code == 401 and "wrong" not in str(info.value)
    client, _ = _client(fake)
    with pytest.raises(NotFoundError) as info:
        client.get_certificate("079203009999")
    assert "079203009999" not in str(info.value)
    with pytest.raises(NotFoundError, match="0010"):
        client.get_certificate(USER, serial_number="ABCDEF")
    fake.fail_next(4, status=503)  # a read is tried 4 times (the default RetryPolicy)
    with pytest.raises(ServerError):
        client.get_certificates(USER)
    assert fake.pending_faults() == 0
    fake.reject_next()
    with pytest.raises(AuthenticationError, match="từ chối"):
        client.sign_hash(
            hashlib.sha256(b"x").digest(),
            user_id=USER,
            serial_number=test_pki.signer.certificate.serial_hex,
        )
    with pytest.raises(APIStatusError):
        client.sign_hash(hashlib.sha256(b"x").digest(), user_id=USER, serial_number="00")
    with pytest.raises(SignatureError, match="32-byte"):
        client.sign_hash(b"short", user_id=USER, serial_number="00")


def test_transport_and_shape_errors():
    def broken(request):
        raise httpx.ConnectError("refused")

    client = RemoteSigningClient(
        base_url=BASE, sp_id="a", sp_password="b", transport=httpx.MockTransport(broken)
    )
    with pytest.raises(NetworkError):
        client.get_certificates(USER)

    def odd(request):
        return httpx.Response(
            200, json={"status_code": 200, "data": {"user_certificates": [{"cert_data": "!!"}]}}
        )

    client = RemoteSigningClient(
        base_url=BASE, sp_id="a", sp_password="b", transport=httpx.MockTransport(odd)
    )
    with pytest.raises(UnexpectedResponseError):
        client.get_certificates(USER)

    def not_json(request):
        return httpx.Response(200, content=b"<html>")

    client = RemoteSigningClient(
        base_url=BASE, sp_id="a", sp_password="b", transport=httpx.MockTransport(not_json)
    )
    with pytest.raises(UnexpectedResponseError):
        client.get_certificates(USER)
    with pytest.raises(ConfigurationError):
        RemoteSigningClient(base_url="ca.example", sp_id="a", sp_password="b")
    with pytest.raises(ConfigurationError):
        RemoteSigningClient(base_url=BASE, sp_id="", sp_password="b")


def test_plugin_fixture(fake_remote_signer, test_pki):
    client, _ = _client(fake_remote_signer)
    assert client.get_certificate(USER).certificate == test_pki.signer.certificate


def test_async_client_with_the_two_phase_flow(test_pki):
    import asyncio

    from onestop.signatures import AsyncRemoteSigningClient
    from onestop.signatures.pdf import prepare_pdf_signature

    fake = FakeRemoteSigner.from_pki(test_pki, asynchronous=True, polls_before_ready=2)
    pauses = []

    async def fake_sleep(seconds):
        pauses.append(seconds)

    async def main():
        async with AsyncRemoteSigningClient(
            base_url=BASE,
            sp_id="DVCQG",
            sp_password="fake-sp-password",
            transport=fake.transport(),
            sleep=fake_sleep,
            poll_interval=1.5,
        ) as ca:
            remote = await ca.get_certificate(USER)
            prepared = prepare_pdf_signature(
                make_test_pdf(), certificate=remote.certificate, chain=remote.chain
            )
            value = await ca.sign_hash(
                prepared.digest_to_sign, user_id=USER, serial_number=remote.serial_number
            )
            return prepared.finish(value)

    signed = asyncio.run(main())
    assert verify_pdf(signed, trust=test_pki.trust_store())[0].valid
    assert pauses == [1.5, 1.5, 1.5]


def test_async_client_maps_errors(test_pki):
    import asyncio

    from onestop.signatures import AsyncRemoteSigningClient

    fake = FakeRemoteSigner.from_pki(test_pki)
    fake.fail_next(2, status=502)
    sleeps = []

    async def sleep(seconds):
        sleeps.append(seconds)

    async def main(**options):
        async with AsyncRemoteSigningClient(
            base_url=BASE,
            sp_id="DVCQG",
            sp_password="fake-sp-password",
            transport=fake.transport(),
            sleep=sleep,
            **options,
        ) as ca:
            return await ca.get_certificates(USER)

    with pytest.raises(ServerError):
        asyncio.run(main(retry=RetryPolicy(attempts=2)))
    assert len(sleeps) == 1
    fake.fail_next(1, status=502)
    assert asyncio.run(main())[0].certificate == test_pki.signer.certificate  # retried


def test_retry_after_of_the_ca_is_waited_for(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki)
    client, clock = _client(fake)
    fake.rate_limit_next(2, retry_after=5)
    assert client.get_certificate(USER).certificate == test_pki.signer.certificate
    assert clock.sleeps == [5.0, 5.0]
    fake.rate_limit_next(1, retry_after=3600)  # longer than RetryPolicy.max_retry_after
    with pytest.raises(RateLimitedError) as info:
        client.get_certificate(USER)
    assert info.value.retry_after == 3600.0
    assert clock.sleeps == [5.0, 5.0]


def faulty(fake, *, on, status=503):
    """The fake behind a transport that answers the first call to ``on`` with ``status``."""
    left = [1]

    def handler(request):
        if request.url.path.endswith("/" + on) and left[0]:
            left[0] -= 1
            return httpx.Response(status, json={"code": f"HTTP_{status}", "message": "bận"})
        return fake.handler(request)

    return httpx.MockTransport(handler)


def test_polls_are_retried_but_sign_is_not(test_pki):
    fake = FakeRemoteSigner.from_pki(test_pki, asynchronous=True, polls_before_ready=1)
    digest = hashlib.sha256(b"x").digest()
    serial = test_pki.signer.certificate.serial_hex

    client, clock = _client(fake, poll_interval=2, transport=faulty(fake, on="sign"))
    with pytest.raises(ServerError):  # a second sign would ask the user to confirm twice
        client.sign_hash(digest, user_id=USER, serial_number=serial)
    assert fake.requests == []
    assert clock.sleeps == []

    client, clock = _client(fake, poll_interval=2, transport=faulty(fake, on="get_sign_status"))
    assert client.sign_hash(digest, user_id=USER, serial_number=serial)
    assert [path for path, _ in fake.requests] == ["sign", "get_sign_status", "get_sign_status"]
    poll, backoff, poll_again = clock.sleeps  # the 503 poll was retried after a backoff
    assert (poll, poll_again) == (2, 2)
    assert 0.125 <= backoff < 0.375


def test_sign_is_the_neac_sign_call_with_a_hash(test_pki):
    """``sign`` (named after the API's ``POST /sign``) signs a hash, also asynchronously."""
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    fake = FakeRemoteSigner.from_pki(test_pki, asynchronous=True, polls_before_ready=1)
    client, clock = _client(fake, poll_interval=1.0)
    serial = test_pki.signer.certificate.serial_hex
    digest = hashlib.sha256(b"Phieu tiep nhan").digest()
    value = client.sign(digest, user_id=USER, serial_number=serial, doc_id="TN-01")
    # The value is a real ECDSA signature over the digest by the user's key.
    public = test_pki.signer.certificate.x509.public_key()
    public.verify(value, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    paths = [p for p, _ in fake.requests]
    assert paths == ["sign", "get_sign_status", "get_sign_status"]
    assert fake.requests[0][1]["sign_files"][0]["doc_id"] == "TN-01"
    assert clock.sleeps == [1.0, 1.0]
    with pytest.raises(SignatureError, match="digest: expected a 32-byte"):
        client.sign(b"short", user_id=USER, serial_number=serial)
    with pytest.raises(SignatureError, match="got str"):
        client.sign("a" * 32, user_id=USER, serial_number=serial)


def test_async_sign(test_pki):
    import asyncio

    from onestop.signatures import AsyncRemoteSigningClient

    fake = FakeRemoteSigner.from_pki(test_pki)
    serial = test_pki.signer.certificate.serial_hex
    digest = hashlib.sha256(b"x").digest()

    async def main():
        async with AsyncRemoteSigningClient(
            base_url=BASE, sp_id="DVCQG", sp_password="fake-sp-password", transport=fake.transport()
        ) as ca:
            return await ca.sign(digest, user_id=USER, serial_number=serial)

    value = asyncio.run(main())
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

    public = test_pki.signer.certificate.x509.public_key()
    public.verify(value, digest, ec.ECDSA(Prehashed(hashes.SHA256())))
    assert [p for p, _ in fake.requests] == ["sign"]


def test_ca_messages_echoing_an_id_number_are_masked():
    def echo(request):
        return httpx.Response(
            200,
            json={
                "status_code": 404,
                "message": f"Không tìm thấy người dùng {USER} (MST 0109999904-001)",
                "data": None,
            },
        )

    client = RemoteSigningClient(
        base_url=BASE, sp_id="a", sp_password="b", transport=httpx.MockTransport(echo)
    )
    with pytest.raises(NotFoundError) as info:
        client.get_certificates(USER)
    text = str(info.value)
    assert USER not in text and "0109999904" not in text
    assert "Không tìm thấy người dùng 0010******45" in text


@pytest.mark.parametrize(
    ("options", "field"),
    [
        ({"hash_encoding": "b64"}, "hash_encoding"),
        ({"poll_interval": -1}, "poll_interval"),
        ({"max_wait": float("nan")}, "max_wait"),
        ({"max_wait": "300"}, "max_wait"),
        ({"base_url": None}, "base_url"),
    ],
)
def test_client_options_are_checked(options, field):
    settings = {"base_url": BASE, "sp_id": "DVCQG", "sp_password": "x", **options}
    with pytest.raises(ConfigurationError) as info:
        RemoteSigningClient(**settings)
    assert info.value.field == field
