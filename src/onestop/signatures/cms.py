"""Detached CMS (PKCS#7) signatures, SHA-256, over bytes and files.

The format is CMS SignedData (RFC 5652) with a detached ``id-data`` content, the
``contentType``, ``signingTime``, ``messageDigest`` and ESS ``signingCertificateV2``
(RFC 5035) signed attributes, and optionally an RFC 3161 signature timestamp token as an
unsigned attribute (CAdES-B-T). It is what ``openssl cms -sign -binary -outform DER`` writes and
``openssl cms -verify -binary -inform DER`` reads, in both directions.

Signing never needs the private key in-process: every signature goes through a **hash signer**,
a callable that receives the SHA-256 digest of the DER-encoded signed attributes and returns
the raw signature value (RSA PKCS#1 v1.5 or DER ECDSA). That is exactly what a USB token
(PKCS#11) or a remote signing service (``sign`` with ``sign_type: hash``) does;
:func:`key_signer` wraps a local key the same way, and :func:`prepare_signature` splits the flow
in two phases for signers that answer later.

Verification returns a :class:`~onestop.signatures.status.SignatureStatus`; malformed input
raises :class:`onestop.errors.SignatureError`.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import os
import re
from collections.abc import Callable, Iterable
from typing import Any, TypeAlias

import attrs
from asn1crypto import algos, cms, core, tsp
from asn1crypto import x509 as asn1_x509
from asn1crypto.parser import emit
from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import Prehashed

from onestop.errors import SignatureError
from onestop.signatures.certificates import (
    Certificate,
    PrivateKey,
    as_certificate,
    as_certificates,
    check_time,
)
from onestop.signatures.status import Problem, ProblemCode, SignatureStatus
from onestop.signatures.trust import (
    RevocationPolicy,
    TrustInput,
    Usage,
    as_trust_store,
    validate_chain,
)

__all__ = [
    "HashSigner",
    "PreparedSignature",
    "Timestamper",
    "key_signer",
    "prepare_signature",
    "sign_bytes",
    "sign_digest",
    "sign_file",
    "verify_bytes",
    "verify_digest",
    "verify_file",
]

#: Signs a SHA-256 digest (32 bytes) and returns the raw signature value
#: (RSA PKCS#1 v1.5, or DER-encoded ECDSA ``Ecdsa-Sig-Value``).
HashSigner: TypeAlias = Callable[[bytes], bytes]
#: Returns an RFC 3161 ``TimeStampToken`` (DER ContentInfo) for a SHA-256 message imprint.
Timestamper: TypeAlias = Callable[[bytes], bytes]

_HASHES: dict[str, type[hashes.HashAlgorithm]] = {
    "md5": hashes.MD5,
    "sha1": hashes.SHA1,
    "sha224": hashes.SHA224,
    "sha256": hashes.SHA256,
    "sha384": hashes.SHA384,
    "sha512": hashes.SHA512,
    "sha3_256": hashes.SHA3_256,
    "sha3_384": hashes.SHA3_384,
    "sha3_512": hashes.SHA3_512,
}
_WEAK = frozenset({"md5", "sha1"})
_CHUNK = 1 << 20


def _hasher(name: str) -> Any:
    if name not in _HASHES:
        raise SignatureError(
            f"signature: unsupported digest algorithm {name!r}; expected one of "
            f"{', '.join(sorted(_HASHES))}",
            field="signature",
        )
    return hashlib.new(name)


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def as_data(value: object, field: str) -> bytes:
    """A bytes-like argument as ``bytes``; anything else is a typed error (internal helper)."""
    if isinstance(value, bytes | bytearray | memoryview):
        return bytes(value)
    hint = " (encode text first, e.g. text.encode('utf-8'))" if isinstance(value, str) else ""
    raise SignatureError(f"{field}: expected bytes, got {type(value).__name__}{hint}", field=field)


def key_signer(key: PrivateKey) -> HashSigner:
    """Wrap a local RSA/EC private key as a :data:`HashSigner` (SHA-256, PKCS#1 v1.5 / ECDSA)."""
    if isinstance(key, rsa.RSAPrivateKey):
        rsa_key = key

        def sign_rsa(digest: bytes) -> bytes:
            return rsa_key.sign(digest, padding.PKCS1v15(), Prehashed(hashes.SHA256()))

        return sign_rsa
    if isinstance(key, ec.EllipticCurvePrivateKey):
        ec_key = key

        def sign_ec(digest: bytes) -> bytes:
            return ec_key.sign(digest, ec.ECDSA(Prehashed(hashes.SHA256())))

        return sign_ec
    raise SignatureError(
        f"key: unsupported key type {type(key).__name__}; expected RSA or EC", field="key"
    )


def _signature_algorithm(certificate: Certificate) -> str:
    key = certificate.x509.public_key()
    if isinstance(key, rsa.RSAPublicKey):
        return "sha256_rsa"
    if isinstance(key, ec.EllipticCurvePublicKey):
        return "sha256_ecdsa"
    raise SignatureError(
        f"certificate: unsupported public key type {type(key).__name__}; expected RSA or EC",
        field="certificate",
    )


def _asn1_cert(cert: Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.to_der())


def _time(value: dt.datetime) -> cms.Time:
    value = value.astimezone(dt.UTC).replace(microsecond=0)
    if 1950 <= value.year < 2050:  # RFC 5280 §4.1.2.5 / RFC 5652 §11.3
        return cms.Time({"utc_time": value})
    return cms.Time({"generalized_time": value})


@attrs.frozen(slots=True)
class PreparedSignature:
    """Phase one of a two-phase (deferred) signature: everything but the signature value.

    Send :attr:`digest_to_sign` to the token or remote signer, then call :meth:`finish` with
    its answer. The object holds only public data and can be kept while waiting.

    Attributes:
        signed_attributes: DER encoding (``SET OF Attribute``) of the signed attributes.
        certificate: the signer's certificate.
        chain: certificates embedded with it (intermediates, optionally the root).
        content_type: dotted OID or asn1crypto name of the encapsulated content type.
        content: encapsulated content (``None`` for a detached signature).
    """

    signed_attributes: bytes
    certificate: Certificate
    chain: tuple[Certificate, ...] = ()
    content_type: str = "data"
    content: bytes | None = None

    @property
    def digest_to_sign(self) -> bytes:
        """SHA-256 of :attr:`signed_attributes`: what the hash signer signs."""
        return hashlib.sha256(self.signed_attributes).digest()

    def finish(self, signature_value: bytes, *, timestamper: Timestamper | None = None) -> bytes:
        """Phase two: assemble the DER ``ContentInfo`` around the signature value.

        Args:
            signature_value: the raw signature over :attr:`digest_to_sign`.
            timestamper: when given, a signature timestamp token (RFC 3161 over the
                SHA-256 of the signature value) is added as an unsigned attribute.

        Raises:
            SignatureError: when the signature value does not verify with the certificate
                (a wrong key or a broken signer is caught here, not by the recipient).
        """
        if not isinstance(signature_value, bytes | bytearray | memoryview):
            raise SignatureError(
                "signature_value: the signer returned "
                f"{type(signature_value).__name__}; expected the raw signature as bytes",
                field="signature_value",
            )
        cert = self.certificate
        algo = _signature_algorithm(cert)
        probe = _verify_raw(
            cert,
            "rsassa_pkcs1v15" if algo.endswith("rsa") else "ecdsa",
            "sha256",
            None,
            bytes(signature_value),
            self.signed_attributes,
        )
        if not probe:
            raise SignatureError(
                "signature_value: does not verify with the signer certificate's public key; "
                "the key or signer used does not belong to this certificate",
                field="signature_value",
            )
        issuer_and_serial = cms.IssuerAndSerialNumber(
            {"issuer": _asn1_cert(cert).issuer, "serial_number": cert.serial_number}
        )
        info: dict[str, Any] = {
            "version": "v1",
            "sid": cms.SignerIdentifier({"issuer_and_serial_number": issuer_and_serial}),
            "digest_algorithm": algos.DigestAlgorithm({"algorithm": "sha256"}),
            "signed_attrs": cms.CMSAttributes.load(self.signed_attributes),
            "signature_algorithm": algos.SignedDigestAlgorithm({"algorithm": algo}),
            "signature": bytes(signature_value),
        }
        if timestamper is not None:
            token = timestamper(hashlib.sha256(bytes(signature_value)).digest())
            try:
                token_info = cms.ContentInfo.load(token)
                _ = token_info["content_type"].native
            except (ValueError, TypeError) as exc:
                raise SignatureError(
                    "timestamper: did not return a DER TimeStampToken", field="timestamper"
                ) from exc
            info["unsigned_attrs"] = cms.CMSAttributes(
                [cms.CMSAttribute({"type": "signature_time_stamp_token", "values": [token_info]})]
            )
        certs: list[Certificate] = [cert]
        for extra in self.chain:
            if extra not in certs:
                certs.append(extra)
        encap: dict[str, Any] = {"content_type": self.content_type}
        if self.content is not None:
            encap["content"] = core.ParsableOctetString(self.content)
        signed_data = cms.SignedData(
            {
                "version": "v1" if self.content_type == "data" else "v3",
                "digest_algorithms": [algos.DigestAlgorithm({"algorithm": "sha256"})],
                "encap_content_info": encap,
                # Loaded from DER (not rebuilt) so asn1crypto keeps the original encoding.
                "certificates": [cms.CertificateChoices.load(c.to_der()) for c in certs],
                "signer_infos": [cms.SignerInfo(info)],
            }
        )
        der: bytes = cms.ContentInfo({"content_type": "signed_data", "content": signed_data}).dump()
        return der


def _signing_certificate_v2(certificate: Certificate) -> tsp.SigningCertificateV2:
    """ESS signing-certificate-v2 (RFC 5035) with SHA-256 and issuer/serial, encoded directly.

    Built from DER pieces because asn1crypto re-encodes a nested ``Name`` slowly (~7 ms).
    """

    def sequence(content: bytes) -> bytes:
        return bytes(emit(0, 1, 16, content))

    general_name = bytes(emit(2, 1, 4, certificate.x509.issuer.public_bytes()))  # [4] Name
    issuer_serial = sequence(
        sequence(general_name) + core.Integer(certificate.serial_number).dump()
    )
    cert_hash = core.OctetString(hashlib.sha256(certificate.to_der()).digest()).dump()
    ess_cert_id = sequence(cert_hash + issuer_serial)  # hashAlgorithm: DEFAULT sha256
    value: tsp.SigningCertificateV2 = tsp.SigningCertificateV2.load(sequence(sequence(ess_cert_id)))
    return value


def prepare_signature(
    content_digest: bytes,
    *,
    certificate: Certificate,
    chain: Iterable[Certificate] = (),
    signing_time: dt.datetime | None = None,
    include_signing_time: bool = True,
    content_type: str = "data",
    content: bytes | None = None,
) -> PreparedSignature:
    """Phase one: build the signed attributes for a SHA-256 content digest.

    Args:
        content_digest: SHA-256 of the content (32 bytes).
        certificate: the signer's certificate.
        chain: intermediates (and optionally the root) to embed.
        signing_time: the claimed signing time (default: now, UTC).
        include_signing_time: ``False`` omits the signing-time attribute (PAdES baseline
            signatures carry the time in the PDF ``/M`` entry instead, ETSI EN 319 142-1
            §5.3).
        content_type: the encapsulated content type (``"data"``; ``"tst_info"`` for a
            timestamp authority).
        content: encapsulated content, for attached (non-detached) signatures.

    Raises:
        SignatureError: for a digest that is not 32 bytes or an unsupported key.
    """
    content_digest = as_data(content_digest, "content_digest")
    if len(content_digest) != 32:
        raise SignatureError(
            f"content_digest: expected a 32-byte SHA-256 digest, got {len(content_digest)} bytes",
            field="content_digest",
        )
    certificate = as_certificate(certificate, field="certificate")
    chain_t = as_certificates(chain, field="chain")
    signing_time = check_time(signing_time, "signing_time")
    _signature_algorithm(certificate)
    attributes = [
        cms.CMSAttribute({"type": "content_type", "values": [content_type]}),
        cms.CMSAttribute({"type": "message_digest", "values": [bytes(content_digest)]}),
        cms.CMSAttribute(
            {"type": "signing_certificate_v2", "values": [_signing_certificate_v2(certificate)]}
        ),
    ]
    if include_signing_time:
        when = signing_time if signing_time is not None else _now()
        attributes.append(cms.CMSAttribute({"type": "signing_time", "values": [_time(when)]}))
    return PreparedSignature(
        signed_attributes=cms.CMSAttributes(attributes).dump(),
        certificate=certificate,
        chain=chain_t,
        content_type=content_type,
        content=content,
    )


def sign_digest(
    content_digest: bytes,
    *,
    certificate: Certificate,
    key: PrivateKey | None = None,
    signer: HashSigner | None = None,
    chain: Iterable[Certificate] = (),
    signing_time: dt.datetime | None = None,
    timestamper: Timestamper | None = None,
) -> bytes:
    """Sign a SHA-256 content digest; return a detached CMS signature (DER).

    Exactly one of ``key`` (a local private key) or ``signer`` (a :data:`HashSigner`: USB
    token, remote signing) must be given.

    Raises:
        SignatureError: for missing/conflicting signer arguments or a signer whose output does
            not verify with ``certificate``.
    """
    hash_signer = pick_signer(key, signer)
    certificate = as_certificate(certificate, field="certificate")
    check_key_matches(key, certificate)
    prepared = prepare_signature(
        content_digest, certificate=certificate, chain=chain, signing_time=signing_time
    )
    return prepared.finish(hash_signer(prepared.digest_to_sign), timestamper=timestamper)


def check_key_matches(key: PrivateKey | None, certificate: Certificate) -> None:
    """Raise when a local ``key`` is not the certificate's key (internal helper).

    Caught before signing so that the message names the real mistake (``--key`` and
    ``--cert`` that do not belong together) rather than a signature that does not verify.
    """
    if key is None:
        return
    try:
        matches = key.public_key() == certificate.x509.public_key()
    except (ValueError, TypeError, UnsupportedAlgorithm):  # pragma: no cover - defensive
        matches = False
    if not matches:
        raise SignatureError(
            "key: the private key does not belong to the certificate (their public keys "
            "differ); pass the key that was issued with this certificate",
            field="key",
        )


def pick_signer(key: PrivateKey | None, signer: HashSigner | None) -> HashSigner:
    """The hash signer for exactly one of ``key`` or ``signer`` (internal helper, also pdf).

    Raises:
        SignatureError: when both or neither are given, or ``signer`` is not callable.
    """
    if (key is None) == (signer is None):
        raise SignatureError(
            "key/signer: pass exactly one of key= (a private key) or signer= (a hash signer)",
            field="signer",
        )
    if key is not None:
        return key_signer(key)
    assert signer is not None  # noqa: S101 - narrowed by the check above
    if not callable(signer):
        raise SignatureError(
            f"signer: expected a callable digest -> signature value, got {type(signer).__name__}",
            field="signer",
        )
    return signer


def sign_bytes(
    data: bytes,
    *,
    certificate: Certificate,
    key: PrivateKey | None = None,
    signer: HashSigner | None = None,
    chain: Iterable[Certificate] = (),
    signing_time: dt.datetime | None = None,
    timestamper: Timestamper | None = None,
) -> bytes:
    """Sign bytes; return a detached CMS signature (DER, ``.p7s``).

    Example:
        >>> sig = sign_bytes(b"...", certificate=cert, key=key, chain=[intermediate])
        ... # doctest: +SKIP
    """
    return sign_digest(
        hashlib.sha256(as_data(data, "data")).digest(),
        certificate=certificate,
        key=key,
        signer=signer,
        chain=chain,
        signing_time=signing_time,
        timestamper=timestamper,
    )


def _hash_file(path: str | os.PathLike[str], algorithm: str, field: str) -> bytes:
    hasher = _hasher(algorithm)
    try:
        with open(path, "rb") as handle:
            while chunk := handle.read(_CHUNK):
                hasher.update(chunk)
    except OSError as exc:
        raise SignatureError(
            f"{field}: cannot read the file ({exc.strerror or type(exc).__name__})", field=field
        ) from exc
    digest: bytes = hasher.digest()
    return digest


def sign_file(
    path: str | os.PathLike[str],
    *,
    certificate: Certificate,
    key: PrivateKey | None = None,
    signer: HashSigner | None = None,
    chain: Iterable[Certificate] = (),
    signing_time: dt.datetime | None = None,
    timestamper: Timestamper | None = None,
) -> bytes:
    """Sign a file (read in 1 MiB chunks); return a detached CMS signature (DER)."""
    return sign_digest(
        _hash_file(path, "sha256", "file"),
        certificate=certificate,
        key=key,
        signer=signer,
        chain=chain,
        signing_time=signing_time,
        timestamper=timestamper,
    )


# -- parsing -------------------------------------------------------------------------------

_PEM_RE = re.compile(rb"-----BEGIN ([A-Z0-9 ]+)-----(.*?)-----END \1-----", re.DOTALL)


def _unarmor(data: bytes, field: str) -> bytes:
    stripped = data.strip()
    if not stripped.startswith(b"-----BEGIN"):
        return data
    match = _PEM_RE.search(stripped)
    if match is None or match.group(1) not in (b"PKCS7", b"CMS"):
        raise SignatureError(
            f"{field}: PEM data that is not a PKCS7/CMS block; expected DER or "
            "'-----BEGIN PKCS7-----'",
            field=field,
        )
    try:
        return base64.b64decode(b"".join(match.group(2).split()), validate=True)
    except binascii.Error as exc:
        raise SignatureError(f"{field}: the PEM block is not valid base64", field=field) from exc


@attrs.frozen(slots=True)
class ParsedSignedData:
    """The parts of a CMS SignedData that verification needs (see :func:`parse_signed_data`).

    Attributes:
        content_type: the encapsulated content type (``data``, ``tst_info``...).
        econtent: the encapsulated content (``None`` when detached).
        certificates: the embedded certificates.
        sid_issuer: the signer identifier's issuer name (issuerAndSerialNumber form).
        sid_serial: the signer identifier's serial number.
        sid_ski: the signer identifier's subject key identifier (the other form).
        digest_algorithm: the SignerInfo digest algorithm.
        signature_algorithm: the signature algorithm (``rsassa_pkcs1v15``, ``ecdsa``...).
        signature_hash: the hash of the signature algorithm.
        pss: RSASSA-PSS parameters, when used.
        signature: the signature value.
        signed_attrs: DER of the signed attributes (``SET OF``), when present.
        message_digest: the messageDigest attribute.
        attr_content_type: the contentType attribute.
        signing_time: the signingTime attribute (claimed, not proven).
        timestamp_token: the signature timestamp token (DER), when present.
    """

    content_type: str
    econtent: bytes | None
    certificates: tuple[Certificate, ...]
    sid_issuer: asn1_x509.Name | None
    sid_serial: int | None
    sid_ski: bytes | None
    digest_algorithm: str
    signature_algorithm: str
    signature_hash: str
    pss: Any
    signature: bytes
    signed_attrs: bytes | None
    message_digest: bytes | None
    attr_content_type: str | None
    signing_time: dt.datetime | None
    timestamp_token: bytes | None


def parse_signed_data(data: object, field: str) -> ParsedSignedData:
    """Parse a CMS ``ContentInfo`` holding SignedData, DER or PEM (internal helper, also pdf).

    Raises:
        SignatureError: naming ``field`` when the data is not a well-formed SignedData.
    """
    raw = data.encode("ascii", "replace") if isinstance(data, str) else as_data(data, field)
    der = _unarmor(raw, field)
    try:
        info = cms.ContentInfo.load(der, strict=True)
        if info["content_type"].native != "signed_data":
            raise SignatureError(
                f"{field}: CMS content type is {info['content_type'].native!r}; expected "
                "signed_data (a PKCS#7 signature)",
                field=field,
            )
        signed_data = info["content"]
        infos = signed_data["signer_infos"]
        if len(infos) == 0:
            raise SignatureError(f"{field}: the CMS has no SignerInfo", field=field)
        si = infos[0]
        certs: list[Certificate] = []
        for choice in signed_data["certificates"] or ():
            if choice.name == "certificate":
                certs.extend(as_certificates([choice.chosen.dump()], field=field))
        sid = si["sid"]
        sid_issuer = sid_serial = sid_ski = None
        if sid.name == "issuer_and_serial_number":
            sid_issuer = sid.chosen["issuer"]
            _ = sid_issuer.native
            sid_serial = sid.chosen["serial_number"].native
        else:
            sid_ski = sid.chosen.native
        digest_algorithm = si["digest_algorithm"]["algorithm"].native
        sig_algo = si["signature_algorithm"]
        signature_algorithm = sig_algo.signature_algo
        pss = None
        if signature_algorithm == "rsassa_pss":
            pss = sig_algo["parameters"].native
            signature_hash = pss["hash_algorithm"]["algorithm"]
        else:
            try:
                signature_hash = sig_algo.hash_algo
            except ValueError:  # rsaEncryption / ecPublicKey OIDs carry no hash
                signature_hash = digest_algorithm
        signature = si["signature"].native
        signed_attrs_der = message_digest = attr_ct = signing_time = None
        attrs_value = si["signed_attrs"]
        if attrs_value.contents is not None and len(attrs_value) > 0:
            signed_attrs_der = b"\x31" + attrs_value.dump()[1:]
            for attr in attrs_value:
                kind = attr["type"].native
                values = attr["values"]
                if kind == "message_digest":
                    message_digest = values[0].native
                elif kind == "content_type":
                    attr_ct = values[0].native
                elif kind == "signing_time":
                    signing_time = values[0].native
        token = None
        unsigned = si["unsigned_attrs"]
        if unsigned.contents is not None:
            for attr in unsigned:
                if attr["type"].native == "signature_time_stamp_token":
                    token = attr["values"][0].dump()
        encap = signed_data["encap_content_info"]
        econtent_value = encap["content"]
        econtent = None if isinstance(econtent_value, core.Void) else bytes(econtent_value)
        return ParsedSignedData(
            content_type=encap["content_type"].native,
            econtent=econtent,
            certificates=tuple(certs),
            sid_issuer=sid_issuer,
            sid_serial=sid_serial,
            sid_ski=sid_ski,
            digest_algorithm=digest_algorithm,
            signature_algorithm=signature_algorithm,
            signature_hash=signature_hash,
            pss=pss,
            signature=signature,
            signed_attrs=signed_attrs_der,
            message_digest=message_digest,
            attr_content_type=attr_ct,
            signing_time=signing_time,
            timestamp_token=token,
        )
    except SignatureError:
        raise
    except (ValueError, TypeError, KeyError, IndexError, OverflowError, AttributeError) as exc:
        raise SignatureError(
            f"{field}: not a well-formed CMS/PKCS#7 SignedData (DER, or PEM "
            f"'-----BEGIN PKCS7-----'): {type(exc).__name__}",
            field=field,
        ) from exc


def _verify_raw(
    cert: Certificate,
    signature_algorithm: str,
    hash_name: str,
    pss: Any,
    signature: bytes,
    data: bytes,
) -> bool:
    if hash_name not in _HASHES:
        return False
    hash_algo = _HASHES[hash_name]()
    try:
        key = cert.x509.public_key()
        if isinstance(key, rsa.RSAPublicKey):
            if signature_algorithm == "rsassa_pkcs1v15":
                key.verify(signature, data, padding.PKCS1v15(), hash_algo)
            elif signature_algorithm == "rsassa_pss" and pss is not None:
                mgf_hash = pss["mask_gen_algorithm"]["parameters"]["algorithm"]
                key.verify(
                    signature,
                    data,
                    padding.PSS(
                        mgf=padding.MGF1(_HASHES[mgf_hash]()), salt_length=pss["salt_length"]
                    ),
                    hash_algo,
                )
            else:
                return False
        elif isinstance(key, ec.EllipticCurvePublicKey) and signature_algorithm == "ecdsa":
            key.verify(signature, data, ec.ECDSA(hash_algo))
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, KeyError, UnsupportedAlgorithm):
        return False
    return True


