"""Certificates, keys and the Vietnamese subject conventions.

Vietnamese CAs (public CAs under the NEAC national root, and the Government CA of Ban Cơ yếu
Chính phủ) identify the holder in the subject's **UID** attribute (OID
``0.9.2342.19200300.100.1.1``) with a prefix: ``MST:0102005769`` (tax code, branch form
``MST:0301519977-029``), ``CMND:…``, ``CCCD:…``; several UIDs may co-exist and values are often
UTF8String. Legal basis for the certificates: Law on E-Transactions 20/2023/QH15 and Decree
130/2018/NĐ-CP (superseded by Decree 23/2025/NĐ-CP) on digital signatures and certification
services.

Loaders accept PEM (several blocks), DER and PKCS#7 certificate bundles; PKCS#12 files give a key
and its certificates. Malformed input raises :class:`onestop.errors.CertificateError` naming
the field, never a bare parser traceback.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import hashlib
import os
import warnings
from collections.abc import Iterable, Iterator
from typing import Any, Literal, TypeAlias

import attrs
from cryptography import x509 as cx509
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import pkcs7, pkcs12
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.oid import AuthorityInformationAccessOID, ExtensionOID, NameOID

from onestop.errors import CertificateError, SignatureError, mask_id
from onestop.signatures.status import IdentifierKind, SignerIdentity, SubjectIdentifier
from onestop.tz import require_aware

__all__ = [
    "UID_OID",
    "Certificate",
    "DistinguishedName",
    "KeyAndCertificates",
    "PrivateKey",
    "load_certificate",
    "load_certificates",
    "load_pkcs12",
    "load_private_key",
    "parse_identifier",
    "read_certificates",
    "read_private_key",
]

#: The userID attribute (RFC 4519) that Vietnamese CAs use for ``MST:``/``CCCD:`` identifiers.
UID_OID = "0.9.2342.19200300.100.1.1"

#: Private keys onestop signs with: RSA (PKCS#1 v1.5 or PSS) and ECDSA.
PrivateKey: TypeAlias = rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey

_PREFIXES: dict[str, IdentifierKind] = {
    "MST": IdentifierKind.TAX_CODE,
    "CCCD": IdentifierKind.CITIZEN_ID,
    "CMND": IdentifierKind.PEOPLE_ID,
    "CMT": IdentifierKind.PEOPLE_ID,
    "HC": IdentifierKind.PASSPORT,
    "PASSPORT": IdentifierKind.PASSPORT,
}

_KEY_USAGE_NAMES = (
    "digital_signature",
    "content_commitment",
    "key_encipherment",
    "data_encipherment",
    "key_agreement",
    "key_cert_sign",
    "crl_sign",
)


@contextlib.contextmanager
def x509_parsing() -> Iterator[None]:
    """Parse X.509 data (certificates, CRLs, OCSP responses) from untrusted input.

    cryptography reads some malformed encodings leniently and only *warns* (a ``UserWarning``,
    e.g. a country name that is not 2 characters: "Attribute's length must be >= 2 and <= 2").
    Inside this block such a warning is raised as an exception, so that the caller turns it
    into a :class:`~onestop.errors.CertificateError` or a problem instead of letting a warning
    escape to the application. The one deliberate exception: the deprecation notice for a
    non-positive serial number (forbidden by RFC 5280 §4.1.2.2, yet present in some CA
    certificates in the wild) is silenced and the value read as it is.

    (Internal helper, also used by :mod:`onestop.signatures.trust`.)
    """
    with warnings.catch_warnings():
        warnings.simplefilter("error", UserWarning)
        # Added last, so checked first: CryptographyDeprecationWarning is a UserWarning.
        warnings.simplefilter("ignore", CryptographyDeprecationWarning)
        yield


def _parse_with_model(kind: IdentifierKind, value: str) -> object | None:
    """Parse into ``onestop.models.TaxCode``/``CitizenId``/``LegacyId`` when it fits.

    ``CMND:`` values are 12-digit citizen IDs (read as ``CitizenId``) or 9-digit legacy
    identity card numbers (``LegacyId``); anything that does not parse gives ``None``.
    """
    if kind is IdentifierKind.TAX_CODE:
        model_name = "TaxCode"
    elif kind is IdentifierKind.CITIZEN_ID or (
        kind is IdentifierKind.PEOPLE_ID and len(value) == 12
    ):
        model_name = "CitizenId"
    elif kind is IdentifierKind.PEOPLE_ID and len(value) == 9:
        model_name = "LegacyId"
    else:
        return None
    try:
        import onestop.models as models

        model: Any = getattr(models, model_name)
        parsed: object = model.parse(value)
    except Exception:  # the models package may be absent/older, or the value may not parse
        return None
    return parsed


def parse_identifier(raw: str) -> SubjectIdentifier:
    """Split a UID value such as ``"MST:0102005769"`` into prefix and identifier.

    Recognised prefixes (case-insensitive, spaces around ``:`` ignored): ``MST``, ``CCCD``,
    ``CMND``, ``CMT``, ``HC``, ``PASSPORT``. Anything else is kept with
    :attr:`IdentifierKind.OTHER` and its raw prefix. The value is kept exactly (only stripped).

    Args:
        raw: the UID attribute value.

    Returns:
        The identifier; ``parsed`` holds a ``TaxCode``/``CitizenId`` when it parses.

    Raises:
        CertificateError: when ``raw`` is not a string.
    """
    if not isinstance(raw, str):
        raise CertificateError(
            f"uid: expected the UID attribute value as a string, got {type(raw).__name__}",
            field="uid",
        )
    prefix, sep, rest = raw.partition(":")
    if not sep:
        return SubjectIdentifier(IdentifierKind.OTHER, "", raw.strip())
    prefix = prefix.strip()
    value = rest.strip()
    kind = _PREFIXES.get(prefix.upper(), IdentifierKind.OTHER)
    return SubjectIdentifier(kind, prefix, value, _parse_with_model(kind, value))


def _attr_values(name: cx509.Name, oid: cx509.ObjectIdentifier) -> tuple[str, ...]:
    values: list[str] = []
    for attribute in name.get_attributes_for_oid(oid):
        value = attribute.value
        values.append(value if isinstance(value, str) else value.decode("utf-8", "replace"))
    return tuple(values)


def _hidden(value: object) -> str:
    return "None" if value is None else "'***'"


def _masked_uids(values: tuple[str, ...]) -> str:
    return repr(tuple(mask_id(v) for v in values))


@attrs.frozen(slots=True)
class DistinguishedName:
    """The readable parts of a subject or issuer name.

    Its ``repr`` hides the CN, e-mail and RFC 4514 text and masks the UIDs (reprs end up in
    logs); the attributes hold the full values.

    Attributes:
        common_name: CN.
        organization: O.
        organizational_unit: every OU, in order.
        title: T (title).
        locality: L.
        state: ST (province or city).
        country: C.
        email: emailAddress.
        uids: raw UID (``0.9.2342.19200300.100.1.1``) values, in order.
        identifiers: the UIDs parsed by :func:`parse_identifier`.
        rfc4514: the whole name as an RFC 4514 string.
    """

    common_name: str | None = attrs.field(repr=_hidden)
    organization: str | None
    organizational_unit: tuple[str, ...]
    title: str | None
    locality: str | None
    state: str | None
    country: str | None
    email: str | None = attrs.field(repr=_hidden)
    uids: tuple[str, ...] = attrs.field(repr=_masked_uids)
    identifiers: tuple[SubjectIdentifier, ...]
    rfc4514: str = attrs.field(repr=_hidden)

    @classmethod
    def from_x509(cls, name: cx509.Name) -> DistinguishedName:
        """Read a ``cryptography`` name (UTF8String and PrintableString alike)."""

        def first(oid: cx509.ObjectIdentifier) -> str | None:
            values = _attr_values(name, oid)
            return values[0] if values else None

        uids = _attr_values(name, NameOID.USER_ID)
        try:
            text = name.rfc4514_string({NameOID.USER_ID: "UID"})
        except ValueError:  # pragma: no cover - defensive: exotic attribute encodings
            text = repr(name)
        return cls(
            common_name=first(NameOID.COMMON_NAME),
            organization=first(NameOID.ORGANIZATION_NAME),
            organizational_unit=_attr_values(name, NameOID.ORGANIZATIONAL_UNIT_NAME),
            title=first(NameOID.TITLE),
            locality=first(NameOID.LOCALITY_NAME),
            state=first(NameOID.STATE_OR_PROVINCE_NAME),
            country=first(NameOID.COUNTRY_NAME),
            email=first(NameOID.EMAIL_ADDRESS),
            uids=uids,
            identifiers=tuple(parse_identifier(u) for u in uids),
            rfc4514=text,
        )


@attrs.frozen(slots=True, eq=False)
class Certificate:
    """An X.509 certificate with the accessors Vietnamese one-stop systems need.

    Equality and hashing follow the DER encoding.

    Attributes:
        x509: the underlying :class:`cryptography.x509.Certificate`.
    """

    x509: cx509.Certificate

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Certificate) and self.to_der() == other.to_der()

    def __hash__(self) -> int:
        return hash(self.to_der())

    def __repr__(self) -> str:
        return f"Certificate(issuer={self.issuer.rfc4514!r}, serial={self.serial_hex})"

    # -- encodings ---------------------------------------------------------------------------
    def to_der(self) -> bytes:
        """The DER encoding."""
        return self.x509.public_bytes(serialization.Encoding.DER)

    def to_pem(self) -> bytes:
        """The PEM encoding (``-----BEGIN CERTIFICATE-----``)."""
        return self.x509.public_bytes(serialization.Encoding.PEM)

    @functools.cached_property
    def fingerprint_sha256(self) -> str:
        """SHA-256 of the DER encoding, lower-case hex."""
        return hashlib.sha256(self.to_der()).hexdigest()

    # -- names and validity ------------------------------------------------------------------
    @functools.cached_property
    def subject(self) -> DistinguishedName:
        """The subject name, with Vietnamese UID identifiers parsed."""
        return DistinguishedName.from_x509(self.x509.subject)

    @functools.cached_property
    def issuer(self) -> DistinguishedName:
        """The issuer name."""
        return DistinguishedName.from_x509(self.x509.issuer)

    @property
    def serial_number(self) -> int:
        """The serial number (non-positive ones, which RFC 5280 forbids, are read as they are)."""
        with x509_parsing():
            return self.x509.serial_number

    @property
    def serial_hex(self) -> str:
        """The serial number in upper-case hexadecimal (as Vietnamese CA portals show it)."""
        return format(self.serial_number, "X")

    @property
    def not_before(self) -> dt.datetime:
        """Start of the validity period (UTC, inclusive)."""
        return self.x509.not_valid_before_utc

    @property
    def not_after(self) -> dt.datetime:
        """End of the validity period (UTC, inclusive, RFC 5280 §4.1.2.5)."""
        return self.x509.not_valid_after_utc

    def validity_at(self, at: dt.datetime) -> Literal["valid", "expired", "not_yet_valid"]:
        """Whether ``at`` (timezone-aware) is inside the validity period (both ends inclusive)."""
        require_aware(at, field="at")
        if at < self.not_before:
            return "not_yet_valid"
        if at > self.not_after:
            return "expired"
        return "valid"

    @property
    def is_self_issued(self) -> bool:
        """Whether subject and issuer names are equal."""
        return self.x509.subject == self.x509.issuer

    # -- extensions --------------------------------------------------------------------------
    def _ext(self, oid: cx509.ObjectIdentifier) -> Any:
        try:
            return self.x509.extensions.get_extension_for_oid(oid).value
        except cx509.ExtensionNotFound:
            return None
        except (
            ValueError,
            cx509.DuplicateExtension,  # not a ValueError in cryptography
            cx509.UnsupportedGeneralNameType,
        ) as exc:  # duplicate or undecodable extension
            raise CertificateError(
                f"certificate: an extension ({oid.dotted_string}) cannot be decoded: {exc}",
                field="certificate",
            ) from exc

    @property
    def is_ca(self) -> bool:
        """Whether basicConstraints says ``cA=TRUE``."""
        value = self._ext(ExtensionOID.BASIC_CONSTRAINTS)
        return bool(value is not None and value.ca)

    @property
    def path_length(self) -> int | None:
        """The basicConstraints ``pathLenConstraint``, when present."""
        value = self._ext(ExtensionOID.BASIC_CONSTRAINTS)
        return None if value is None else value.path_length

    @functools.cached_property
    def key_usage(self) -> frozenset[str] | None:
        """Key usage bits set, by name (``digital_signature``, ``content_commitment``...).

        ``None`` when the extension is absent (any usage allowed, RFC 5280 §4.2.1.3).
        """
        value = self._ext(ExtensionOID.KEY_USAGE)
        if value is None:
            return None
        return frozenset(n for n in _KEY_USAGE_NAMES if getattr(value, n))

    @functools.cached_property
    def extended_key_usage(self) -> frozenset[str] | None:
        """Extended key usage OIDs (dotted strings); ``None`` when the extension is absent."""
        value = self._ext(ExtensionOID.EXTENDED_KEY_USAGE)
        if value is None:
            return None
        return frozenset(oid.dotted_string for oid in value)

    @property
    def subject_key_identifier(self) -> bytes | None:
        """The subjectKeyIdentifier, when present."""
        value = self._ext(ExtensionOID.SUBJECT_KEY_IDENTIFIER)
        return None if value is None else bytes(value.digest)

    @property
    def subject_alt_names(self) -> tuple[cx509.GeneralName, ...]:
        """The subject alternative names (RFC 5280 §4.2.1.6); empty when there are none."""
        value = self._ext(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
        return () if value is None else tuple(value)

    @property
    def name_constraints(self) -> cx509.NameConstraints | None:
        """The nameConstraints of a CA (RFC 5280 §4.2.1.10), when present."""
        value: cx509.NameConstraints | None = self._ext(ExtensionOID.NAME_CONSTRAINTS)
        return value

    @property
    def policy_constraints(self) -> cx509.PolicyConstraints | None:
        """The policyConstraints of a CA (RFC 5280 §4.2.1.11), when present."""
        value: cx509.PolicyConstraints | None = self._ext(ExtensionOID.POLICY_CONSTRAINTS)
        return value

    @functools.cached_property
    def critical_extensions(self) -> frozenset[str]:
        """Dotted OIDs of the extensions marked critical.

        Raises:
            CertificateError: when the extensions cannot be decoded.
        """
        try:
            extensions = self.x509.extensions
        except (
            ValueError,
            cx509.DuplicateExtension,
            cx509.UnsupportedGeneralNameType,
        ) as exc:
            raise CertificateError(
                f"certificate: the extensions cannot be decoded: {exc}", field="certificate"
            ) from exc
        return frozenset(e.oid.dotted_string for e in extensions if e.critical)

    @property
    def crl_urls(self) -> tuple[str, ...]:
        """HTTP(S) URLs of the CRL distribution points."""
        value = self._ext(ExtensionOID.CRL_DISTRIBUTION_POINTS)
        urls: list[str] = []
        for point in value or ():
            for name in point.full_name or ():
                if isinstance(name, cx509.UniformResourceIdentifier):
                    urls.append(name.value)
        return tuple(urls)

    @property
    def ocsp_urls(self) -> tuple[str, ...]:
        """OCSP responder URLs from the authority information access extension."""
        value = self._ext(ExtensionOID.AUTHORITY_INFORMATION_ACCESS)
        return tuple(
            d.access_location.value
            for d in value or ()
            if d.access_method == AuthorityInformationAccessOID.OCSP
            and isinstance(d.access_location, cx509.UniformResourceIdentifier)
        )

    # -- identity ----------------------------------------------------------------------------
    @functools.cached_property
    def identity(self) -> SignerIdentity:
        """The holder's identity (names, MST/CCCD identifiers, issuer, validity)."""
        subject = self.subject
        email = subject.email
        if email is None:
            san = self._ext(ExtensionOID.SUBJECT_ALTERNATIVE_NAME)
            if san is not None:
                emails = san.get_values_for_type(cx509.RFC822Name)
                email = emails[0] if emails else None
        return SignerIdentity(
            common_name=subject.common_name,
            organization=subject.organization,
            organizational_unit=subject.organizational_unit,
            title=subject.title,
            locality=subject.locality,
            state=subject.state,
            country=subject.country,
            email=email,
            identifiers=subject.identifiers,
            issuer=self.issuer.rfc4514,
            serial_number=self.serial_hex,
            fingerprint_sha256=self.fingerprint_sha256,
            not_before=self.not_before,
            not_after=self.not_after,
        )


