"""A throwaway PKI for tests: root, intermediate, signers, CRL, OCSP and a local TSA.

Every key is generated in memory when :func:`build_test_pki` runs; nothing is read from or
committed to the repository. Subjects follow the Vietnamese conventions (UID attribute
``0.9.2342.19200300.100.1.1`` with ``MST:``/``CCCD:`` prefixes as UTF8String, Vietnamese
names, ``C=VN``) but every name and number is fictitious: tax codes are checksum-valid but
chosen from unassigned-looking ranges, and URLs use the reserved ``.invalid`` top-level domain.

**Test double**: these certificates are for test-suites only.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import io
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Literal

import attrs
from asn1crypto import cms, core, tsp
from asn1crypto.parser import emit
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509 import ocsp
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtendedKeyUsageOID, NameOID

from onestop.errors import ConfigurationError, MissingExtraError
from onestop.signatures.certificates import Certificate, PrivateKey
from onestop.signatures.cms import HashSigner, Timestamper, key_signer, prepare_signature
from onestop.signatures.trust import TrustStore
from onestop.tz import require_aware

__all__ = [
    "IssuedCertificate",
    "ThrowawayPKI",
    "build_test_pki",
    "issue_certificate",
    "make_test_pdf",
    "text_field_appearance",
]

#: Fictitious, checksum-valid tax codes (MST) and a fictitious 12-digit CCCD.
PERSON_TAX_CODE = "0109999904"
PERSON_CITIZEN_ID = "001090012345"
ORG_TAX_CODE = "0312345602-001"

_CRL_URL = "http://crl.onestop-test.invalid/intermediate.crl"
_OCSP_URL = "http://ocsp.onestop-test.invalid/"
_TSA_POLICY = "2.999.1.1"  # the ITU-T "example" arc


@attrs.frozen(slots=True)
class IssuedCertificate:
    """A certificate with its private key and chain (intermediates, then the root).

    Attributes:
        certificate: the certificate.
        key: its private key (in memory only).
        chain: issuer certificates, nearest first, root last.
    """

    certificate: Certificate
    key: PrivateKey
    chain: tuple[Certificate, ...]

    @property
    def signer(self) -> HashSigner:
        """The key as a hash signer (for ``sign_*(signer=...)``)."""
        return key_signer(self.key)

    def key_pem(self) -> bytes:
        """The private key as unencrypted PKCS#8 PEM."""
        return self.key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )

    def cert_pem(self) -> bytes:
        """The certificate as PEM."""
        return self.certificate.to_pem()

    def chain_pem(self) -> bytes:
        """The chain (without the certificate itself) as concatenated PEM."""
        return b"".join(c.to_pem() for c in self.chain)