def _find_signer(parsed: ParsedSignedData, pool: Iterable[Certificate]) -> Certificate | None:
    for cert in pool:
        if parsed.sid_ski is not None:
            if cert.subject_key_identifier == parsed.sid_ski:
                return cert
        elif cert.serial_number == parsed.sid_serial and parsed.sid_issuer is not None:
            if cert.x509.issuer.public_bytes() == parsed.sid_issuer.dump():
                return cert
            try:  # same name, other encoding: compare after RFC 5280 §7.1 string preparation
                if _asn1_cert(cert).issuer == parsed.sid_issuer:
                    return cert
            except (ValueError, TypeError):  # pragma: no cover - cert already parsed once
                continue
    return None


def check_signed_data(
    parsed: ParsedSignedData,
    content_digest: Callable[[str], bytes],
    *,
    trust: TrustInput,
    at: dt.datetime | None,
    certificates: Iterable[Certificate],
    revocation: RevocationPolicy | None,
    usage: Usage,
) -> tuple[SignatureStatus, Certificate | None]:
    """Verify parsed SignedData against the content digest and the trust anchors.

    (Internal helper of the verifiers here and in :mod:`onestop.signatures.pdf`.)

    Args:
        parsed: from :func:`parse_signed_data`.
        content_digest: the digest of the signed content for a digest algorithm name.
        trust: trust anchors.
        at: validation time (default: the proven timestamp time, else now).
        certificates: extra certificates to find the signer and build the path with.
        revocation: revocation policy.
        usage: what the signer's certificate must be allowed to do.

    Returns:
        The status and the signer's certificate (``None`` when it was not found).
    """
    at = check_time(at, "at")
    problems: list[Problem] = []
    pool = [*parsed.certificates, *as_certificates(certificates, field="certificates")]
    if parsed.digest_algorithm in _WEAK or parsed.signature_hash in _WEAK:
        problems.append(
            Problem(
                ProblemCode.WEAK_ALGORITHM,
                f"the signature uses {parsed.digest_algorithm}/{parsed.signature_hash}, which is "
                "not accepted for signatures; expected SHA-256 or stronger",
            )
        )
    digest = content_digest(parsed.digest_algorithm)
    if parsed.signed_attrs is not None:
        content_ok = parsed.message_digest == digest
        signed_bytes = parsed.signed_attrs
    else:  # no signed attributes (openssl cms -noattr): the content itself is signed
        content_ok = True
        signed_bytes = digest
    if not content_ok:
        problems.append(
            Problem(
                ProblemCode.TAMPERED,
                "the content does not match the signed message digest: it was changed after "
                "signing, or this is not the signature of this content",
            )
        )
    signer = _find_signer(parsed, pool)
    signature_ok = False
    if signer is None:
        problems.append(
            Problem(
                ProblemCode.SIGNER_CERTIFICATE_MISSING,
                "the signer's certificate is not in the signature; pass it with certificates=",
                "signer",
            )
        )
    elif parsed.signed_attrs is not None:
        signature_ok = _verify_raw(
            signer,
            parsed.signature_algorithm,
            parsed.signature_hash,
            parsed.pss,
            parsed.signature,
            signed_bytes,
        )
    else:
        signature_ok = _verify_prehashed(signer, parsed, digest)
    if signer is not None and not signature_ok:
        problems.append(
            Problem(
                ProblemCode.BAD_SIGNATURE,
                "the signature value does not verify with the signer certificate's public key",
            )
        )
    if (
        parsed.attr_content_type is not None
        and parsed.attr_content_type != parsed.content_type
        and content_ok
    ):
        problems.append(
            Problem(
                ProblemCode.TAMPERED,
                "the signed content-type attribute does not match the encapsulated content type",
            )
        )
    intact = content_ok and signature_ok

    timestamp_time: dt.datetime | None = None
    if parsed.timestamp_token is not None and usage != "timestamping":
        timestamp_time, ts_problem = _check_timestamp(
            parsed, trust=trust, at=at, revocation=revocation
        )
        if ts_problem is not None:
            problems.append(ts_problem)
    when = at if at is not None else (timestamp_time or _now())
    chain_fps: tuple[str, ...] = ()
    trusted = False
    if signer is not None:
        result = validate_chain(
            signer,
            trust=as_trust_store(trust),
            at=when,
            intermediates=pool,
            usage=usage,
            revocation=revocation,
        )
        problems.extend(result.problems)
        trusted = result.trusted
        chain_fps = tuple(c.fingerprint_sha256 for c in result.path)
    else:
        store = as_trust_store(trust)
        if not store.anchors:
            problems.append(Problem(ProblemCode.NO_TRUST_ANCHORS, "no trust anchor was supplied"))
    status = SignatureStatus(
        intact=intact,
        trusted=trusted,
        signer=None if signer is None else signer.identity,
        signing_time=parsed.signing_time,
        timestamp_time=timestamp_time,
        validated_at=when,
        digest_algorithm=parsed.digest_algorithm,
        problems=tuple(problems),
        chain=chain_fps,
    )
    return status, signer


