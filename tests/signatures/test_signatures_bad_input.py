"""Wrong types and malformed arguments raise typed onestop errors naming the field.

Callers without a type checker (notebooks, scripts) pass text for bytes, naive or string
times, ``None`` for a certificate...; each must get an ``onestop.errors`` error that names the
argument, never a bare ``TypeError``/``AttributeError``/``KeyError`` from a library below.
"""

from __future__ import annotations

import datetime as dt

import pytest

from onestop.errors import (
    CertificateError,
    ConfigurationError,
    InvalidInputError,
    OneStopError,
    SignatureError,
)
from onestop.signatures import (
    RevocationPolicy,
    VisibleStamp,
    load_certificate,
    load_certificates,
    load_pkcs12,
    parse_identifier,
    prepare_pdf_signature,
    prepare_signature,
    sign_bytes,
    sign_digest,
    sign_pdf,
    validate_chain,
    verify_bytes,
    verify_digest,
    verify_file,
    verify_pdf,
)
from onestop.signatures.timestamps import http_timestamper
from onestop.testing import make_test_pdf


@pytest.fixture(scope="module")
def signed(test_pki):
    s = test_pki.signer
    return sign_bytes(b"abc", certificate=s.certificate, key=s.key, chain=s.chain)


@pytest.fixture(scope="module")
def pdf():
    return make_test_pdf()


def _raises(error, field, call):
    with pytest.raises(error) as info:
        call()
    assert isinstance(info.value, OneStopError)
    assert info.value.field == field
    assert info.value.message.startswith(field) or field in info.value.message
    return info.value


@pytest.mark.parametrize("data", ["abc", None, 12, ["a"]])
def test_verify_data_must_be_bytes(test_pki, signed, data):
    err = _raises(SignatureError, "data", lambda: verify_bytes(data, signed))
    assert "expected bytes" in err.message
    if isinstance(data, str):
        assert "encode" in err.message


def test_bytes_like_data_is_accepted(test_pki, signed):
    trust = test_pki.trust_store()
    assert verify_bytes(bytearray(b"abc"), signed, trust=trust).valid
    assert verify_bytes(memoryview(b"abc"), bytearray(signed), trust=trust).valid


@pytest.mark.parametrize("signature", [None, 12, 3.5])
def test_verify_signature_must_be_bytes(signature):
    _raises(SignatureError, "signature", lambda: verify_bytes(b"abc", signature))


def test_signature_given_as_text_is_parsed_not_crashed(test_pki, signed):
    _raises(SignatureError, "signature", lambda: verify_bytes(b"abc", "garbage"))
    # PEM text is a legitimate way to hold a .p7s.
    import base64

    pem = "-----BEGIN PKCS7-----\n" + base64.b64encode(signed).decode() + "\n-----END PKCS7-----\n"
    assert verify_bytes(b"abc", pem, trust=test_pki.trust_store()).valid


@pytest.mark.parametrize("at", ["2026-01-01", dt.date(2026, 1, 1), 1700000000])
def test_validation_time_must_be_a_datetime(test_pki, signed, at):
    err = _raises(InvalidInputError, "at", lambda: verify_bytes(b"abc", signed, at=at))
    assert "timezone-aware datetime" in err.message
    s = test_pki.signer
    _raises(
        InvalidInputError,
        "at",
        lambda: validate_chain(s.certificate, trust=test_pki.trust_store(), at=at),
    )


def test_naive_times_are_refused_everywhere(test_pki, signed, pdf):
    naive = dt.datetime(2026, 1, 1, 9, 0)
    s = test_pki.signer
    _raises(InvalidInputError, "at", lambda: verify_bytes(b"abc", signed, at=naive))
    _raises(InvalidInputError, "at", lambda: verify_digest(bytes(32), signed, at=naive))
    _raises(InvalidInputError, "at", lambda: verify_pdf(pdf, at=naive))
    _raises(
        InvalidInputError,
        "signing_time",
        lambda: sign_bytes(b"abc", certificate=s.certificate, key=s.key, signing_time=naive),
    )
    _raises(
        InvalidInputError,
        "now",
        lambda: prepare_pdf_signature(
            pdf, certificate=s.certificate, stamp=VisibleStamp(), now=naive
        ),
    )