@attrs.frozen(slots=True)
class KeyAndCertificates:
    """A private key with its certificate and the rest of its chain (from PKCS#12).

    Attributes:
        key: the private key.
        certificate: the key's certificate.
        chain: other certificates in the file (intermediates, maybe the root).
    """

    key: PrivateKey
    certificate: Certificate
    chain: tuple[Certificate, ...]


def _as_bytes(data: object, field: str) -> bytes:
    """Bytes-like or text (PEM) input as bytes; anything else is a typed error."""
    if isinstance(data, str):
        return data.encode("utf-8")
    if isinstance(data, bytes | bytearray | memoryview):
        return bytes(data)
    raise CertificateError(
        f"{field}: expected bytes (PEM or DER) or a PEM string, got {type(data).__name__}",
        field=field,
    )


def load_certificates(data: bytes | str, *, field: str = "certificate") -> tuple[Certificate, ...]:
    """Load every certificate from PEM (one or more blocks), DER or a PKCS#7 bundle.

    Args:
        data: the file content.
        field: the argument name used in error messages.

    Returns:
        The certificates, in file order (at least one).

    Raises:
        CertificateError: when nothing parses as a certificate.
    """
    raw = _as_bytes(data, field)
    try:
        with x509_parsing():
            if b"-----BEGIN PKCS7-----" in raw:
                certs = pkcs7.load_pem_pkcs7_certificates(raw)
            elif b"-----BEGIN" in raw:
                certs = cx509.load_pem_x509_certificates(raw)
            else:
                try:
                    certs = [cx509.load_der_x509_certificate(raw)]
                except ValueError:
                    certs = pkcs7.load_der_pkcs7_certificates(raw)
    except _PARSE_ERRORS as exc:
        raise _unreadable(field, exc) from exc
    result = _checked(certs, field)
    if not result:
        raise CertificateError(f"{field}: no certificate found in the data", field=field)
    return result