def _verify_prehashed(signer: Certificate, parsed: ParsedSignedData, digest: bytes) -> bool:
    if parsed.digest_algorithm not in _HASHES:
        return False
    prehashed = Prehashed(_HASHES[parsed.digest_algorithm]())
    try:
        key = signer.x509.public_key()
        if isinstance(key, rsa.RSAPublicKey) and parsed.signature_algorithm == "rsassa_pkcs1v15":
            key.verify(parsed.signature, digest, padding.PKCS1v15(), prehashed)
        elif isinstance(key, ec.EllipticCurvePublicKey) and parsed.signature_algorithm == "ecdsa":
            key.verify(parsed.signature, digest, ec.ECDSA(prehashed))
        else:
            return False
    except (InvalidSignature, ValueError, TypeError, UnsupportedAlgorithm):
        return False
    return True


def _check_timestamp(
    parsed: ParsedSignedData,
    *,
    trust: TrustInput,
    at: dt.datetime | None,
    revocation: RevocationPolicy | None,
) -> tuple[dt.datetime | None, Problem | None]:
    assert parsed.timestamp_token is not None  # noqa: S101 - caller checks
    try:
        token = parse_signed_data(parsed.timestamp_token, "timestamp")
        if token.content_type != "tst_info" or token.econtent is None:
            raise SignatureError("timestamp: not a TSTInfo token", field="timestamp")
        tst = tsp.TSTInfo.load(token.econtent)
        imprint = tst["message_imprint"]
        imprint_algo = imprint["hash_algorithm"]["algorithm"].native
        hashed = imprint["hashed_message"].native
        gen_time: dt.datetime = tst["gen_time"].native
    except (SignatureError, ValueError, TypeError, KeyError) as exc:
        return None, Problem(
            ProblemCode.TIMESTAMP_INVALID,
            f"the signature timestamp token is malformed ({type(exc).__name__})",
            "timestamp",
        )
    expected = _hasher(imprint_algo).copy() if imprint_algo in _HASHES else None
    if expected is None:
        return None, Problem(
            ProblemCode.TIMESTAMP_INVALID,
            f"the timestamp uses an unsupported digest {imprint_algo!r}",
            "timestamp",
        )
    expected.update(parsed.signature)
    econtent = token.econtent
    status, _ = check_signed_data(
        token,
        lambda name: digest_of(name, econtent),
        trust=trust,
        at=at if at is not None else gen_time,
        certificates=(),
        revocation=revocation,
        usage="timestamping",
    )
    if hashed != expected.digest():
        return None, Problem(
            ProblemCode.TIMESTAMP_INVALID,
            "the timestamp token was issued for another signature value (message imprint mismatch)",
            "timestamp",
        )
    if not status.valid:
        reasons = ", ".join(dict.fromkeys(p.code.value for p in status.problems)) or "untrusted"
        return None, Problem(
            ProblemCode.TIMESTAMP_INVALID,
            f"the timestamp token does not verify or is not trusted ({reasons})",
            "timestamp",
        )
    return gen_time, None


