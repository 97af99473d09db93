"""Chain validation: precise reasons, revocation, and a cross-check with cryptography's verifier."""

from __future__ import annotations

import datetime as dt

import httpx
import pytest
from cryptography.x509 import verification

from onestop.errors import InvalidInputError, SignatureError
from onestop.signatures import ProblemCode, RevocationPolicy, TrustStore, validate_chain
from onestop.signatures.trust import http_crl_fetcher, http_ocsp_fetcher


def _codes(result):
    return [p.code for p in result.problems]


def test_good_chain(test_pki):
    result = validate_chain(
        test_pki.signer.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=test_pki.signer.chain,
    )
    assert result.trusted
    assert result.problems == ()
    assert result.path == (
        test_pki.signer.certificate,
        test_pki.intermediate.certificate,
        test_pki.root.certificate,
    )


@pytest.mark.parametrize(
    ("name", "code", "where"),
    [
        ("expired", ProblemCode.EXPIRED, "signer"),
        ("not_yet_valid", ProblemCode.NOT_YET_VALID, "signer"),
        ("wrong_usage", ProblemCode.WRONG_USAGE, "signer"),
        ("stranger", ProblemCode.UNTRUSTED_ROOT, "root"),
    ],
)
def test_precise_reasons(test_pki, name, code, where):
    issued = getattr(test_pki, name)
    result = validate_chain(
        issued.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=issued.chain,
    )
    assert not result.trusted
    assert code in _codes(result)
    assert any(p.certificate == where for p in result.problems if p.code is code)
    assert set(_codes(result)) == {code}


def test_missing_intermediate_is_a_broken_chain(test_pki):
    result = validate_chain(
        test_pki.signer.certificate, trust=test_pki.trust_store(), at=test_pki.now
    )
    assert _codes(result) == [ProblemCode.BROKEN_CHAIN]
    assert "onestop Test Issuing CA G1" in result.problems[0].message


def test_forged_issuer_with_same_name_is_a_broken_chain(test_pki):
    # An intermediate with the right name but another key (the 'other_root' key signs a copy).
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes

    real = test_pki.intermediate.certificate.x509
    forged = (
        x509.CertificateBuilder()
        .subject_name(real.subject)
        .issuer_name(real.issuer)
        .public_key(test_pki.other_root.key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(real.not_valid_before_utc)
        .not_valid_after(real.not_valid_after_utc)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .sign(test_pki.root.key, hashes.SHA256())
    )
    from onestop.signatures import Certificate

    result = validate_chain(
        test_pki.signer.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=[Certificate(forged)],
    )
    assert _codes(result) == [ProblemCode.BROKEN_CHAIN]
    assert "does not verify" in result.problems[0].message


def test_validity_is_checked_at_the_given_time(test_pki):
    expired = test_pki.expired
    before_expiry = expired.certificate.not_after - dt.timedelta(days=1)
    result = validate_chain(
        expired.certificate,
        trust=test_pki.trust_store(),
        at=before_expiry,
        intermediates=expired.chain,
    )
    assert result.trusted
    later = test_pki.root.certificate.not_after + dt.timedelta(days=1)
    result = validate_chain(
        test_pki.signer.certificate,
        trust=test_pki.trust_store(),
        at=later,
        intermediates=test_pki.signer.chain,
    )
    assert [p.certificate for p in result.problems] == ["signer", "intermediate 1", "root"]
    assert set(_codes(result)) == {ProblemCode.EXPIRED}


def test_no_anchors(test_pki):
    result = validate_chain(test_pki.signer.certificate, trust=None, at=test_pki.now)
    assert not result.trusted
    assert _codes(result) == [ProblemCode.NO_TRUST_ANCHORS]


def test_timestamping_usage(test_pki):
    tsa = validate_chain(
        test_pki.tsa.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=test_pki.tsa.chain,
        usage="timestamping",
    )
    assert tsa.trusted
    signer_as_tsa = validate_chain(
        test_pki.signer.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=test_pki.signer.chain,
        usage="timestamping",
    )
    assert _codes(signer_as_tsa) == [ProblemCode.WRONG_USAGE]


def test_naive_time_raises(test_pki):
    # the one aware check of onestop.tz: InvalidInputError, as for every other naive argument
    with pytest.raises(InvalidInputError, match="naive"):
        validate_chain(test_pki.signer.certificate, trust=None, at=dt.datetime(2025, 1, 1))


@pytest.mark.parametrize("name", ["signer", "expired", "not_yet_valid", "stranger"])
def test_trust_decision_agrees_with_cryptography_verifier(test_pki, name):
    """Independent cross-check: cryptography's RFC 5280 client verifier."""
    issued = getattr(test_pki, name)
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store([test_pki.root.certificate.x509]))
        .time(test_pki.now)
        .build_client_verifier()
    )
    try:
        verifier.verify(issued.certificate.x509, [c.x509 for c in issued.chain])
        theirs = True
    except verification.VerificationError:
        theirs = False
    ours = validate_chain(
        issued.certificate,
        trust=test_pki.trust_store(),
        at=test_pki.now,
        intermediates=issued.chain,
    ).trusted
    assert ours == theirs