@attrs.frozen(slots=True)
class ThrowawayPKI:
    """A complete test PKI (see :func:`build_test_pki`).

    Attributes:
        now: the reference time the validity periods were built around (UTC).
        root: the trust anchor.
        intermediate: the issuing CA (signed by ``root``).
        signer: a person: CN, O, OU, T, L, ST, C=VN and UIDs ``MST:`` + ``CCCD:``.
        organization: an organisation with a branch-form ``MST:`` UID.
        expired: like ``signer`` but expired a year before ``now``.
        not_yet_valid: like ``signer`` but valid only from 30 days after ``now``.
        revoked: valid but revoked 10 days before ``now`` (listed by :meth:`crl`).
        wrong_usage: key usage keyEncipherment and EKU serverAuth only (a TLS certificate).
        tsa: a timestamp authority (EKU timeStamping, critical).
        other_root: a root that is *not* in :meth:`trust_store`.
        stranger: a signer issued by ``other_root`` (chain includes ``other_root``).
        constrained_ca: an issuing CA (signed by ``root``) with a critical nameConstraints
            extension (RFC 5280 §4.2.1.10): it may only issue for the directory subtree
            ``C=VN, O=Sở Tư pháp Thành phố Thử Nghiệm`` and e-mail addresses at
            ``stp.onestop-test.invalid``.
        constrained_signer: a signer of ``constrained_ca`` inside both permitted subtrees.
        outside_signer: a signer of ``constrained_ca`` whose subject is outside the permitted
            directory subtree (another organisation): never trusted.
        revoked_at: when ``revoked`` was revoked.
    """

    now: dt.datetime
    root: IssuedCertificate
    intermediate: IssuedCertificate
    signer: IssuedCertificate
    organization: IssuedCertificate
    expired: IssuedCertificate
    not_yet_valid: IssuedCertificate
    revoked: IssuedCertificate
    wrong_usage: IssuedCertificate
    tsa: IssuedCertificate
    other_root: IssuedCertificate
    stranger: IssuedCertificate
    constrained_ca: IssuedCertificate
    constrained_signer: IssuedCertificate
    outside_signer: IssuedCertificate
    revoked_at: dt.datetime

    def trust_store(self) -> TrustStore:
        """A trust store holding only :attr:`root`."""
        return TrustStore((self.root.certificate,))

    def crl(self, *, at: dt.datetime | None = None, include_revoked: bool = True) -> bytes:
        """A DER CRL from the intermediate, valid from ``at`` (default ``now``) for 7 days."""
        when = at or self.now
        builder = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.intermediate.certificate.x509.subject)
            .last_update(when - dt.timedelta(hours=1))
            .next_update(when + dt.timedelta(days=7))
        )
        if include_revoked:
            builder = builder.add_revoked_certificate(
                x509.RevokedCertificateBuilder()
                .serial_number(self.revoked.certificate.serial_number)
                .revocation_date(self.revoked_at)
                .build()
            )
        crl = builder.sign(self.intermediate.key, hashes.SHA256())
        return crl.public_bytes(serialization.Encoding.DER)

    def root_crl(self, *, at: dt.datetime | None = None) -> bytes:
        """A DER CRL from the root (empty: the intermediate is not revoked)."""
        when = at or self.now
        crl = (
            x509.CertificateRevocationListBuilder()
            .issuer_name(self.root.certificate.x509.subject)
            .last_update(when - dt.timedelta(hours=1))
            .next_update(when + dt.timedelta(days=7))
            .sign(self.root.key, hashes.SHA256())
        )
        return crl.public_bytes(serialization.Encoding.DER)

    def crls(self, *, at: dt.datetime | None = None) -> tuple[bytes, bytes]:
        """Both CRLs (root's, intermediate's) valid at ``at``: complete offline revocation data."""
        return (self.root_crl(at=at), self.crl(at=at))

    def ocsp_response(self, issued: IssuedCertificate, *, at: dt.datetime | None = None) -> bytes:
        """A DER OCSP response from the intermediate for ``issued`` (revoked or good)."""
        when = at or self.now
        is_revoked = issued.certificate == self.revoked.certificate
        builder = ocsp.OCSPResponseBuilder().add_response(
            cert=issued.certificate.x509,
            issuer=self.intermediate.certificate.x509,
            algorithm=hashes.SHA256(),
            cert_status=ocsp.OCSPCertStatus.REVOKED if is_revoked else ocsp.OCSPCertStatus.GOOD,
            this_update=when - dt.timedelta(hours=1),
            next_update=when + dt.timedelta(days=1),
            revocation_time=self.revoked_at if is_revoked else None,
            revocation_reason=x509.ReasonFlags.key_compromise if is_revoked else None,
        )
        builder = builder.responder_id(
            ocsp.OCSPResponderEncoding.HASH, self.intermediate.certificate.x509
        )
        response = builder.sign(self.intermediate.key, hashes.SHA256())
        return response.public_bytes(serialization.Encoding.DER)

    def _token(self, imprint: bytes, *, at: dt.datetime | None, nonce: int | None) -> bytes:
        gen_time = (at or dt.datetime.now(dt.UTC)).astimezone(dt.UTC)
        fields: dict[str, object] = {
            "version": "v1",
            "policy": _TSA_POLICY,
            "message_imprint": {
                "hash_algorithm": {"algorithm": "sha256"},
                "hashed_message": imprint,
            },
            "serial_number": secrets.randbits(63),
            "gen_time": gen_time.replace(microsecond=0),
        }
        if nonce is not None:
            fields["nonce"] = nonce
        info = tsp.TSTInfo(fields).dump()
        prepared = prepare_signature(
            hashlib.sha256(info).digest(),
            certificate=self.tsa.certificate,
            chain=self.tsa.chain,
            signing_time=gen_time,
            content_type="tst_info",
            content=info,
        )
        return prepared.finish(self.tsa.signer(prepared.digest_to_sign))

    def timestamper(self, *, at: dt.datetime | None = None) -> Timestamper:
        """A local RFC 3161 timestamp authority signing with :attr:`tsa`.

        Args:
            at: the time written in the tokens (default: the real current time).
        """

        def stamp(imprint: bytes) -> bytes:
            return self._token(imprint, at=at, nonce=None)

        return stamp

    def timestamp_response(self, request: bytes, *, at: dt.datetime | None = None) -> bytes:
        """Answer a DER ``TimeStampReq`` with a DER ``TimeStampResp`` (a TSA over HTTP).

        A request that does not parse gets a ``rejection`` status (``badDataFormat``).
        """
        try:
            req = tsp.TimeStampReq.load(request, strict=True)
            imprint = req["message_imprint"]["hashed_message"].native
            nonce = req["nonce"].native
        except (ValueError, TypeError, KeyError):
            # PKIStatusInfo {rejection, badDataFormat}, no token (RFC 3161 §2.4.2); written
            # by hand because asn1crypto insists on the optional token when building.
            fail_info = tsp.PKIFailureInfo({"bad_data_format"}).dump()
            status_info = emit(0, 1, 16, core.Integer(2).dump() + fail_info)
            return bytes(emit(0, 1, 16, status_info))
        token = cms.ContentInfo.load(self._token(imprint, at=at, nonce=nonce))
        granted: bytes = tsp.TimeStampResp(
            {"status": {"status": "granted"}, "time_stamp_token": token}
        ).dump()
        return granted

    def write(self, directory: str | os.PathLike[str]) -> dict[str, Path]:
        """Write PEM files (``<name>.pem``, ``<name>.key.pem``, ``<name>.chain.pem``).

        Returns:
            A map ``name -> path`` with keys like ``"root"``, ``"signer"``, ``"signer.key"``,
            ``"signer.chain"`` and ``"trust"`` (the root alone).
        """
        base = Path(directory)
        base.mkdir(parents=True, exist_ok=True)
        out: dict[str, Path] = {}
        for name in (
            "root",
            "intermediate",
            "signer",
            "organization",
            "expired",
            "not_yet_valid",
            "revoked",
            "wrong_usage",
            "tsa",
            "other_root",
            "stranger",
            "constrained_ca",
            "constrained_signer",
            "outside_signer",
        ):
            issued: IssuedCertificate = getattr(self, name)
            for suffix, data in (
                ("", issued.cert_pem()),
                (".key", issued.key_pem()),
                (".chain", issued.chain_pem()),
            ):
                path = base / f"{name}{suffix}.pem"
                path.write_bytes(data)
                out[f"{name}{suffix}"] = path
        trust = base / "trust.pem"
        trust.write_bytes(self.root.cert_pem())
        out["trust"] = trust
        return out