def verify_digest(
    content_digest: bytes,
    signature: bytes,
    *,
    digest_algorithm: str = "sha256",
    trust: TrustInput = None,
    at: dt.datetime | None = None,
    certificates: Iterable[Certificate] = (),
    revocation: RevocationPolicy | None = None,
) -> SignatureStatus:
    """Verify a detached signature against a precomputed content digest.

    A signature made with another digest algorithm than ``digest_algorithm`` is reported as
    ``tampered`` (the digests cannot match); use :func:`verify_bytes` when unsure.

    Raises:
        SignatureError: for a digest of the wrong length for ``digest_algorithm``, an
            unsupported algorithm, or a malformed signature.
    """
    content_digest = as_data(content_digest, "content_digest")
    if digest_algorithm not in _HASHES:
        raise SignatureError(
            f"digest_algorithm: {digest_algorithm!r} is not supported; expected one of "
            f"{', '.join(sorted(_HASHES))}",
            field="digest_algorithm",
        )
    size = _hasher(digest_algorithm).digest_size
    if len(content_digest) != size:
        raise SignatureError(
            f"content_digest: expected a {size}-byte {digest_algorithm} digest, got "
            f"{len(content_digest)} bytes",
            field="content_digest",
        )
    parsed = parse_signed_data(signature, "signature")

    def digest_for(name: str) -> bytes:
        return content_digest if name == digest_algorithm else b""

    return check_signed_data(
        parsed,
        digest_for,
        trust=trust,
        at=at,
        certificates=certificates,
        revocation=revocation,
        usage="document_signing",
    )[0]