# -- revocation ----------------------------------------------------------------------------


def _validate(test_pki, issued, policy, at=None):
    return validate_chain(
        issued.certificate,
        trust=test_pki.trust_store(),
        at=at or test_pki.now,
        intermediates=issued.chain,
        revocation=policy,
    )


def test_offline_crls(test_pki):
    policy = RevocationPolicy.offline(crls=test_pki.crls())
    assert _validate(test_pki, test_pki.signer, policy).trusted
    revoked = _validate(test_pki, test_pki.revoked, policy)
    assert _codes(revoked) == [ProblemCode.REVOKED]
    # Before the revocation date, the certificate was still good.
    before = test_pki.revoked_at - dt.timedelta(days=1)
    policy_then = RevocationPolicy.offline(crls=test_pki.crls(at=before))
    assert _validate(test_pki, test_pki.revoked, policy_then, at=before).trusted


def test_revocation_is_off_by_default(test_pki):
    assert _validate(test_pki, test_pki.revoked, None).trusted


def test_missing_revocation_data_hard_and_soft(test_pki):
    hard = _validate(test_pki, test_pki.signer, RevocationPolicy.offline(crls=[test_pki.crl()]))
    assert _codes(hard) == [ProblemCode.REVOCATION_UNKNOWN]  # no CRL from the root
    soft = _validate(
        test_pki, test_pki.signer, RevocationPolicy.offline(crls=[test_pki.crl()], require=False)
    )
    assert soft.trusted