@pytest.mark.parametrize("trust", [5, 3.5, object()])
def test_trust_of_a_wrong_type(signed, trust):
    err = _raises(CertificateError, "trust", lambda: verify_bytes(b"abc", signed, trust=trust))
    assert "expected certificates" in err.message


def test_certificate_arguments(test_pki, signed):
    s = test_pki.signer
    _raises(
        CertificateError,
        "certificate",
        lambda: sign_bytes(b"abc", certificate=None, key=s.key),
    )
    _raises(
        CertificateError,
        "chain",
        lambda: sign_bytes(b"abc", certificate=s.certificate, key=s.key, chain=[None]),
    )
    _raises(
        CertificateError,
        "certificates",
        lambda: verify_bytes(b"abc", signed, certificates=5),
    )
    # A PEM certificate and a single chain certificate are accepted as they are.
    p7s = sign_bytes(b"abc", certificate=s.cert_pem(), key=s.key, chain=s.chain[0])
    assert verify_bytes(b"abc", p7s, trust=test_pki.trust_store()).valid
    result = validate_chain(
        s.cert_pem(), trust=test_pki.trust_store(), at=test_pki.now, intermediates=s.chain
    )
    assert result.trusted


@pytest.mark.parametrize("data", [None, 5, 2.0, ["x"]])
def test_loaders_refuse_wrong_types(data):
    _raises(CertificateError, "certificate", lambda: load_certificates(data))
    _raises(CertificateError, "certificate", lambda: load_certificate(data))
    _raises(CertificateError, "pkcs12", lambda: load_pkcs12(data, password=None))


@pytest.mark.parametrize("raw", [None, 5, b"MST:0102005769"])
def test_parse_identifier_wants_text(raw):
    _raises(CertificateError, "uid", lambda: parse_identifier(raw))


def test_key_that_does_not_belong_to_the_certificate(test_pki, pdf):
    s = test_pki.signer
    err = _raises(
        SignatureError,
        "key",
        lambda: sign_bytes(b"abc", certificate=s.certificate, key=test_pki.root.key),
    )
    assert "does not belong to the certificate" in err.message
    _raises(
        SignatureError,
        "key",
        lambda: sign_pdf(pdf, certificate=s.certificate, key=test_pki.organization.key),
    )


@pytest.mark.parametrize("answer", ["zz", None, 42, [1, 2]])
def test_hash_signer_returning_something_else_than_bytes(test_pki, answer):
    s = test_pki.signer
    err = _raises(
        SignatureError,
        "signature_value",
        lambda: sign_bytes(b"abc", certificate=s.certificate, signer=lambda _digest: answer),
    )
    assert type(answer).__name__ in err.message


def test_signer_that_is_not_callable(test_pki):
    s = test_pki.signer
    _raises(
        SignatureError,
        "signer",
        lambda: sign_bytes(b"abc", certificate=s.certificate, signer=b"not a function"),
    )


def test_digests(test_pki):
    s = test_pki.signer
    _raises(
        SignatureError,
        "content_digest",
        lambda: sign_digest("a" * 32, certificate=s.certificate, key=s.key),
    )
    _raises(
        SignatureError,
        "content_digest",
        lambda: prepare_signature(None, certificate=s.certificate),
    )
    sig = sign_bytes(b"abc", certificate=s.certificate, key=s.key, chain=s.chain)
    err = _raises(SignatureError, "content_digest", lambda: verify_digest(b"x", sig))
    assert "32-byte sha256" in err.message
    _raises(
        SignatureError,
        "digest_algorithm",
        lambda: verify_digest(bytes(32), sig, digest_algorithm="whirlpool"),
    )
    import hashlib

    status = verify_digest(hashlib.sha256(b"abc").digest(), sig, trust=test_pki.trust_store())
    assert status.valid