#: What cryptography raises on malformed certificates (``UserWarning``: see
#: :func:`x509_parsing`).
_PARSE_ERRORS = (
    ValueError,
    TypeError,
    KeyError,
    UnsupportedAlgorithm,
    cx509.InvalidVersion,
    UserWarning,
)


def _unreadable(field: str, exc: Exception) -> CertificateError:
    detail = f"{type(exc).__name__}: {exc}" if isinstance(exc, UserWarning) else type(exc).__name__
    return CertificateError(
        f"{field}: not a readable X.509 certificate; expected PEM "
        "('-----BEGIN CERTIFICATE-----'), DER or a PKCS#7 bundle "
        f"({detail})",
        field=field,
    )


def _checked(certs: Iterable[cx509.Certificate], field: str) -> tuple[Certificate, ...]:
    """Wrap parsed certificates, forcing the lazy parser to decode what onestop relies on.

    Names, validity, serial number and public key are decoded inside :func:`x509_parsing`, so
    a malformed certificate fails here (a :class:`CertificateError`) rather than warning or
    failing later, wherever one of them is first used.
    """
    try:
        with x509_parsing():
            result = tuple(Certificate(c) for c in certs)
            for cert in result:
                _ = (cert.x509.subject, cert.x509.issuer, cert.not_before, cert.not_after)
                _ = cert.serial_number
                # A key onestop cannot verify with is readable; an invalid one is not.
                with contextlib.suppress(UnsupportedAlgorithm):
                    cert.x509.public_key()
    except _PARSE_ERRORS as exc:
        raise _unreadable(field, exc) from exc
    return result