def test_crl_signed_by_someone_else_is_ignored(test_pki):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization

    forged = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(test_pki.intermediate.certificate.x509.subject)
        .last_update(test_pki.now - dt.timedelta(hours=1))
        .next_update(test_pki.now + dt.timedelta(days=1))
        .sign(test_pki.other_root.key, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    policy = RevocationPolicy.offline(crls=[test_pki.root_crl(), forged])
    assert _codes(_validate(test_pki, test_pki.revoked, policy)) == [ProblemCode.REVOCATION_UNKNOWN]


def test_stale_crl_is_not_used(test_pki):
    old = test_pki.now - dt.timedelta(days=30)
    policy = RevocationPolicy.offline(crls=test_pki.crls(at=old))
    assert ProblemCode.REVOCATION_UNKNOWN in _codes(_validate(test_pki, test_pki.signer, policy))


def test_offline_ocsp(test_pki):
    policy = RevocationPolicy.offline(
        crls=[test_pki.root_crl()],
        ocsp_responses=[
            test_pki.ocsp_response(test_pki.signer),
            test_pki.ocsp_response(test_pki.revoked),
        ],
    )
    assert _validate(test_pki, test_pki.signer, policy).trusted
    assert _codes(_validate(test_pki, test_pki.revoked, policy)) == [ProblemCode.REVOKED]


def test_fetchers_over_httpx_mock_transport(test_pki):
    seen = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append((request.method, str(request.url)))
        if request.url.host == "ocsp.onestop-test.invalid":
            assert request.headers["content-type"] == "application/ocsp-request"
            return httpx.Response(200, content=test_pki.ocsp_response(test_pki.revoked))
        return httpx.Response(404)

    with httpx.Client(transport=httpx.MockTransport(handler)) as client:
        policy = RevocationPolicy(
            crls=(test_pki.root_crl(),),
            ocsp_fetcher=http_ocsp_fetcher(client),
            crl_fetcher=http_crl_fetcher(client),
        )
        assert _codes(_validate(test_pki, test_pki.revoked, policy)) == [ProblemCode.REVOKED]
        # For the good signer the responder answers about another certificate: not usable,
        # then the CRL URL gives 404: unknown.
        assert _codes(_validate(test_pki, test_pki.signer, policy)) == [
            ProblemCode.REVOCATION_UNKNOWN
        ]
    assert ("POST", "http://ocsp.onestop-test.invalid/") in seen
    assert ("GET", "http://crl.onestop-test.invalid/intermediate.crl") in seen


def test_trust_store_constructors(test_pki, tmp_path):
    path = tmp_path / "roots.pem"
    path.write_bytes(test_pki.root.cert_pem() + test_pki.other_root.cert_pem())
    store = TrustStore.from_files(path)
    assert store.anchors == (test_pki.root.certificate, test_pki.other_root.certificate)
    assert TrustStore.from_pem(test_pki.root.cert_pem()).anchors == (test_pki.root.certificate,)
    assert TrustStore.of(test_pki.root.certificate.x509).anchors == (test_pki.root.certificate,)
    assert test_pki.root.certificate in store
    assert "not a cert" not in store


def _delegated_ocsp(test_pki, *, with_eku):
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509 import ocsp
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    inter = test_pki.intermediate
    builder = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "OCSP responder")]))
        .issuer_name(inter.certificate.x509.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(test_pki.now - dt.timedelta(days=1))
        .not_valid_after(test_pki.now + dt.timedelta(days=30))
    )
    if with_eku:
        builder = builder.add_extension(
            x509.ExtendedKeyUsage([ExtendedKeyUsageOID.OCSP_SIGNING]), critical=False
        )
    responder = builder.sign(inter.key, hashes.SHA256())
    response = (
        ocsp.OCSPResponseBuilder()
        .add_response(
            cert=test_pki.revoked.certificate.x509,
            issuer=inter.certificate.x509,
            algorithm=hashes.SHA1(),  # noqa: S303 - CertID hash most responders use
            cert_status=ocsp.OCSPCertStatus.REVOKED,
            this_update=test_pki.now - dt.timedelta(hours=1),
            next_update=test_pki.now + dt.timedelta(days=1),
            revocation_time=test_pki.revoked_at,
            revocation_reason=None,
        )
        .responder_id(ocsp.OCSPResponderEncoding.NAME, responder)
        .certificates([responder])
        .sign(key, hashes.SHA256())
    )
    return response.public_bytes(serialization.Encoding.DER)


def test_delegated_ocsp_responder(test_pki):
    good = RevocationPolicy.offline(
        crls=[test_pki.root_crl()], ocsp_responses=[_delegated_ocsp(test_pki, with_eku=True)]
    )
    assert _codes(_validate(test_pki, test_pki.revoked, good)) == [ProblemCode.REVOKED]
    # Without id-kp-OCSPSigning the responder is not authorised: its answer is ignored.
    rogue = RevocationPolicy.offline(
        crls=[test_pki.root_crl()], ocsp_responses=[_delegated_ocsp(test_pki, with_eku=False)]
    )
    assert _codes(_validate(test_pki, test_pki.revoked, rogue)) == [ProblemCode.REVOCATION_UNKNOWN]