def _name(*attributes: tuple[x509.ObjectIdentifier, str]) -> x509.Name:
    return x509.Name(
        [x509.RelativeDistinguishedName([x509.NameAttribute(o, v)]) for o, v in attributes]
    )


def _issue(
    subject: x509.Name,
    key: PrivateKey,
    *,
    issuer: IssuedCertificate | None,
    not_before: dt.datetime,
    not_after: dt.datetime,
    ca: bool,
    path_length: int | None = None,
    key_usage: set[str],
    eku: list[x509.ObjectIdentifier] | None = None,
    eku_critical: bool = False,
    san: list[x509.GeneralName] | None = None,
    name_constraints: x509.NameConstraints | None = None,
    extensions: Iterable[x509.Extension[x509.ExtensionType]] = (),
) -> IssuedCertificate:
    issuer_name = subject if issuer is None else issuer.certificate.x509.subject
    signing_key = key if issuer is None else issuer.key
    public = key.public_key()
    names = (
        "digital_signature",
        "content_commitment",
        "key_encipherment",
        "data_encipherment",
        "key_agreement",
        "key_cert_sign",
        "crl_sign",
    )
    flags = {n: n in key_usage for n in names}
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(issuer_name)
        .public_key(public)
        .serial_number(x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=ca, path_length=path_length), critical=True)
        .add_extension(
            x509.KeyUsage(**flags, encipher_only=False, decipher_only=False), critical=True
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
    )
    if issuer is not None:
        builder = builder.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer.key.public_key()),
            critical=False,
        )
        if not ca:
            builder = builder.add_extension(
                x509.CRLDistributionPoints(
                    [
                        x509.DistributionPoint(
                            [x509.UniformResourceIdentifier(_CRL_URL)], None, None, None
                        )
                    ]
                ),
                critical=False,
            ).add_extension(
                x509.AuthorityInformationAccess(
                    [
                        x509.AccessDescription(
                            AuthorityInformationAccessOID.OCSP,
                            x509.UniformResourceIdentifier(_OCSP_URL),
                        )
                    ]
                ),
                critical=False,
            )
    if eku:
        builder = builder.add_extension(x509.ExtendedKeyUsage(eku), critical=eku_critical)
    if san:
        builder = builder.add_extension(x509.SubjectAlternativeName(san), critical=False)
    if name_constraints is not None:  # a CA extension, critical (RFC 5280 §4.2.1.10)
        builder = builder.add_extension(name_constraints, critical=True)
    for extension in extensions:
        builder = builder.add_extension(extension.value, critical=extension.critical)
    cert = builder.sign(signing_key, hashes.SHA256())
    chain = () if issuer is None else (issuer.certificate, *issuer.chain)
    return IssuedCertificate(Certificate(cert), key, chain)


