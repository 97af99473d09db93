"""No personal data (names, ID numbers, e-mail) in messages or reprs that end up in logs."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from onestop.signatures import (
    ProblemCode,
    load_certificate,
    sign_bytes,
    validate_chain,
    verify_bytes,
)

NAME = "Nguyễn Văn Thử"
EMAIL = "thu.nguyen@onestop-test.invalid"
#: The identifiers the throwaway PKI gives its person signer (docs/signatures.md).
PERSON_TAX_CODE, PERSON_CITIZEN_ID = "0109999904", "001090012345"
SECRETS = (NAME, EMAIL, PERSON_TAX_CODE, PERSON_CITIZEN_ID)


def _assert_clean(text):
    for secret in SECRETS:
        assert secret not in text, secret


def test_reprs_mask_the_holder(test_pki):
    cert = test_pki.signer.certificate
    # The attributes keep the full values ...
    assert cert.identity.common_name == NAME
    assert cert.identity.tax_code == PERSON_TAX_CODE
    assert cert.subject.uids == (f"MST:{PERSON_TAX_CODE}", f"CCCD:{PERSON_CITIZEN_ID}")
    # ... but what a log line would show does not.
    for obj in (cert.subject, cert.identity, *cert.identity.identifiers):
        _assert_clean(repr(obj))
    assert "0109****04" in repr(cert.identity)  # masked, still recognisable
    s = test_pki.signer
    p7s = sign_bytes(b"x", certificate=s.certificate, key=s.key, chain=s.chain)
    status = verify_bytes(b"x", p7s, trust=test_pki.trust_store())
    assert status.valid
    _assert_clean(repr(status))
    _assert_clean(str(status))


@pytest.mark.parametrize("name", ["expired", "not_yet_valid", "wrong_usage", "stranger"])
def test_problem_messages_name_no_person(test_pki, name):
    issued = getattr(test_pki, name)
    p7s = sign_bytes(b"x", certificate=issued.certificate, key=issued.key, chain=issued.chain)
    status = verify_bytes(b"y", p7s, trust=test_pki.trust_store())
    assert not status.valid and status.problems
    for problem in status.problems:
        _assert_clean(problem.message)


def test_self_signed_personal_certificate_is_named_by_serial_only(test_pki):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.USER_ID, f"CCCD:{PERSON_CITIZEN_ID}"),
            x509.NameAttribute(NameOID.COMMON_NAME, NAME),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
        ]
    )
    now = test_pki.now
    raw = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(0x1234AB)
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    cert = load_certificate(raw.public_bytes(serialization.Encoding.DER))
    result = validate_chain(cert, trust=test_pki.trust_store(), at=now)
    assert [p.code for p in result.problems] == [ProblemCode.UNTRUSTED_ROOT]
    message = result.problems[0].message
    assert "serial 1234AB" in message
    _assert_clean(message)