def test_cms_verification_with_revocation(test_pki):
    from onestop.signatures import sign_bytes, verify_bytes

    r = test_pki.revoked
    sig = sign_bytes(b"x", certificate=r.certificate, key=r.key, chain=r.chain)
    policy = RevocationPolicy.offline(crls=test_pki.crls())
    status = verify_bytes(b"x", sig, trust=test_pki.trust_store(), revocation=policy)
    assert status.intact and status.revoked and not status.valid


def test_trust_argument_forms(test_pki):
    from onestop.signatures import sign_bytes, verify_bytes

    s = test_pki.signer
    sig = sign_bytes(b"x", certificate=s.certificate, key=s.key, chain=s.chain)
    root = test_pki.root
    for trust in (
        root.cert_pem(),
        root.cert_pem().decode(),
        root.certificate.to_der(),
        root.certificate,
        root.certificate.x509,
        [root.certificate],
        test_pki.trust_store(),
    ):
        assert verify_bytes(b"x", sig, trust=trust).valid, type(trust)


@pytest.mark.parametrize(
    ("name", "theirs_error", "our_code"),
    [
        ("signer", None, None),
        ("expired", "ExpiredError", ProblemCode.EXPIRED),
        ("not_yet_valid", "NotYetValidError", ProblemCode.NOT_YET_VALID),
        ("revoked", "RevokedError", ProblemCode.REVOKED),
        ("stranger", "PathBuildingError", ProblemCode.UNTRUSTED_ROOT),
        ("wrong_usage", "InvalidCertificateError", ProblemCode.WRONG_USAGE),
    ],
)
def test_reasons_agree_with_pyhanko_certvalidator(test_pki, name, theirs_error, our_code):
    """Independent cross-check of the reason, with CRLs, against pyhanko-certvalidator."""
    import asyncio

    from asn1crypto import crl as asn1_crl
    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    def a(cert):
        return asn1_x509.Certificate.load(cert.to_der())

    issued = getattr(test_pki, name)
    context = ValidationContext(
        trust_roots=[a(test_pki.root.certificate)],
        other_certs=[a(c) for c in issued.chain],
        crls=[asn1_crl.CertificateList.load(c) for c in test_pki.crls()],
        moment=test_pki.now,
        revocation_mode="hard-fail",
    )
    validator = CertificateValidator(a(issued.certificate), validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
        theirs = None
    except Exception as exc:
        theirs = type(exc).__name__
    ours = _validate(test_pki, issued, RevocationPolicy.offline(crls=test_pki.crls()))
    assert theirs == theirs_error
    if our_code is None:
        assert ours.trusted
    else:
        assert our_code in _codes(ours) and not ours.trusted


# -- name constraints and critical extensions (RFC 5280 §4.2, §4.2.1.10) --------------------


def _n(*pairs):
    from cryptography import x509

    return x509.Name([x509.NameAttribute(oid, value) for oid, value in pairs])


def test_name_constraints_of_the_issuing_ca(test_pki):
    inside = _validate(test_pki, test_pki.constrained_signer, None)
    assert inside.trusted and inside.problems == ()
    outside = _validate(test_pki, test_pki.outside_signer, None)
    assert not outside.trusted
    (problem,) = outside.problems
    assert problem.code is ProblemCode.NAME_CONSTRAINTS_VIOLATED
    assert problem.certificate == "signer"
    assert "subject name" in problem.message and "onestop Test Justice CA" in problem.message
    assert "Mạo Danh" not in problem.message  # the certificate's own names are not repeated


@pytest.mark.parametrize(
    ("name", "trusted"), [("constrained_signer", True), ("outside_signer", False)]
)
def test_name_constraints_agree_with_certvalidator(test_pki, name, trusted):
    """Cross-check with pyhanko-certvalidator (cryptography's verifier refuses directoryName
    constraints altogether, so it cannot judge these chains)."""
    import asyncio

    from asn1crypto import x509 as asn1_x509
    from pyhanko_certvalidator import CertificateValidator, ValidationContext

    def a(cert):
        return asn1_x509.Certificate.load(cert.to_der())

    issued = getattr(test_pki, name)
    context = ValidationContext(
        trust_roots=[a(test_pki.root.certificate)],
        other_certs=[a(c) for c in issued.chain],
        moment=test_pki.now,
    )
    validator = CertificateValidator(a(issued.certificate), validation_context=context)
    try:
        asyncio.run(validator.async_validate_usage({"digital_signature"}))
        theirs = True
    except Exception:
        theirs = False
    assert _validate(test_pki, issued, None).trusted is theirs is trusted


def _ca_under_root(root, *, permitted=None, excluded=None, subject=None):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from onestop.testing import issue_certificate

    return issue_certificate(
        subject or _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.COMMON_NAME, "Constrained Test CA")),
        issuer=root,
        ca=True,
        name_constraints=x509.NameConstraints(
            permitted_subtrees=permitted, excluded_subtrees=excluded
        ),
    )