def issue_certificate(
    subject: x509.Name,
    *,
    issuer: IssuedCertificate | None,
    key: PrivateKey | None = None,
    not_before: dt.datetime | None = None,
    not_after: dt.datetime | None = None,
    ca: bool = False,
    path_length: int | None = None,
    key_usage: Iterable[str] | None = None,
    extended_key_usage: Iterable[x509.ObjectIdentifier] | None = None,
    subject_alt_names: Iterable[x509.GeneralName] = (),
    name_constraints: x509.NameConstraints | None = None,
    extensions: Iterable[x509.Extension[x509.ExtensionType]] = (),
) -> IssuedCertificate:
    """Issue one more test certificate (e.g. under :attr:`ThrowawayPKI.intermediate`).

    For tests that need a certificate the fixture PKI does not have: a CA with other
    name constraints, an extension marked critical, an unusual subject. The certificate
    carries basicConstraints and keyUsage (critical), subject and authority key identifiers,
    and for an end entity the test CRL and OCSP URLs.

    Args:
        subject: the subject name.
        issuer: the issuing CA; ``None`` for a self-signed root.
        key: the subject's key (default: a new EC P-256 key).
        not_before: start of validity (default: 30 days ago).
        not_after: end of validity (default: in a year).
        ca: issue a CA certificate (basicConstraints cA=TRUE).
        path_length: the CA's pathLenConstraint.
        key_usage: key usage names (``digital_signature``, ``content_commitment``,
            ``key_cert_sign``...); default ``key_cert_sign`` + ``crl_sign`` for a CA,
            ``digital_signature`` + ``content_commitment`` otherwise.
        extended_key_usage: extended key usage OIDs (default: none for a CA, e-mail
            protection + client authentication otherwise, as Vietnamese signing certificates).
        subject_alt_names: subject alternative names.
        name_constraints: a nameConstraints extension (added as critical).
        extensions: any further extensions, with their criticality.
    """
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    if key_usage is None:
        key_usage = (
            {"key_cert_sign", "crl_sign"} if ca else {"digital_signature", "content_commitment"}
        )
    if extended_key_usage is None and not ca:
        extended_key_usage = [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
    return _issue(
        subject,
        key or ec.generate_private_key(ec.SECP256R1()),
        issuer=issuer,
        not_before=not_before or now - dt.timedelta(days=30),
        not_after=not_after or now + dt.timedelta(days=365),
        ca=ca,
        path_length=path_length,
        key_usage=set(key_usage),
        eku=list(extended_key_usage or ()),
        san=list(subject_alt_names),
        name_constraints=name_constraints,
        extensions=extensions,
    )


def build_test_pki(
    *, key_type: Literal["ec", "rsa"] = "ec", now: dt.datetime | None = None
) -> ThrowawayPKI:
    """Generate a fresh throwaway PKI (EC P-256 by default; RSA 2048 for realism).

    EC generation takes milliseconds; RSA takes about a second (one key per CA and one shared
    by the end-entity variants), so build it once per test session.

    Args:
        key_type: ``"ec"`` (P-256) or ``"rsa"`` (2048 bits).
        now: the reference time for the validity periods, timezone-aware (default: current
            UTC time).

    Raises:
        ConfigurationError: for another ``key_type``.
        InvalidInputError: a naive ``now`` (:func:`onestop.tz.require_aware`).
    """
    if key_type not in ("ec", "rsa"):
        raise ConfigurationError(
            f"key_type: {key_type!r} is not supported; expected 'ec' (P-256) or 'rsa' (2048)",
            field="key_type",
        )
    if now is not None:
        # a naive one would be read in the machine's time zone
        require_aware(now, field="now")
    ref = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)

    def new_key() -> PrivateKey:
        if key_type == "rsa":
            return rsa.generate_private_key(public_exponent=65537, key_size=2048)
        return ec.generate_private_key(ec.SECP256R1())

    shared: list[PrivateKey] = []

    def leaf_key() -> PrivateKey:
        if key_type == "ec":
            return new_key()
        if not shared:
            shared.append(new_key())
        return shared[0]

    day = dt.timedelta(days=1)
    root = _issue(
        _name(
            (NameOID.COUNTRY_NAME, "VN"),
            (NameOID.ORGANIZATION_NAME, "Tổ chức chứng thực thử nghiệm onestop"),
            (NameOID.COMMON_NAME, "onestop Test Root CA"),
        ),
        new_key(),
        issuer=None,
        not_before=ref - 5 * 365 * day,
        not_after=ref + 15 * 365 * day,
        ca=True,
        path_length=1,
        key_usage={"key_cert_sign", "crl_sign"},
    )
    intermediate = _issue(
        _name(
            (NameOID.COUNTRY_NAME, "VN"),
            (NameOID.ORGANIZATION_NAME, "Tổ chức chứng thực thử nghiệm onestop"),
            (NameOID.COMMON_NAME, "onestop Test Issuing CA G1"),
        ),
        new_key(),
        issuer=root,
        not_before=ref - 3 * 365 * day,
        not_after=ref + 10 * 365 * day,
        ca=True,
        path_length=0,
        key_usage={"key_cert_sign", "crl_sign", "digital_signature"},
    )
    person = _name(
        (NameOID.USER_ID, f"MST:{PERSON_TAX_CODE}"),
        (NameOID.USER_ID, f"CCCD:{PERSON_CITIZEN_ID}"),
        (NameOID.COMMON_NAME, "Nguyễn Văn Thử"),
        (NameOID.TITLE, "Chuyên viên"),
        (NameOID.ORGANIZATIONAL_UNIT_NAME, "Bộ phận Một cửa"),
        (NameOID.ORGANIZATION_NAME, "UBND Phường Thử Nghiệm"),
        (NameOID.LOCALITY_NAME, "Quận Ba Đình"),
        (NameOID.STATE_OR_PROVINCE_NAME, "Hà Nội"),
        (NameOID.COUNTRY_NAME, "VN"),
    )
    signing_eku = [ExtendedKeyUsageOID.EMAIL_PROTECTION, ExtendedKeyUsageOID.CLIENT_AUTH]
    signing_ku = {"digital_signature", "content_commitment"}
    person_san: list[x509.GeneralName] = [x509.RFC822Name("thu.nguyen@onestop-test.invalid")]

    def person_cert(not_before: dt.datetime, not_after: dt.datetime) -> IssuedCertificate:
        return _issue(
            person,
            leaf_key(),
            issuer=intermediate,
            not_before=not_before,
            not_after=not_after,
            ca=False,
            key_usage=signing_ku,
            eku=signing_eku,
            san=person_san,
        )

    signer = person_cert(ref - 30 * day, ref + 2 * 365 * day)
    organization = _issue(
        _name(
            (NameOID.USER_ID, f"MST:{ORG_TAX_CODE}"),
            (NameOID.COMMON_NAME, "Sở Tư pháp Thành phố Thử Nghiệm"),
            (NameOID.LOCALITY_NAME, "Thành phố Thủ Đức"),
            (NameOID.STATE_OR_PROVINCE_NAME, "Hồ Chí Minh"),
            (NameOID.COUNTRY_NAME, "VN"),
        ),
        leaf_key(),
        issuer=intermediate,
        not_before=ref - 30 * day,
        not_after=ref + 2 * 365 * day,
        ca=False,
        key_usage=signing_ku,
        eku=signing_eku,
        san=person_san,
    )
    expired = person_cert(ref - 3 * 365 * day, ref - 365 * day)
    not_yet_valid = person_cert(ref + 30 * day, ref + 3 * 365 * day)
    revoked = person_cert(ref - 60 * day, ref + 2 * 365 * day)
    wrong_usage = _issue(
        _name(
            (NameOID.COMMON_NAME, "dichvucong.onestop-test.invalid"), (NameOID.COUNTRY_NAME, "VN")
        ),
        leaf_key(),
        issuer=intermediate,
        not_before=ref - 30 * day,
        not_after=ref + 365 * day,
        ca=False,
        key_usage={"key_encipherment"},
        eku=[ExtendedKeyUsageOID.SERVER_AUTH],
    )
    tsa = _issue(
        _name(
            (NameOID.COUNTRY_NAME, "VN"),
            (NameOID.ORGANIZATION_NAME, "Tổ chức chứng thực thử nghiệm onestop"),
            (NameOID.COMMON_NAME, "onestop Test TSA"),
        ),
        leaf_key(),
        issuer=intermediate,
        not_before=ref - 365 * day,
        not_after=ref + 5 * 365 * day,
        ca=False,
        key_usage={"digital_signature"},
        eku=[ExtendedKeyUsageOID.TIME_STAMPING],
        eku_critical=True,
    )
    other_root = _issue(
        _name((NameOID.COUNTRY_NAME, "VN"), (NameOID.COMMON_NAME, "Untrusted Test Root CA")),
        new_key(),
        issuer=None,
        not_before=ref - 365 * day,
        not_after=ref + 10 * 365 * day,
        ca=True,
        key_usage={"key_cert_sign", "crl_sign"},
    )
    stranger = _issue(
        person,
        leaf_key(),
        issuer=other_root,
        not_before=ref - 30 * day,
        not_after=ref + 365 * day,
        ca=False,
        key_usage=signing_ku,
        eku=signing_eku,
        san=person_san,
    )
    justice = (
        (NameOID.COUNTRY_NAME, "VN"),
        (NameOID.ORGANIZATION_NAME, "Sở Tư pháp Thành phố Thử Nghiệm"),
    )
    constrained_ca = _issue(
        _name(*justice, (NameOID.COMMON_NAME, "onestop Test Justice CA")),
        new_key(),
        issuer=root,
        not_before=ref - 2 * 365 * day,
        not_after=ref + 8 * 365 * day,
        ca=True,
        path_length=0,
        key_usage={"key_cert_sign", "crl_sign"},
        name_constraints=x509.NameConstraints(
            permitted_subtrees=[
                x509.DirectoryName(_name(*justice)),
                x509.RFC822Name("stp.onestop-test.invalid"),
            ],
            excluded_subtrees=None,
        ),
    )

    def justice_cert(organization: str) -> IssuedCertificate:
        return _issue(
            _name(
                (NameOID.COUNTRY_NAME, "VN"),
                (NameOID.ORGANIZATION_NAME, organization),
                (NameOID.USER_ID, f"MST:{ORG_TAX_CODE}"),
                (NameOID.COMMON_NAME, "Phòng Hành chính Tư pháp"),
            ),
            leaf_key(),
            issuer=constrained_ca,
            not_before=ref - 30 * day,
            not_after=ref + 365 * day,
            ca=False,
            key_usage=signing_ku,
            eku=signing_eku,
            san=[x509.RFC822Name("hanhchinh@stp.onestop-test.invalid")],
        )

    return ThrowawayPKI(
        now=ref,
        root=root,
        intermediate=intermediate,
        signer=signer,
        organization=organization,
        expired=expired,
        not_yet_valid=not_yet_valid,
        revoked=revoked,
        wrong_usage=wrong_usage,
        tsa=tsa,
        other_root=other_root,
        stranger=stranger,
        constrained_ca=constrained_ca,
        constrained_signer=justice_cert("Sở Tư pháp Thành phố Thử Nghiệm"),
        outside_signer=justice_cert("Công ty Mạo Danh Thử Nghiệm"),
        revoked_at=ref - 10 * day,
    )


