"""Detached CMS signatures: round trips, bad input, external signers, timestamps, fuzzing."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from asn1crypto import cms as asn1_cms
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from onestop.errors import InvalidInputError, SignatureError
from onestop.signatures import (
    ProblemCode,
    prepare_signature,
    sign_bytes,
    sign_file,
    verify_bytes,
    verify_digest,
    verify_file,
)

CONTENT = "Phiếu tiếp nhận hồ sơ 000.00.01.H56-241128-0001".encode()


@pytest.fixture(scope="module")
def signed(test_pki):
    s = test_pki.signer
    return sign_bytes(CONTENT, certificate=s.certificate, key=s.key, chain=s.chain)


def test_round_trip(test_pki, signed):
    status = verify_bytes(CONTENT, signed, trust=test_pki.trust_store())
    assert status.valid and status.intact and status.trusted
    assert status.problems == ()
    assert status.signer is not None
    assert status.signer.tax_code == "0109999904"
    assert status.signer.citizen_id == "001090012345"
    assert status.digest_algorithm == "sha256"
    assert status.signing_time is not None
    assert abs(status.signing_time - dt.datetime.now(dt.UTC)) < dt.timedelta(minutes=5)
    assert status.chain[0] == test_pki.signer.certificate.fingerprint_sha256
    assert status.chain[-1] == test_pki.root.certificate.fingerprint_sha256
    assert status.summary() == "VALID"
    as_dict = status.to_dict()
    assert as_dict["valid"] is True
    assert as_dict["signer"]["tax_code"] == "0109999904"


def test_structure_is_detached_sha256_with_ess_attributes(test_pki, signed):
    info = asn1_cms.ContentInfo.load(signed)
    sd = info["content"]
    assert sd["encap_content_info"]["content"].native is None  # detached
    si = sd["signer_infos"][0]
    assert si["digest_algorithm"]["algorithm"].native == "sha256"
    attr_types = {a["type"].native for a in si["signed_attrs"]}
    assert attr_types == {
        "content_type",
        "message_digest",
        "signing_time",
        "signing_certificate_v2",
    }
    digest = next(a for a in si["signed_attrs"] if a["type"].native == "message_digest")
    assert digest["values"][0].native == hashlib.sha256(CONTENT).digest()
    embedded = [c.chosen.dump() for c in sd["certificates"]]
    assert sorted(embedded) == sorted(
        c.to_der() for c in (test_pki.signer.certificate, *test_pki.signer.chain)
    )


def test_rsa_chain(test_pki_rsa):
    s = test_pki_rsa.signer
    sig = sign_bytes(CONTENT, certificate=s.certificate, key=s.key, chain=s.chain)
    assert verify_bytes(CONTENT, sig, trust=test_pki_rsa.trust_store()).valid
    assert not verify_bytes(CONTENT + b"!", sig, trust=test_pki_rsa.trust_store()).valid


def test_tampered_content(test_pki, signed):
    status = verify_bytes(CONTENT[:-1] + b"2", signed, trust=test_pki.trust_store())
    assert not status.valid and not status.intact
    assert status.problem_codes == (ProblemCode.TAMPERED,)
    assert status.trusted  # the signer is still known; only the content changed


def test_wrong_certificate_is_a_bad_signature(test_pki):
    """Signed with the organisation's key but labelled with the person's certificate."""
    from onestop.signatures import key_signer

    s = test_pki.signer
    prepared = prepare_signature(
        hashlib.sha256(CONTENT).digest(), certificate=s.certificate, chain=s.chain
    )
    with pytest.raises(SignatureError, match="does not verify"):
        prepared.finish(key_signer(test_pki.organization.key)(prepared.digest_to_sign))
    # Forge it anyway by swapping the signature value in a valid structure.
    good = prepared.finish(s.signer(prepared.digest_to_sign))
    other = key_signer(test_pki.organization.key)(prepared.digest_to_sign)
    info = asn1_cms.ContentInfo.load(good)
    info["content"]["signer_infos"][0]["signature"] = other
    forged = info.dump(force=True)
    status = verify_bytes(CONTENT, forged, trust=test_pki.trust_store())
    assert not status.valid and not status.intact
    assert ProblemCode.BAD_SIGNATURE in status.problem_codes


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("expired", ProblemCode.EXPIRED),
        ("not_yet_valid", ProblemCode.NOT_YET_VALID),
        ("wrong_usage", ProblemCode.WRONG_USAGE),
        ("stranger", ProblemCode.UNTRUSTED_ROOT),
    ],
)
def test_certificate_problems(test_pki, name, code):
    issued = getattr(test_pki, name)
    sig = sign_bytes(CONTENT, certificate=issued.certificate, key=issued.key, chain=issued.chain)
    status = verify_bytes(CONTENT, sig, trust=test_pki.trust_store())
    assert status.intact
    assert not status.valid and not status.trusted
    assert code in status.problem_codes


def test_untrusted_without_anchors(test_pki, signed):
    status = verify_bytes(CONTENT, signed)
    assert status.intact and not status.trusted and not status.valid
    assert status.problem_codes == (ProblemCode.NO_TRUST_ANCHORS,)


def test_validation_time(test_pki):
    issued = test_pki.expired
    sig = sign_bytes(CONTENT, certificate=issued.certificate, key=issued.key, chain=issued.chain)
    at = issued.certificate.not_after - dt.timedelta(days=10)
    assert verify_bytes(CONTENT, sig, trust=test_pki.trust_store(), at=at).valid


def test_signer_certificate_missing_then_supplied(test_pki):
    s = test_pki.signer
    prepared = prepare_signature(hashlib.sha256(CONTENT).digest(), certificate=s.certificate)
    sig = prepared.finish(s.signer(prepared.digest_to_sign))
    info = asn1_cms.ContentInfo.load(sig)
    info["content"]["certificates"] = []
    bare = info.dump(force=True)
    status = verify_bytes(CONTENT, bare, trust=test_pki.trust_store())
    assert ProblemCode.SIGNER_CERTIFICATE_MISSING in status.problem_codes
    assert status.signer is None
    status = verify_bytes(
        CONTENT, bare, trust=test_pki.trust_store(), certificates=[s.certificate, *s.chain]
    )
    assert status.valid


def test_external_hash_signer_and_two_phase(test_pki):
    s = test_pki.signer
    seen = []

    def token(digest: bytes) -> bytes:  # what a USB token / remote signer receives
        seen.append(digest)
        return s.signer(digest)

    sig = sign_bytes(CONTENT, certificate=s.certificate, signer=token, chain=s.chain)
    assert len(seen) == 1 and len(seen[0]) == 32
    assert verify_bytes(CONTENT, sig, trust=test_pki.trust_store()).valid
    prepared = prepare_signature(
        hashlib.sha256(CONTENT).digest(), certificate=s.certificate, chain=s.chain
    )
    assert prepared.digest_to_sign == hashlib.sha256(prepared.signed_attributes).digest()
    later = prepared.finish(s.signer(prepared.digest_to_sign))
    assert verify_bytes(CONTENT, later, trust=test_pki.trust_store()).valid


def test_signer_arguments(test_pki):
    s = test_pki.signer
    with pytest.raises(SignatureError, match="exactly one"):
        sign_bytes(CONTENT, certificate=s.certificate)
    with pytest.raises(SignatureError, match="exactly one"):
        sign_bytes(CONTENT, certificate=s.certificate, key=s.key, signer=s.signer)
    with pytest.raises(SignatureError, match="32-byte"):
        prepare_signature(b"short", certificate=s.certificate)
    with pytest.raises(InvalidInputError, match="naive"):  # the one aware check (onestop.tz)
        sign_bytes(
            CONTENT, certificate=s.certificate, key=s.key, signing_time=dt.datetime(2025, 1, 1)
        )


def test_files_and_digests(test_pki, tmp_path):
    s = test_pki.signer
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(CONTENT * 50_000)  # a few MB, hashed in chunks
    sig = sign_file(path, certificate=s.certificate, key=s.key, chain=s.chain)
    assert verify_file(path, sig, trust=test_pki.trust_store()).valid
    assert verify_bytes(path.read_bytes(), sig, trust=test_pki.trust_store()).valid
    digest = hashlib.sha256(path.read_bytes()).digest()
    assert verify_digest(digest, sig, trust=test_pki.trust_store()).valid
    path.write_bytes(CONTENT)
    assert verify_file(path, sig, trust=test_pki.trust_store()).problem_codes == (
        ProblemCode.TAMPERED,
    )
    with pytest.raises(SignatureError, match="cannot read"):
        verify_file(tmp_path / "missing", sig)


def test_pem_armoured_signature(test_pki, signed):
    import base64

    pem = b"-----BEGIN PKCS7-----\n" + base64.encodebytes(signed) + b"-----END PKCS7-----\n"
    assert verify_bytes(CONTENT, pem, trust=test_pki.trust_store()).valid
    with pytest.raises(SignatureError, match="PEM"):
        verify_bytes(CONTENT, b"-----BEGIN CERTIFICATE-----\nAA==\n-----END CERTIFICATE-----")


def test_timestamp_b_t(test_pki):
    s = test_pki.signer
    when = test_pki.now - dt.timedelta(days=1)
    sig = sign_bytes(
        CONTENT,
        certificate=s.certificate,
        key=s.key,
        chain=s.chain,
        timestamper=test_pki.timestamper(at=when),
    )
    status = verify_bytes(CONTENT, sig, trust=test_pki.trust_store())
    assert status.valid
    assert status.timestamp_time == when
    assert status.validated_at == when  # the proven time is used for the chain


def test_timestamp_for_another_signature_is_rejected(test_pki):
    s = test_pki.signer

    def wrong_imprint(_digest: bytes) -> bytes:
        return test_pki.timestamper()(hashlib.sha256(b"another signature").digest())

    sig = sign_bytes(
        CONTENT, certificate=s.certificate, key=s.key, chain=s.chain, timestamper=wrong_imprint
    )
    status = verify_bytes(CONTENT, sig, trust=test_pki.trust_store())
    assert status.intact and not status.valid
    assert status.problem_codes == (ProblemCode.TIMESTAMP_INVALID,)
    assert status.timestamp_time is None


def test_timestamp_from_a_non_tsa_certificate_is_rejected(test_pki):
    import attrs

    fake_tsa = attrs.evolve(test_pki, tsa=test_pki.organization)  # no timeStamping EKU
    s = test_pki.signer
    sig = sign_bytes(
        CONTENT,
        certificate=s.certificate,
        key=s.key,
        chain=s.chain,
        timestamper=fake_tsa.timestamper(),
    )
    status = verify_bytes(CONTENT, sig, trust=test_pki.trust_store())
    assert status.problem_codes == (ProblemCode.TIMESTAMP_INVALID,)
    assert "wrong_usage" in status.problems[0].message


@pytest.mark.parametrize(
    "data",
    [b"", b"\x30", b"\x30\x03\x02\x01\x01", b"not DER at all", b"\x30\x80" + b"\x00" * 10],
)
def test_malformed_signature_raises(data):
    with pytest.raises(SignatureError) as info:
        verify_bytes(CONTENT, data)
    assert info.value.field == "signature"


def test_truncated_signature_raises_or_is_invalid(test_pki, signed):
    for cut in range(1, len(signed), max(1, len(signed) // 60)):
        try:
            status = verify_bytes(CONTENT, signed[:cut], trust=test_pki.trust_store())
        except SignatureError:
            continue
        assert not status.valid


def test_non_signed_data_content_type_raises():
    data = asn1_cms.ContentInfo({"content_type": "data", "content": b"hello"}).dump()
    with pytest.raises(SignatureError, match="signed_data"):
        verify_bytes(CONTENT, data)


@given(st.binary(max_size=300))
@settings(max_examples=150, deadline=None)
def test_fuzz_parser_raises_only_signature_error(data):
    try:
        status = verify_bytes(CONTENT, data)
    except SignatureError:
        return
    assert not status.valid


@given(st.data())
@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_mutation_of_signature_is_never_valid(test_pki, signed, data):
    mutated = bytearray(signed)
    index = data.draw(st.integers(0, len(mutated) - 1), label="index")
    mutated[index] ^= data.draw(st.integers(1, 255), label="xor")
    try:
        status = verify_bytes(CONTENT, bytes(mutated), trust=test_pki.trust_store())
    except SignatureError:
        return
    # Flipping a byte of the unsigned parts (e.g. an embedded CA certificate's padding) may
    # leave the signature valid only if the signed parts are unchanged; the signer cert and
    # the signed attributes are covered, so any accepted mutation must keep them.
    if status.valid:
        original = asn1_cms.ContentInfo.load(signed)["content"]["signer_infos"][0]
        again = asn1_cms.ContentInfo.load(bytes(mutated))["content"]["signer_infos"][0]
        assert original["signed_attrs"].dump() == again["signed_attrs"].dump()
        assert original["signature"].native == again["signature"].native


@given(st.data())
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_mutation_of_content_is_never_valid(test_pki, signed, data):
    mutated = bytearray(CONTENT)
    index = data.draw(st.integers(0, len(mutated) - 1))
    mutated[index] ^= data.draw(st.integers(1, 255))
    status = verify_bytes(bytes(mutated), signed, trust=test_pki.trust_store())
    assert not status.valid
    assert ProblemCode.TAMPERED in status.problem_codes


@given(st.binary(max_size=2000))
@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_round_trip_any_content(test_pki, data):
    s = test_pki.signer
    sig = sign_bytes(data, certificate=s.certificate, key=s.key, chain=s.chain)
    assert verify_bytes(data, sig, trust=test_pki.trust_store()).valid
    assert not verify_bytes(data + b"\x00", sig, trust=test_pki.trust_store()).valid