@pytest.fixture(scope="module")
def local_root():
    from cryptography.x509.oid import NameOID

    from onestop.testing import issue_certificate

    return issue_certificate(
        _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.COMMON_NAME, "Local Test Root")),
        issuer=None,
        ca=True,
    )


def _leaf_under(ca, *, subject=None, san=()):
    from cryptography.x509.oid import NameOID

    from onestop.testing import issue_certificate

    return issue_certificate(
        subject
        or _n(
            (NameOID.COUNTRY_NAME, "VN"),
            (NameOID.ORGANIZATION_NAME, "UBND Xã Thử"),
            (NameOID.COMMON_NAME, "Cán bộ Một cửa"),
        ),
        issuer=ca,
        subject_alt_names=san,
    )


def _chain_codes(local_root, leaf):
    result = validate_chain(
        leaf.certificate,
        trust=[local_root.certificate],
        at=dt.datetime.now(dt.UTC),
        intermediates=leaf.chain,
    )
    return [(p.code, p.certificate) for p in result.problems], result.trusted


def _case(kind):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    commune = x509.DirectoryName(
        _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, "UBND Xã Thử"))
    )
    other = x509.DirectoryName(
        _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, "UBND Xã Khác"))
    )
    mail = [x509.RFC822Name("canbo@xathu.onestop-test.invalid")]
    host = [x509.DNSName("mot-cua.xathu.onestop-test.invalid")]
    return {
        # (permitted, excluded, leaf SAN, trusted)
        "dn permitted": ([commune], None, (), True),
        "dn not permitted": ([other], None, (), False),
        "dn excluded": (None, [commune], (), False),
        "dn excluded elsewhere": (None, [other], (), True),
        "mail permitted host": ([x509.RFC822Name("xathu.onestop-test.invalid")], None, mail, True),
        "mail other host": ([x509.RFC822Name("onestop-test.invalid")], None, mail, False),
        "mail permitted domain": ([x509.RFC822Name(".onestop-test.invalid")], None, mail, True),
        "mail excluded domain": (None, [x509.RFC822Name(".onestop-test.invalid")], mail, False),
        "mail exact mailbox": (
            [x509.RFC822Name("canbo@xathu.onestop-test.invalid")],
            None,
            mail,
            True,
        ),
        "mail other mailbox": (
            [x509.RFC822Name("ketoan@xathu.onestop-test.invalid")],
            None,
            mail,
            False,
        ),
        "dns permitted": ([x509.DNSName("onestop-test.invalid")], None, host, True),
        "dns not a label boundary": ([x509.DNSName("test.invalid")], None, host, False),
        "dns other": ([x509.DNSName("example.invalid")], None, host, False),
        "dns excluded": (None, [x509.DNSName("xathu.onestop-test.invalid")], host, False),
        # A constraint on a form the certificate does not use restricts nothing.
        "dns constraint, no dns name": ([commune, x509.DNSName("example.invalid")], None, (), True),
    }[kind]