def test_revocation_data_given_as_text_or_garbage(test_pki):
    r = test_pki.revoked
    # PEM text is accepted: the CRL is read and the certificate found revoked.
    from cryptography import x509
    from cryptography.hazmat.primitives import serialization

    pem_crls = [
        x509.load_der_x509_crl(c).public_bytes(serialization.Encoding.PEM).decode()
        for c in test_pki.crls()
    ]
    result = validate_chain(
        r.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=r.chain,
        revocation=RevocationPolicy.offline(crls=pem_crls),
    )
    assert [p.code.value for p in result.problems] == ["revoked"]
    _raises(SignatureError, "crls", lambda: RevocationPolicy.offline(crls=[5]))
    # Supplied revocation data that cannot be read is an error, not a silent "unknown".
    err = _raises(
        SignatureError,
        "crls",
        lambda: RevocationPolicy.offline(crls=[test_pki.crl(), b"garbage"]),
    )
    assert "item 1 is not a readable CRL" in err.message
    _raises(
        SignatureError,
        "crls",
        lambda: RevocationPolicy.offline(crls=[test_pki.crl()[:-20]]),  # truncated DER
    )
    err = _raises(
        SignatureError,
        "ocsp_responses",
        lambda: RevocationPolicy.offline(ocsp_responses=[b"\x30\x03\x0a\x01\x00"[:3]]),
    )
    assert "not a readable OCSP response" in err.message
    _raises(SignatureError, "crls", lambda: RevocationPolicy(crls=5))
    _raises(SignatureError, "ocsp_responses", lambda: RevocationPolicy(ocsp_responses=[None]))


@pytest.mark.parametrize("data", ["%PDF-1.7", None, 7])
def test_pdf_functions_want_bytes(test_pki, data):
    s = test_pki.signer
    _raises(SignatureError, "pdf", lambda: verify_pdf(data))
    _raises(SignatureError, "pdf", lambda: sign_pdf(data, certificate=s.certificate, key=s.key))


@pytest.mark.parametrize(
    "stamp",
    [
        VisibleStamp(text="Ký bởi {nguoi_ky}"),
        VisibleStamp(text="{0}"),
        VisibleStamp(box=(1, 2)),  # type: ignore[arg-type]
        VisibleStamp(box=(300, 40, 100, 110)),
        VisibleStamp(box=("a", 1, 2, 3)),  # type: ignore[arg-type]
        VisibleStamp(page="first"),  # type: ignore[arg-type]
        VisibleStamp(page=5),
    ],
)
def test_bad_visible_stamps(test_pki, pdf, stamp):
    s = test_pki.signer
    err = _raises(
        SignatureError,
        "stamp",
        lambda: sign_pdf(pdf, certificate=s.certificate, key=s.key, stamp=stamp),
    )
    assert err.message.startswith("stamp.")


def test_literal_braces_in_a_stamp_are_allowed(test_pki, pdf):
    s = test_pki.signer
    signed = sign_pdf(
        pdf,
        certificate=s.certificate,
        key=s.key,
        chain=s.chain,
        stamp=VisibleStamp(text="{{KQ}} {signer}"),
    )
    assert verify_pdf(signed, trust=test_pki.trust_store())[0].valid


def test_verify_file_on_a_directory(tmp_path, signed):
    err = _raises(SignatureError, "file", lambda: verify_file(tmp_path, signed))
    assert "cannot read" in err.message


def test_http_timestamper_configuration():
    _raises(ConfigurationError, "client", lambda: http_timestamper("https://tsa.invalid", None))
    _raises(ConfigurationError, "url", lambda: http_timestamper("", None))


def test_build_test_pki_options():
    from onestop.testing import build_test_pki

    with pytest.raises(ConfigurationError) as info:
        build_test_pki(key_type="dsa")
    assert info.value.field == "key_type"
    for now in (dt.datetime(2026, 1, 1, 9, 0), "2026-01-01"):
        # the one aware check of onestop.tz
        with pytest.raises(InvalidInputError) as info:
            build_test_pki(now=now)
        assert (info.value.code, info.value.field) == ("invalid_input", "now")
    vn = dt.timezone(dt.timedelta(hours=7))
    pki = build_test_pki(now=dt.datetime(2026, 1, 1, 9, 0, 30, 123, tzinfo=vn))
    assert pki.now == dt.datetime(2026, 1, 1, 2, 0, 30, tzinfo=dt.UTC)
    assert pki.signer.certificate.validity_at(pki.now) == "valid"
    assert pki.expired.certificate.validity_at(pki.now) == "expired"