def verify_bytes(
    data: bytes,
    signature: bytes,
    *,
    trust: TrustInput = None,
    at: dt.datetime | None = None,
    certificates: Iterable[Certificate] = (),
    revocation: RevocationPolicy | None = None,
) -> SignatureStatus:
    """Verify a detached CMS signature (DER or PEM) over ``data``.

    Args:
        data: the signed content.
        signature: the CMS ``ContentInfo`` (``.p7s``), DER or ``-----BEGIN PKCS7-----``.
        trust: trust anchors; without any, ``trusted`` is ``False`` (``no_trust_anchors``).
        at: the validation time for the certificate chain (timezone-aware). Default: the
            time proven by a valid signature timestamp, else now.
        certificates: extra certificates (the signer's, intermediates) not embedded in the
            signature.
        revocation: revocation policy (default: no revocation checking).

    Returns:
        The status: ``valid`` only when intact, trusted and without problems.

    Raises:
        SignatureError: when ``signature`` is not a well-formed CMS SignedData.
        InvalidInputError: ``at`` is naive (:func:`onestop.tz.require_aware`).
    """
    content = as_data(data, "data")
    parsed = parse_signed_data(signature, "signature")
    return check_signed_data(
        parsed,
        lambda name: digest_of(name, content),
        trust=trust,
        at=at,
        certificates=certificates,
        revocation=revocation,
        usage="document_signing",
    )[0]


def digest_of(name: str, content: bytes) -> bytes:
    """``content`` hashed with the digest algorithm ``name`` (internal helper, also pdf).

    Raises:
        SignatureError: for an unsupported algorithm.
    """
    hasher = _hasher(name)
    hasher.update(content)
    value: bytes = hasher.digest()
    return value


def verify_file(
    path: str | os.PathLike[str],
    signature: bytes,
    *,
    trust: TrustInput = None,
    at: dt.datetime | None = None,
    certificates: Iterable[Certificate] = (),
    revocation: RevocationPolicy | None = None,
) -> SignatureStatus:
    """Verify a detached CMS signature over a file (streamed); see :func:`verify_bytes`."""
    parsed = parse_signed_data(signature, "signature")
    return check_signed_data(
        parsed,
        lambda name: _hash_file(path, name, "file"),
        trust=trust,
        at=at,
        certificates=certificates,
        revocation=revocation,
        usage="document_signing",
    )[0]