@pytest.mark.parametrize(
    "kind",
    [
        "dn permitted",
        "dn not permitted",
        "dn excluded",
        "dn excluded elsewhere",
        "mail permitted host",
        "mail other host",
        "mail permitted domain",
        "mail excluded domain",
        "mail exact mailbox",
        "mail other mailbox",
        "dns permitted",
        "dns not a label boundary",
        "dns other",
        "dns excluded",
        "dns constraint, no dns name",
    ],
)
def test_name_constraint_forms_accept_and_reject(local_root, kind):
    permitted, excluded, san, trusted = _case(kind)
    ca = _ca_under_root(local_root, permitted=permitted, excluded=excluded)
    codes, ours = _chain_codes(local_root, _leaf_under(ca, san=san))
    assert ours is trusted
    assert codes == ([] if trusted else [(ProblemCode.NAME_CONSTRAINTS_VIOLATED, "signer")])


def test_legacy_email_in_the_subject_is_constrained_as_rfc822(local_root):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    ca = _ca_under_root(local_root, permitted=[x509.RFC822Name("xathu.onestop-test.invalid")])
    subject = [(NameOID.COUNTRY_NAME, "VN"), (NameOID.COMMON_NAME, "Cán bộ")]
    inside = _n(*subject, (NameOID.EMAIL_ADDRESS, "canbo@xathu.onestop-test.invalid"))
    outside = _n(*subject, (NameOID.EMAIL_ADDRESS, "canbo@mail.onestop-test.invalid"))
    assert _chain_codes(local_root, _leaf_under(ca, subject=inside)) == ([], True)
    codes, trusted = _chain_codes(local_root, _leaf_under(ca, subject=outside))
    assert not trusted and codes == [(ProblemCode.NAME_CONSTRAINTS_VIOLATED, "signer")]


def test_constraints_of_every_ca_on_the_path_apply(local_root):
    """RFC 5280 §6.1.4 (g): permitted subtrees intersect down the path, excluded ones add up."""
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    country = x509.DirectoryName(_n((NameOID.COUNTRY_NAME, "VN")))
    province = _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, "UBND Tỉnh Thử"))
    upper = _ca_under_root(
        local_root,
        permitted=[country],
        subject=_n(*((a.oid, a.value) for a in province), (NameOID.COMMON_NAME, "Tỉnh CA")),
    )
    # The lower CA tries to widen its permission to another country: no effect.
    lower = _ca_under_root(
        upper,
        permitted=[country, x509.DirectoryName(_n((NameOID.COUNTRY_NAME, "LA")))],
        excluded=[
            x509.DirectoryName(
                _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, "Bị loại"))
            )
        ],
        subject=_n(*((a.oid, a.value) for a in province), (NameOID.COMMON_NAME, "Huyện CA")),
    )
    vietnam = _leaf_under(lower)
    assert _chain_codes(local_root, vietnam) == ([], True)
    laos = _leaf_under(lower, subject=_n((NameOID.COUNTRY_NAME, "LA"), (NameOID.COMMON_NAME, "X")))
    codes, trusted = _chain_codes(local_root, laos)
    assert not trusted and codes == [(ProblemCode.NAME_CONSTRAINTS_VIOLATED, "signer")]
    excluded = _leaf_under(
        lower, subject=_n((NameOID.COUNTRY_NAME, "VN"), (NameOID.ORGANIZATION_NAME, "bị  LOẠI "))
    )
    codes, trusted = _chain_codes(local_root, excluded)  # compared case- and space-insensitively
    assert not trusted and codes == [(ProblemCode.NAME_CONSTRAINTS_VIOLATED, "signer")]
    # An intermediate CA outside its issuer's subtree is caught at its own position.
    rogue = _ca_under_root(
        upper,
        permitted=[country],
        subject=_n((NameOID.COUNTRY_NAME, "KH"), (NameOID.COMMON_NAME, "Rogue CA")),
    )
    codes, trusted = _chain_codes(local_root, _leaf_under(rogue))
    assert not trusted
    assert (ProblemCode.NAME_CONSTRAINTS_VIOLATED, "intermediate 1") in codes


