"""Certificate chain validation against trust anchors the caller supplies.

onestop ships **no** trust anchors: a department passes the roots it trusts (typically the NEAC
national root for public CAs and the Government CA roots of Ban Cơ yếu Chính phủ, as PEM files).
Validation follows the RFC 5280 §6 checks that matter for document signatures and reports each
failure with a precise :class:`~onestop.signatures.status.ProblemCode`:

* every certificate of the path is inside its validity period at the validation time
  (``expired`` / ``not_yet_valid``; both ends of the period are inclusive);
* each certificate's signature verifies with its issuer's key, issuers are CAs allowed to sign
  certificates (``broken_chain`` / ``wrong_usage``);
* the path ends at a trust anchor (``untrusted_root``);
* the end certificate may sign documents (key usage ``digitalSignature`` or
  ``nonRepudiation``; extended key usage, when present, one of :data:`SIGNING_EKUS`) or, for
  timestamps, carries ``id-kp-timeStamping`` (RFC 3161 §2.3) (``wrong_usage``);
* every name of every certificate below a CA with nameConstraints lies within the permitted
  and outside the excluded subtrees (RFC 5280 §4.2.1.10: directoryName, rfc822Name, dNSName,
  URI and iPAddress forms) (``name_constraints_violated``);
* no certificate of the path carries a critical extension onestop does not process (RFC 5280
  §4.2) (``unsupported_critical_extension``);
* revocation (CRL, RFC 5280 §5; OCSP, RFC 6960) only when asked, through pluggable fetchers or
  with CRLs/OCSP responses supplied offline (``revoked`` / ``revocation_unknown``).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Literal, TypeAlias

import attrs
from cryptography import x509
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.x509 import ocsp

from onestop.errors import SignatureError
from onestop.signatures._pathchecks import (
    ca_name,
    critical_extension_problems,
    name_constraint_problems,
    path_label,
)
from onestop.signatures.certificates import (
    Certificate,
    as_certificate,
    as_certificates,
    check_time,
    load_certificates,
    read_certificates,
    x509_parsing,
)
from onestop.signatures.status import Problem, ProblemCode

if TYPE_CHECKING:
    import httpx

__all__ = [
    "SIGNING_EKUS",
    "TIMESTAMPING_EKU",
    "ChainValidation",
    "CrlFetcher",
    "OcspFetcher",
    "RevocationPolicy",
    "TrustStore",
    "Usage",
    "http_crl_fetcher",
    "http_ocsp_fetcher",
    "validate_chain",
]

_log = logging.getLogger("onestop.signatures")

#: Extended key usages accepted for document signing: emailProtection, clientAuth (both are
#: what Vietnamese personal/organisation certificates usually carry), id-kp-documentSigning
#: (RFC 9336), Microsoft document signing, Adobe Authentic Documents, anyExtendedKeyUsage.
SIGNING_EKUS = frozenset(
    {
        "1.3.6.1.5.5.7.3.4",
        "1.3.6.1.5.5.7.3.2",
        "1.3.6.1.5.5.7.3.36",
        "1.3.6.1.4.1.311.10.3.12",
        "1.2.840.113583.1.1.5",
        "2.5.29.37.0",
    }
)
#: id-kp-timeStamping (RFC 3161 §2.3): required on a timestamp authority's certificate.
TIMESTAMPING_EKU = "1.3.6.1.5.5.7.3.8"

#: What the end certificate is checked for.
Usage: TypeAlias = Literal["document_signing", "timestamping", "any"]

#: Fetch a CRL: URL -> DER or PEM bytes (raise on failure).
CrlFetcher: TypeAlias = Callable[[str], bytes]
#: Ask an OCSP responder: (URL, DER request) -> DER response (raise on failure).
OcspFetcher: TypeAlias = Callable[[str, bytes], bytes]

_MAX_PATH = 10


@attrs.frozen(slots=True)
class TrustStore:
    """The trust anchors (root certificates) a verification accepts.

    Attributes:
        anchors: the trusted certificates; a path is trusted when it ends at one of them.
    """

    anchors: tuple[Certificate, ...]

    @classmethod
    def of(cls, *certificates: Certificate | x509.Certificate | bytes | str) -> TrustStore:
        """Build from certificates or PEM/DER data."""
        return cls(as_certificates(certificates, field="trust"))

    @classmethod
    def from_pem(cls, data: bytes | str) -> TrustStore:
        """Build from PEM data holding one or more certificates."""
        return cls(load_certificates(data, field="trust"))

    @classmethod
    def from_files(cls, *paths: str | os.PathLike[str]) -> TrustStore:
        """Read one or more PEM/DER files (e.g. the NEAC root and the Government CA roots)."""
        certs: list[Certificate] = []
        for path in paths:
            certs.extend(read_certificates(path, field="trust"))
        return cls(tuple(certs))

    def __contains__(self, cert: object) -> bool:
        if not isinstance(cert, Certificate):
            return False
        return any(
            a == cert
            or (
                a.x509.subject == cert.x509.subject
                and a.x509.public_key() == cert.x509.public_key()
            )
            for a in self.anchors
        )


#: What ``trust=`` accepts: a store, certificates, one certificate, or PEM/DER data.
TrustInput: TypeAlias = (
    TrustStore | Iterable[Certificate] | Certificate | x509.Certificate | bytes | str | None
)


def as_trust_store(trust: TrustInput) -> TrustStore:
    """Normalise a trust argument (internal helper)."""
    if trust is None:
        return TrustStore(())
    if isinstance(trust, TrustStore):
        return trust
    if isinstance(trust, bytes | str):  # PEM/DER data given directly
        return TrustStore(load_certificates(trust, field="trust"))
    if isinstance(trust, Certificate | x509.Certificate):
        return TrustStore(as_certificates([trust], field="trust"))
    return TrustStore(as_certificates(trust, field="trust"))


def _blobs(items: object, field: str) -> tuple[bytes, ...]:
    if isinstance(items, bytes | bytearray | str):
        items = [items]  # one CRL/response given instead of a list
    try:
        values = list(items)  # type: ignore[call-overload]
    except TypeError:
        raise SignatureError(
            f"{field}: expected a list of DER (or PEM) blobs, got {type(items).__name__}",
            field=field,
        ) from None
    out: list[bytes] = []
    for value in values:
        if isinstance(value, str):
            out.append(value.encode("utf-8"))
        elif isinstance(value, bytes | bytearray | memoryview):
            out.append(bytes(value))
        else:
            raise SignatureError(
                f"{field}: expected DER or PEM bytes, got {type(value).__name__}", field=field
            )
    return tuple(out)


def _crl_blobs(items: Iterable[bytes | str]) -> tuple[bytes, ...]:
    blobs = _blobs(items, "crls")
    for index, blob in enumerate(blobs):
        if _load_crl(blob) is None:
            raise SignatureError(
                f"crls: item {index} is not a readable CRL; expected a DER or PEM "
                "('-----BEGIN X509 CRL-----') certificate revocation list",
                field="crls",
            )
    return blobs


def _ocsp_blobs(items: Iterable[bytes | str]) -> tuple[bytes, ...]:
    blobs = _blobs(items, "ocsp_responses")
    for index, blob in enumerate(blobs):
        try:
            ocsp.load_der_ocsp_response(blob)
        except ValueError:
            raise SignatureError(
                f"ocsp_responses: item {index} is not a readable OCSP response; expected DER "
                "(RFC 6960 OCSPResponse)",
                field="ocsp_responses",
            ) from None
    return blobs


@attrs.frozen(slots=True)
class RevocationPolicy:
    """How (and whether) revocation is checked. Without a policy nothing is checked.

    Sources are tried in this order for each certificate below the anchor: supplied OCSP
    responses, supplied CRLs, then the fetchers with the URLs from the certificate (OCSP from
    authorityInfoAccess, CRL from cRLDistributionPoints). Supplied CRLs and responses that
    cannot be read raise :class:`~onestop.errors.SignatureError` when the policy is built;
    readable ones that do not apply (another issuer, a bad signature, stale for the
    validation time) are skipped. Unreadable answers of the fetchers count as no answer.

    Attributes:
        crls: CRLs supplied offline (DER or PEM; PEM text is accepted too).
        ocsp_responses: OCSP responses supplied offline (DER).
        crl_fetcher: fetches a CRL by URL (``None``: no network).
        ocsp_fetcher: asks an OCSP responder (``None``: no network).
        require: when ``True`` (hard fail), a certificate whose status cannot be established
            gives ``revocation_unknown``; when ``False`` (soft fail) it is accepted.
    """

    crls: tuple[bytes, ...] = attrs.field(default=(), converter=_crl_blobs)
    ocsp_responses: tuple[bytes, ...] = attrs.field(default=(), converter=_ocsp_blobs)
    crl_fetcher: CrlFetcher | None = None
    ocsp_fetcher: OcspFetcher | None = None
    require: bool = True

    @classmethod
    def offline(
        cls,
        *,
        crls: Iterable[bytes | str] = (),
        ocsp_responses: Iterable[bytes] = (),
        require: bool = True,
    ) -> RevocationPolicy:
        """A policy that uses only the supplied CRLs and OCSP responses (no network)."""
        return cls(crls=crls, ocsp_responses=ocsp_responses, require=require)


@attrs.frozen(slots=True)
class ChainValidation:
    """The result of :func:`validate_chain`.

    Attributes:
        trusted: a path to an anchor was built and no problem was found.
        path: the certificates from the end certificate up to where building stopped (the
            anchor when trusted).
        problems: every problem found.
    """

    trusted: bool
    path: tuple[Certificate, ...]
    problems: tuple[Problem, ...]


def _signed_by(cert: Certificate, issuer: Certificate) -> bool:
    try:
        cert.x509.verify_directly_issued_by(issuer.x509)
    except (ValueError, TypeError, InvalidSignature, UnsupportedAlgorithm):
        return False
    return True


def _build_path(
    leaf: Certificate, store: TrustStore, pool: Sequence[Certificate]
) -> tuple[list[Certificate], Problem | None, bool]:
    """Walk issuer links from ``leaf``; returns (path, problem that stopped it, reached anchor)."""
    path = [leaf]
    current = leaf
    candidates_all = list(store.anchors) + [c for c in pool if c not in store.anchors]
    while True:
        if current in store:
            return path, None, True
        if len(path) > _MAX_PATH:
            return (
                path,
                Problem(ProblemCode.BROKEN_CHAIN, f"path longer than {_MAX_PATH} certificates"),
                False,
            )
        named = [
            c for c in candidates_all if c.x509.subject == current.x509.issuer and c not in path
        ]
        verified = [c for c in named if _signed_by(current, c)]
        who = "the signer's certificate" if len(path) == 1 else f"CA '{ca_name(current)}'"
        if verified:
            anchors_first = sorted(verified, key=lambda c: c not in store)
            current = anchors_first[0]
            path.append(current)
            continue
        if named:
            return (
                path,
                Problem(
                    ProblemCode.BROKEN_CHAIN,
                    f"the signature on {who} does not verify with the key of its issuer "
                    f"'{ca_name(named[0])}' (forged or mismatched issuer certificate)",
                    path_label(len(path) - 1, len(path), anchor=False),
                ),
                False,
            )
        if current.is_self_issued and _signed_by(current, current):
            return (
                path,
                Problem(
                    ProblemCode.UNTRUSTED_ROOT,
                    f"the chain ends at root '{ca_name(current)}', which is not one of the "
                    "trust anchors; add the root you trust (e.g. the NEAC or Government CA "
                    "root) to the trust store",
                    "root",
                ),
                False,
            )
        issuer_cn = current.issuer.common_name or current.issuer.rfc4514
        return (
            path,
            Problem(
                ProblemCode.BROKEN_CHAIN,
                f"the issuer '{issuer_cn}' of {who} is neither a trust anchor nor among the "
                "supplied certificates; supply the intermediate CA certificate (chain=) or the "
                "root you trust",
                path_label(len(path) - 1, len(path), anchor=False),
            ),
            False,
        )


def _usage_problems(path: Sequence[Certificate], usage: Usage, store: TrustStore) -> list[Problem]:
    problems: list[Problem] = []
    leaf = path[0]
    label = "timestamp" if usage == "timestamping" else "signer"
    ku = leaf.key_usage
    eku = leaf.extended_key_usage
    if usage == "document_signing":
        if ku is not None and not ku & {"digital_signature", "content_commitment"}:
            problems.append(
                Problem(
                    ProblemCode.WRONG_USAGE,
                    "the signer's certificate key usage allows neither digitalSignature nor "
                    f"nonRepudiation (it allows: {', '.join(sorted(ku)) or 'nothing'})",
                    label,
                )
            )
        if eku is not None and not eku & SIGNING_EKUS:
            problems.append(
                Problem(
                    ProblemCode.WRONG_USAGE,
                    "the signer's certificate extended key usage does not allow document "
                    f"signing (it allows: {', '.join(sorted(eku))})",
                    label,
                )
            )
    elif usage == "timestamping" and (eku is None or TIMESTAMPING_EKU not in eku):
        problems.append(
            Problem(
                ProblemCode.WRONG_USAGE,
                "the timestamp authority's certificate lacks the id-kp-timeStamping extended "
                "key usage (RFC 3161 §2.3)",
                label,
            )
        )
    for index, cert in enumerate(path[1:], start=1):
        is_anchor = cert in store
        where = path_label(index, len(path), anchor=is_anchor)
        if not cert.is_ca and not is_anchor:
            problems.append(
                Problem(
                    ProblemCode.WRONG_USAGE,
                    f"certificate '{ca_name(cert)}' issued another certificate but is not a CA "
                    "(basicConstraints cA is not TRUE)",
                    where,
                )
            )
        cku = cert.key_usage
        if cku is not None and "key_cert_sign" not in cku:
            problems.append(
                Problem(
                    ProblemCode.WRONG_USAGE,
                    f"CA '{ca_name(cert)}' may not sign certificates (keyCertSign not set)",
                    where,
                )
            )
        plen = cert.path_length
        below = index - 1  # intermediate CAs between this CA and the end certificate
        if plen is not None and below > plen:
            problems.append(
                Problem(
                    ProblemCode.WRONG_USAGE,
                    f"CA '{ca_name(cert)}' allows {plen} intermediate CA(s) below it, "
                    f"found {below}",
                    where,
                )
            )
    return problems


# -- revocation ------------------------------------------------------------------------------


def _load_crl(data: bytes) -> x509.CertificateRevocationList | None:
    try:
        with x509_parsing():
            if b"-----BEGIN" in data:
                crl = x509.load_pem_x509_crl(data)
            else:
                crl = x509.load_der_x509_crl(data)
            _ = (crl.issuer, crl.last_update_utc, crl.next_update_utc)  # decoded lazily
    except (ValueError, TypeError, UserWarning):
        _log.debug("ignoring an unreadable CRL")
        return None
    return crl


def _crl_status(
    crl: x509.CertificateRevocationList, cert: Certificate, issuer: Certificate, at: dt.datetime
) -> Literal["good", "revoked"] | None:
    if crl.issuer != issuer.x509.subject:
        return None
    try:
        if not crl.is_signature_valid(issuer.x509.public_key()):  # type: ignore[arg-type]
            _log.debug("ignoring a CRL whose signature does not verify")
            return None
    except (TypeError, UnsupportedAlgorithm):
        return None
    next_update = crl.next_update_utc
    if next_update is not None and at > next_update:
        return None  # stale for this validation time
    entry = crl.get_revoked_certificate_by_serial_number(cert.serial_number)
    if entry is not None and entry.revocation_date_utc <= at:
        return "revoked"
    return "good"


def _ocsp_status(
    data: bytes, cert: Certificate, issuer: Certificate, at: dt.datetime
) -> Literal["good", "revoked"] | None:
    try:
        resp = ocsp.load_der_ocsp_response(data)
        if resp.response_status is not ocsp.OCSPResponseStatus.SUCCESSFUL:
            return None
        issuer_key_hash = _issuer_key_hash(issuer, resp.hash_algorithm)
        for single in resp.responses:
            if single.serial_number != cert.serial_number:
                continue
            if single.issuer_key_hash != issuer_key_hash:
                continue
            if not _ocsp_signed_by_issuer(resp, issuer):
                _log.debug("ignoring an OCSP response not signed by the issuer or its delegate")
                return None
            if single.next_update_utc is not None and at > single.next_update_utc:
                return None
            if single.certificate_status is ocsp.OCSPCertStatus.GOOD:
                return "good"
            if single.certificate_status is ocsp.OCSPCertStatus.REVOKED:
                revoked_at = single.revocation_time_utc
                return "revoked" if revoked_at is None or revoked_at <= at else "good"
            return None
    except (ValueError, TypeError, UnsupportedAlgorithm):
        _log.debug("ignoring an unreadable OCSP response")
    return None


def _issuer_key_hash(issuer: Certificate, algorithm: hashes.HashAlgorithm) -> bytes:
    spki = issuer.x509.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    from asn1crypto import keys as asn1_keys

    bits = asn1_keys.PublicKeyInfo.load(spki)["public_key"].contents[1:]
    digest = hashes.Hash(algorithm)
    digest.update(bits)
    return digest.finalize()


def _ocsp_signed_by_issuer(resp: ocsp.OCSPResponse, issuer: Certificate) -> bool:
    def verifies(cert: x509.Certificate) -> bool:
        try:
            key = cert.public_key()
            from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

            algo = resp.signature_hash_algorithm
            if isinstance(key, rsa.RSAPublicKey) and algo is not None:
                key.verify(resp.signature, resp.tbs_response_bytes, padding.PKCS1v15(), algo)
            elif isinstance(key, ec.EllipticCurvePublicKey) and algo is not None:
                key.verify(resp.signature, resp.tbs_response_bytes, ec.ECDSA(algo))
            else:
                return False
        except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
            return False
        return True

    if verifies(issuer.x509):
        return True
    for delegate in resp.certificates:  # RFC 6960 §4.2.2.2 delegated responder
        wrapped = Certificate(delegate)
        eku = wrapped.extended_key_usage or frozenset()
        if (
            "1.3.6.1.5.5.7.3.9" in eku
            and _signed_by(wrapped, issuer)
            and wrapped.validity_at(resp.produced_at_utc) == "valid"
            and verifies(delegate)
        ):
            return True
    return False


def _revocation_status(
    cert: Certificate, issuer: Certificate, at: dt.datetime, policy: RevocationPolicy
) -> Literal["good", "revoked"] | None:
    for data in policy.ocsp_responses:
        status = _ocsp_status(data, cert, issuer, at)
        if status is not None:
            return status
    for data in policy.crls:
        crl = _load_crl(data)
        if crl is not None and (status := _crl_status(crl, cert, issuer, at)) is not None:
            return status
    if policy.ocsp_fetcher is not None:
        request = (
            ocsp.OCSPRequestBuilder()
            .add_certificate(cert.x509, issuer.x509, hashes.SHA256())
            .build()
            .public_bytes(serialization.Encoding.DER)
        )
        for url in cert.ocsp_urls:
            try:
                answer = policy.ocsp_fetcher(url, request)
            except Exception as exc:  # a fetcher is user code: any failure means "unknown"
                _log.debug("OCSP fetch failed: %s", type(exc).__name__)
                continue
            if (status := _ocsp_status(answer, cert, issuer, at)) is not None:
                return status
    if policy.crl_fetcher is not None:
        for url in cert.crl_urls:
            try:
                answer = policy.crl_fetcher(url)
            except Exception as exc:  # same as above
                _log.debug("CRL fetch failed: %s", type(exc).__name__)
                continue
            crl = _load_crl(answer)
            if crl is not None and (status := _crl_status(crl, cert, issuer, at)) is not None:
                return status
    return None


def _aware(at: object) -> dt.datetime:
    value = check_time(at, "at")
    if value is None:
        raise SignatureError("at: the validation time is required", field="at")
    return value


def validate_chain(
    certificate: Certificate,
    *,
    trust: TrustInput,
    at: dt.datetime,
    intermediates: Iterable[Certificate] = (),
    usage: Usage = "document_signing",
    revocation: RevocationPolicy | None = None,
) -> ChainValidation:
    """Validate a certificate's chain to the trust anchors at a given time.

    Args:
        certificate: the end certificate (signer or timestamp authority).
        trust: the trust anchors (a :class:`TrustStore` or certificates).
        at: the validation time (timezone-aware).
        intermediates: extra certificates to build the path with (e.g. those embedded in a
            signature, or the chain a CA delivered).
        usage: what the end certificate must be allowed to do.
        revocation: revocation policy; ``None`` (default) checks nothing.

    Returns:
        The path and every problem found; ``trusted`` only when there is none.

    Raises:
        InvalidInputError: when ``at`` is not a timezone-aware datetime.
        CertificateError: when ``certificate``, ``trust`` or ``intermediates`` are not
            certificates.
    """
    at = _aware(at)
    certificate = as_certificate(certificate, field="certificate")
    store = as_trust_store(trust)
    problems: list[Problem] = []
    if not store.anchors:
        problems.append(
            Problem(
                ProblemCode.NO_TRUST_ANCHORS,
                "no trust anchor was supplied, so the signer cannot be trusted; pass the root "
                "certificates you trust (trust=, or --trust ROOTS.pem)",
            )
        )
    pool = as_certificates(intermediates, field="intermediates")
    path, stop, anchored = _build_path(certificate, store, pool)
    if stop is not None and store.anchors:
        problems.append(stop)
    labels = [
        path_label(index, len(path), anchor=anchored and index == len(path) - 1)
        for index in range(len(path))
    ]
    if usage == "timestamping":
        labels[0] = "timestamp"
    for index, (cert, where) in enumerate(zip(path, labels, strict=True)):
        state = cert.validity_at(at)
        who = "the signer's certificate" if index == 0 else f"CA '{ca_name(cert)}'"
        if state == "expired":
            problems.append(
                Problem(
                    ProblemCode.EXPIRED,
                    f"{who} expired at {cert.not_after.isoformat()}, before the validation time "
                    f"{at.isoformat()}",
                    where,
                )
            )
        elif state == "not_yet_valid":
            problems.append(
                Problem(
                    ProblemCode.NOT_YET_VALID,
                    f"{who} is valid only from {cert.not_before.isoformat()}, after the "
                    f"validation time {at.isoformat()}",
                    where,
                )
            )
    problems.extend(_usage_problems(path, usage, store))
    problems.extend(critical_extension_problems(path, labels))
    problems.extend(name_constraint_problems(path, labels))
    if revocation is not None and anchored:
        for index in range(len(path) - 1):
            cert, issuer = path[index], path[index + 1]
            where = path_label(index, len(path), anchor=False)
            status = _revocation_status(cert, issuer, at, revocation)
            who = "the signer's certificate" if index == 0 else f"CA '{ca_name(cert)}'"
            if status == "revoked":
                problems.append(
                    Problem(
                        ProblemCode.REVOKED, f"{who} was revoked before {at.isoformat()}", where
                    )
                )
            elif status is None and revocation.require:
                problems.append(
                    Problem(
                        ProblemCode.REVOCATION_UNKNOWN,
                        f"no usable CRL or OCSP response for {who}; supply one "
                        "(RevocationPolicy.offline) or a fetcher, or use require=False",
                        where,
                    )
                )
    trusted = anchored and not problems
    return ChainValidation(trusted=trusted, path=tuple(path), problems=tuple(problems))


def http_crl_fetcher(client: httpx.Client) -> CrlFetcher:
    """A :data:`CrlFetcher` over an ``httpx.Client`` (inject a transport for tests).

    Args:
        client: the client (its timeout and transport are used as configured).
    """

    def fetch(url: str) -> bytes:
        response = client.get(url)
        response.raise_for_status()
        return response.content

    return fetch


def http_ocsp_fetcher(client: httpx.Client) -> OcspFetcher:
    """An :data:`OcspFetcher` that POSTs ``application/ocsp-request`` (RFC 6960 Appendix A)."""

    def fetch(url: str, request: bytes) -> bytes:
        response = client.post(
            url, content=request, headers={"Content-Type": "application/ocsp-request"}
        )
        response.raise_for_status()
        return response.content

    return fetch