def load_certificate(data: bytes | str, *, field: str = "certificate") -> Certificate:
    """Load exactly one certificate (the first one when the data holds several).

    Raises:
        CertificateError: when the data is not a certificate.
    """
    return load_certificates(data, field=field)[0]


def _read(path: str | os.PathLike[str], field: str) -> bytes:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except OSError as exc:
        raise CertificateError(
            f"{field}: cannot read the file ({exc.strerror or type(exc).__name__})", field=field
        ) from exc


def read_certificates(
    path: str | os.PathLike[str], *, field: str = "certificate"
) -> tuple[Certificate, ...]:
    """Read every certificate of a PEM/DER/PKCS#7 file (see :func:`load_certificates`)."""
    return load_certificates(_read(path, field), field=field)


def _check_key(key: object, field: str) -> PrivateKey:
    if isinstance(key, rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey):
        return key
    raise SignatureError(
        f"{field}: unsupported key type {type(key).__name__}; expected an RSA or EC key",
        field=field,
    )


def load_private_key(
    data: bytes | str, *, password: bytes | str | None = None, field: str = "key"
) -> PrivateKey:
    """Load an RSA or EC private key from PEM or DER (PKCS#8 or traditional).

    Raises:
        CertificateError: when the data is not a key or the password is wrong.
        SignatureError: for key types onestop does not sign with.
    """
    raw = _as_bytes(data, field)
    pw = _as_bytes(password, field) if password is not None else None
    try:
        if b"-----BEGIN" in raw:
            key: object = serialization.load_pem_private_key(raw, pw)
        else:
            key = serialization.load_der_private_key(raw, pw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise CertificateError(
            f"{field}: not a readable private key, or a wrong/missing password; expected an "
            "unencrypted or password-protected PEM/DER RSA or EC key",
            field=field,
        ) from exc
    return _check_key(key, field)


def read_private_key(
    path: str | os.PathLike[str], *, password: bytes | str | None = None, field: str = "key"
) -> PrivateKey:
    """Read a private key file (see :func:`load_private_key`)."""
    return load_private_key(_read(path, field), password=password, field=field)


def load_pkcs12(
    data: bytes, *, password: bytes | str | None, field: str = "pkcs12"
) -> KeyAndCertificates:
    """Load a PKCS#12 (``.p12``/``.pfx``) file: key, certificate and chain.

    Raises:
        CertificateError: for a malformed file, a wrong password, or a file without key or
            certificate.
    """
    pw = _as_bytes(password, field) if password is not None else None
    raw = _as_bytes(data, field)
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(raw, pw)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise CertificateError(
            f"{field}: not a readable PKCS#12 file, or a wrong password",
            field=field,
        ) from exc
    if key is None or cert is None:
        raise CertificateError(
            f"{field}: the PKCS#12 file must hold a private key and its certificate", field=field
        )
    certificate, *chain = _checked([cert, *extra], field)
    return KeyAndCertificates(
        key=_check_key(key, field), certificate=certificate, chain=tuple(chain)
    )


def as_certificates(
    items: Iterable[Certificate | cx509.Certificate | bytes | str]
    | Certificate
    | cx509.Certificate
    | bytes
    | str,
    *,
    field: str,
) -> tuple[Certificate, ...]:
    """Normalise certificates given in any supported form (internal helper, also used by CLI)."""
    if isinstance(items, Certificate | cx509.Certificate | bytes | bytearray | str):
        items = [items]  # one certificate (or one PEM/DER blob) given instead of a list
    try:
        iterator = iter(items)
    except TypeError:
        raise CertificateError(
            f"{field}: expected certificates (Certificate objects or PEM/DER data), got "
            f"{type(items).__name__}",
            field=field,
        ) from None
    out: list[Certificate] = []
    for item in iterator:
        if isinstance(item, Certificate):
            out.append(item)
        elif isinstance(item, cx509.Certificate):
            out.append(Certificate(item))
        else:
            out.extend(load_certificates(item, field=field))
    return tuple(out)


def check_time(value: object, field: str) -> dt.datetime | None:
    """``None``, or a timezone-aware datetime (:func:`onestop.tz.require_aware`).

    Raises:
        InvalidInputError: anything else, naming ``field``.
    """
    if value is None:
        return None
    return require_aware(value, field=field)


def as_certificate(value: object, *, field: str) -> Certificate:
    """One certificate given as :class:`Certificate`, a ``cryptography`` one, or PEM/DER data.

    (Internal helper for arguments such as ``certificate=``.)

    Raises:
        CertificateError: for anything else, or data that is not a certificate.
    """
    if isinstance(value, Certificate):
        return value
    if isinstance(value, cx509.Certificate):
        return Certificate(value)
    if isinstance(value, str):
        return load_certificate(value, field=field)
    if isinstance(value, bytes | bytearray | memoryview):
        return load_certificate(bytes(value), field=field)
    raise CertificateError(
        f"{field}: expected a Certificate (see load_certificate) or PEM/DER data, got "
        f"{type(value).__name__}",
        field=field,
    )