def test_a_constrained_form_onestop_cannot_compare_is_rejected(local_root):
    from cryptography import x509

    other_name = x509.OtherName(x509.ObjectIdentifier("1.3.6.1.4.1.311.20.2.3"), b"\x0c\x03abc")
    ca = _ca_under_root(local_root, permitted=[other_name])
    assert _chain_codes(local_root, _leaf_under(ca)) == ([], True)  # no otherName: unaffected
    codes, trusted = _chain_codes(local_root, _leaf_under(ca, san=[other_name]))
    assert not trusted and codes == [(ProblemCode.NAME_CONSTRAINTS_VIOLATED, "signer")]


@pytest.mark.parametrize(
    ("name", "base", "expected"),
    [
        ("dns", ("www.hanoi.gov.vn", "hanoi.gov.vn"), True),
        ("dns", ("hanoi.gov.vn", "hanoi.gov.vn"), True),
        ("dns", ("HANOI.gov.vn.", "hanoi.GOV.vn"), True),
        ("dns", ("xhanoi.gov.vn", "hanoi.gov.vn"), False),
        ("dns", ("hanoi.gov.vn", ".hanoi.gov.vn"), False),
        ("dns", ("a.hanoi.gov.vn", ".hanoi.gov.vn"), True),
        ("dns", ("anything.vn", ""), True),
        ("mail", ("a@hanoi.gov.vn", "hanoi.gov.vn"), True),
        ("mail", ("a@sub.hanoi.gov.vn", "hanoi.gov.vn"), False),
        ("mail", ("a@sub.hanoi.gov.vn", ".hanoi.gov.vn"), True),
        ("mail", ("a@hanoi.gov.vn", ".hanoi.gov.vn"), False),
        ("mail", ("A@HANOI.gov.vn", "A@hanoi.gov.vn"), True),
        ("mail", ("a@hanoi.gov.vn", "A@hanoi.gov.vn"), False),
        ("uri", ("https://dvc.hanoi.gov.vn/path", "dvc.hanoi.gov.vn"), True),
        ("uri", ("https://x.dvc.hanoi.gov.vn/", "dvc.hanoi.gov.vn"), False),
        ("uri", ("https://x.hanoi.gov.vn/", ".hanoi.gov.vn"), True),
        ("uri", ("urn:isbn:0451450523", ".hanoi.gov.vn"), None),
        ("uri", ("https://10.0.0.1/", ".hanoi.gov.vn"), None),
        ("ip", ("10.1.2.3", "10.0.0.0/8"), True),
        ("ip", ("11.1.2.3", "10.0.0.0/8"), False),
        ("ip", ("::1", "10.0.0.0/8"), False),
    ],
)
def test_name_within(name, base, expected):
    import ipaddress

    from cryptography import x509

    from onestop.signatures._pathchecks import name_within

    make = {
        "dns": x509.DNSName,
        "mail": x509.RFC822Name,
        "uri": x509.UniformResourceIdentifier,
    }
    if name == "ip":
        pair = (
            x509.IPAddress(ipaddress.ip_address(base[0])),
            x509.IPAddress(ipaddress.ip_network(base[1])),
        )
    else:
        pair = (make[name](base[0]), make[name](base[1]))
    assert name_within(*pair) is expected
    # Different forms never compare.
    assert name_within(x509.DNSName("hanoi.gov.vn"), x509.RFC822Name("hanoi.gov.vn")) is None