def _pdf_text(text: str) -> bytes:
    """``text`` as the body of a PDF literal string: diacritics removed, Latin-1, escaped.

    For the Helvetica appearance of test form fields only; page text keeps its diacritics.
    """
    import unicodedata

    folded = unicodedata.normalize("NFD", text.replace("đ", "d").replace("Đ", "D"))
    ascii_text = "".join(c for c in folded if not unicodedata.combining(c))
    safe = ascii_text.encode("latin-1", "replace").replace(b"\\", b"\\\\")
    return safe.replace(b"(", b"\\(").replace(b")", b"\\)")


def text_field_appearance(value: str) -> bytes:
    """The content of a text field's normal appearance stream showing ``value`` (Helvetica).

    With :func:`make_test_pdf`'s ``form_fields``; tests that change a field's value in a later
    revision draw the new value with it.
    """
    return b"/Tx BMC q BT /Helv 12 Tf 0 g 2 6 Td (" + _pdf_text(value) + b") Tj ET Q EMC"


def make_test_pdf(
    text: str = "Kết quả giải quyết thủ tục hành chính",
    *,
    pages: int = 1,
    form_fields: Mapping[str, str] | None = None,
) -> bytes:
    """Write a small valid A4 PDF by hand, for signing tests, with ``text`` on each page.

    The text keeps its Vietnamese diacritics: it is drawn in the font shipped with
    :mod:`onestop.forms` (Tinos), embedded whole (about 30 kB compressed) as a CID font with a
    Unicode map, so text extraction gives ``text`` back. Needs ``fonttools`` (part of the
    ``pdf`` and ``forms`` extras) to read the font's character map and widths.

    Args:
        text: one line drawn on each page (NFC-normalised; characters outside Latin and
            Vietnamese have no glyph and are drawn as a blank box).
        pages: number of pages.
        form_fields: text fields (name -> value) to put on the first page, each with its
            widget and a Helvetica appearance (ASCII; diacritics removed), in an interactive
            form (``/AcroForm``): e.g. ``{"SoTien": "1,000,000 VND"}`` for tests of what may
            change after signing.

    Raises:
        MissingExtraError: ``fonttools`` is not installed.
    """
    import unicodedata
    import zlib

    from onestop.forms import font_file

    line = unicodedata.normalize("NFC", text)
    metrics = _font_metrics(str(font_file("regular")))
    glyphs = metrics.glyphs
    font_bytes = font_file("regular").read_bytes()
    used = sorted({(glyphs.get(ord(ch), 0), ch) for ch in line})
    cmap = "\n".join(
        f"<{gid:04X}> <{ord(ch):04X}>" for gid, ch in used if gid and ord(ch) <= 0xFFFF
    )
    to_unicode = (
        "/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        "1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        f"{cmap.count(chr(10)) + 1 if cmap else 0} beginbfchar\n{cmap}\nendbfchar\n"
        "endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    ).encode("ascii")
    gids = [glyphs.get(ord(ch), 0) for ch in line]
    advance = sum(metrics.widths.get(g, 0) for g in gids) * 14 / 1000
    w_array = " ".join(f"{g} [{metrics.widths.get(g, 0)}]" for g in sorted({g for g, _ in used}))
    fields = dict(form_fields or {})
    font_ref = 3 + 2 * pages
    helv_ref = font_ref + 5
    widgets = [helv_ref + 1 + 2 * j for j in range(len(fields))]
    form_ref = helv_ref + 1 + 2 * len(fields)
    form = f" /AcroForm {form_ref} 0 R" if fields else ""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(f"<< /Type /Catalog /Pages 2 0 R{form} >>".encode())
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    for i in range(pages):
        shown = "".join(f"{gid:04X}" for gid in gids)
        # The page label is ASCII, drawn in a standard font after the text (and so readable
        # as it is in the content stream).
        stream = (
            f"BT /F1 14 Tf 72 770 Td <{shown}> Tj ET "
            f"BT /F2 14 Tf {72 + advance:.2f} 770 Td ( - trang {i + 1}) Tj ET"
        ).encode("ascii")
        annots = " /Annots [" + " ".join(f"{w} 0 R" for w in widgets) + "]"
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font_ref} 0 R /F2 {helv_ref} 0 R >> >>"
            f"{annots if fields and i == 0 else ''} >>".encode()
        )
        objects.append(f"<< /Length {len(stream)} >>\nstream\n".encode() + stream + b"\nendstream")
    objects.append(
        f"<< /Type /Font /Subtype /Type0 /BaseFont /Tinos /Encoding /Identity-H "
        f"/DescendantFonts [{font_ref + 1} 0 R] /ToUnicode {font_ref + 2} 0 R >>".encode()
    )
    objects.append(
        f"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Tinos "
        f"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> "
        f"/FontDescriptor {font_ref + 3} 0 R /CIDToGIDMap /Identity /DW 500 "
        f"/W [{w_array}] >>".encode()
    )
    objects.append(
        f"<< /Length {len(to_unicode)} >>\nstream\n".encode() + to_unicode + b"\nendstream"
    )
    objects.append(
        f"<< /Type /FontDescriptor /FontName /Tinos /Flags 34 "
        f"/FontBBox [{' '.join(str(v) for v in metrics.bbox)}] /ItalicAngle 0 "
        f"/Ascent {metrics.ascent} /Descent {metrics.descent} /CapHeight {metrics.ascent} "
        f"/StemV 80 /FontFile2 {font_ref + 4} 0 R >>".encode()
    )
    packed = zlib.compress(font_bytes, 9)
    head = f"<< /Length {len(packed)} /Length1 {len(font_bytes)} /Filter /FlateDecode >>"
    objects.append(f"{head}\nstream\n".encode() + packed + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for j, (name, value) in enumerate(fields.items()):
        y = 700 - 40 * j
        objects.append(
            f"<< /Type /Annot /Subtype /Widget /FT /Tx /T ({name}) /F 4 /P 3 0 R "
            f"/Rect [72 {y} 292 {y + 20}] /DA (/Helv 12 Tf 0 g) "
            f"/AP << /N {widgets[j] + 1} 0 R >> /V (".encode()
            + _pdf_text(value)
            + b") >>"
        )
        look = text_field_appearance(value)
        objects.append(
            f"<< /Type /XObject /Subtype /Form /BBox [0 0 220 20] /Resources << /Font << "
            f"/Helv {helv_ref} 0 R >> >> /Length {len(look)} >>\nstream\n".encode()
            + look
            + b"\nendstream"
        )
    if fields:
        objects.append(
            f"<< /Fields [{' '.join(f'{w} 0 R' for w in widgets)}] /DA (/Helv 12 Tf 0 g) "
            f"/DR << /Font << /Helv {helv_ref} 0 R >> >> >>".encode()
        )
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


@attrs.frozen(slots=True)
class _FontMetrics:
    glyphs: dict[int, int]
    widths: dict[int, int]
    bbox: tuple[int, int, int, int]
    ascent: int
    descent: int


@functools.cache
def _font_metrics(path: str) -> _FontMetrics:
    """The font's character map (code point -> glyph id), advance widths and vertical metrics.

    The shipped font has 1000 units per em, the PDF glyph space, so values are used as they are.
    """
    try:
        from fontTools.ttLib import TTFont
    except ImportError as exc:
        raise MissingExtraError(
            "pdf: make_test_pdf needs fonttools to embed its Vietnamese font; install it with "
            "pip install 'onestop-vn[pdf]'",
            field="pdf",
        ) from exc
    with open(path, "rb") as handle:  # read whole: TTFont would keep the file open
        font = TTFont(io.BytesIO(handle.read()))
    order = {name: gid for gid, name in enumerate(font.getGlyphOrder())}
    head, hhea = font["head"], font["hhea"]
    return _FontMetrics(
        glyphs={cp: order[name] for cp, name in font.getBestCmap().items()},
        widths={order[name]: adv for name, (adv, _lsb) in font["hmtx"].metrics.items()},
        bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
        ascent=hhea.ascent,
        descent=hhea.descent,
    )