def _with_extension(root, extension_value, *, critical, ca=False):
    from cryptography import x509
    from cryptography.x509.oid import NameOID

    from onestop.testing import issue_certificate

    return issue_certificate(
        _n((NameOID.COUNTRY_NAME, "VN"), (NameOID.COMMON_NAME, "Extension Test")),
        issuer=root,
        ca=ca,
        extensions=[x509.Extension(extension_value.oid, critical, extension_value)],
    )


def test_an_unknown_critical_extension_is_not_trusted(local_root, test_pki):
    from cryptography import x509

    unknown = x509.UnrecognizedExtension(x509.ObjectIdentifier("2.999.42"), b"\x05\x00")
    tolerated = _with_extension(local_root, unknown, critical=False)
    assert _chain_codes(local_root, tolerated) == ([], True)
    leaf = _with_extension(local_root, unknown, critical=True)
    codes, trusted = _chain_codes(local_root, leaf)
    assert not trusted and codes == [(ProblemCode.UNSUPPORTED_CRITICAL_EXTENSION, "signer")]
    # cryptography's verifier agrees.
    verifier = (
        verification.PolicyBuilder()
        .store(verification.Store([local_root.certificate.x509]))
        .build_client_verifier()
    )
    with pytest.raises(verification.VerificationError):
        verifier.verify(leaf.certificate.x509, [])
    # On an intermediate CA it is reported at the CA's position.
    ca = _with_extension(local_root, unknown, critical=True, ca=True)
    codes, trusted = _chain_codes(local_root, _leaf_under(ca))
    assert not trusted and codes == [(ProblemCode.UNSUPPORTED_CRITICAL_EXTENSION, "intermediate 1")]


def test_policy_constraints_requiring_explicit_policies_are_not_trusted(local_root):
    from cryptography import x509

    explicit = x509.PolicyConstraints(require_explicit_policy=0, inhibit_policy_mapping=None)
    ca = _with_extension(local_root, explicit, critical=True, ca=True)
    codes, trusted = _chain_codes(local_root, _leaf_under(ca))
    assert not trusted and codes == [(ProblemCode.UNSUPPORTED_CRITICAL_EXTENSION, "intermediate 1")]
    # inhibitPolicyMapping alone cannot make a path invalid without explicit policies.
    mapping = x509.PolicyConstraints(require_explicit_policy=None, inhibit_policy_mapping=0)
    ca = _with_extension(local_root, mapping, critical=True, ca=True)
    assert _chain_codes(local_root, _leaf_under(ca)) == ([], True)


def test_outside_signer_makes_a_cms_signature_invalid(test_pki):
    from onestop.signatures import sign_bytes, verify_bytes

    for name, valid in (("constrained_signer", True), ("outside_signer", False)):
        issued = getattr(test_pki, name)
        sig = sign_bytes(
            b"ket qua", certificate=issued.certificate, key=issued.key, chain=issued.chain
        )
        status = verify_bytes(b"ket qua", sig, trust=test_pki.trust_store())
        assert status.valid is valid
        assert status.intact
        if not valid:
            assert status.problem_codes == (ProblemCode.NAME_CONSTRAINTS_VIOLATED,)


# -- malformed X.509 from the network or the caller: never a warning ------------------------

#: commonName (2.5.4.3) -> countryName (2.5.4.6): a country "name" longer than 2 characters,
#: which cryptography parses leniently with a UserWarning.
_CN, _C = bytes.fromhex("0603550403"), bytes.fromhex("0603550406")


def test_crl_with_a_malformed_name_is_unreadable_not_a_warning(test_pki):
    bad = test_pki.crl().replace(_CN, _C, 1)
    with pytest.raises(SignatureError, match="not a readable CRL"):
        RevocationPolicy.offline(crls=[test_pki.root_crl(), bad])
    policy = RevocationPolicy(crl_fetcher=lambda url: bad)
    assert _codes(_validate(test_pki, test_pki.signer, policy)) == [
        ProblemCode.REVOCATION_UNKNOWN,
        ProblemCode.REVOCATION_UNKNOWN,
    ]
