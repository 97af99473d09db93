"""Verification results: what a signature check found, never a bare boolean.

This module imports no cryptography library, so the result types can be used (and type
checked against) anywhere. The verifiers in :mod:`onestop.signatures.cms` and
:mod:`onestop.signatures.pdf` build these objects.

A signature is **valid** only when it is *intact* (the signed content and the signature value
match), *trusted* (the signer's certificate chains to a caller-supplied trust anchor with the
right usage at the validation time, and is not known to be revoked) and no other problem was
found. Each problem carries a stable :class:`ProblemCode` so that callers can react to the
reason (for example ask the citizen to re-sign with a certificate that has not expired).
"""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

import attrs

from onestop.errors import mask_id

__all__ = [
    "IdentifierKind",
    "Problem",
    "ProblemCode",
    "SignatureStatus",
    "SignerIdentity",
    "SubjectIdentifier",
]


def _masked_id(value: str) -> str:
    """``repr`` of an identity number with the middle masked (reprs end up in logs)."""
    return repr(mask_id(value))


def _hidden(value: object) -> str:
    """``repr`` of a personal name or e-mail address: never shown, only whether it is set."""
    return "None" if value is None else "'***'"


class ProblemCode(StrEnum):
    """Why a signature, a certificate or a chain is not acceptable (stable codes)."""

    TAMPERED = "tampered"
    """The content does not match the digest that was signed."""
    BAD_SIGNATURE = "bad_signature"
    """The signature value does not verify with the signer certificate's public key."""
    SIGNER_CERTIFICATE_MISSING = "signer_certificate_missing"
    """The signer's certificate is neither in the signature nor among the supplied ones."""
    EXPIRED = "expired"
    """A certificate of the chain had expired at the validation time."""
    NOT_YET_VALID = "not_yet_valid"
    """A certificate of the chain was not yet valid at the validation time."""
    UNTRUSTED_ROOT = "untrusted_root"
    """The chain ends at a certificate that is not one of the trust anchors."""
    BROKEN_CHAIN = "broken_chain"
    """An issuer certificate is missing, or a certificate's signature does not verify."""
    WRONG_USAGE = "wrong_usage"
    """Key usage, extended key usage or CA flag does not allow the use."""
    NAME_CONSTRAINTS_VIOLATED = "name_constraints_violated"
    """A certificate's name lies outside what a CA above it may certify (RFC 5280
    §4.2.1.10 nameConstraints)."""
    UNSUPPORTED_CRITICAL_EXTENSION = "unsupported_critical_extension"
    """A certificate of the chain has a critical extension onestop does not process, so it
    must be rejected (RFC 5280 §4.2)."""
    REVOKED = "revoked"
    """A certificate of the chain was revoked before the validation time."""
    REVOCATION_UNKNOWN = "revocation_unknown"
    """Revocation checking was requested, but no usable CRL or OCSP answer was found."""
    NO_TRUST_ANCHORS = "no_trust_anchors"
    """No trust anchor was supplied, so trust could not be established."""
    WEAK_ALGORITHM = "weak_algorithm"
    """The signature uses a digest considered broken for signatures (MD5, SHA-1)."""
    TIMESTAMP_INVALID = "timestamp_invalid"
    """A signature timestamp token is present but does not verify or is not trusted."""
    INCOMPLETE_COVERAGE = "incomplete_coverage"
    """PDF only: the signature does not cover the whole revision it belongs to."""
    MODIFIED_AFTER_SIGNING = "modified_after_signing"
    """PDF only: later revisions change the document beyond form filling, annotations or
    further signatures."""
    DOCMDP_VIOLATION = "docmdp_violation"
    """PDF only: a certified document (or one whose signature field lock sets DocMDP
    permissions) was changed in a way the permission ``/P`` does not allow, or signed again
    after a certification that allows no changes (ISO 32000-1 §12.8.2.2)."""
    FORM_CHANGED_AFTER_SIGNING = "form_changed_after_signing"
    """PDF only: form fields were filled in or changed after an approval signature, and the
    verification did not allow form filling."""
    ANNOTATED_AFTER_SIGNING = "annotated_after_signing"
    """PDF only: annotations (comments, markup) were added, changed or removed after an
    approval signature, and the verification did not allow annotations."""


@attrs.frozen(slots=True)
class Problem:
    """One reason why a signature is not valid.

    Attributes:
        code: stable machine-readable reason.
        message: an explanation a developer can act on (never contains personal data).
        certificate: which certificate is at fault, e.g. ``"signer"``, ``"intermediate 1"``,
            ``"root"`` or ``"timestamp"``; ``None`` for problems of the signature itself.
    """

    code: ProblemCode
    message: str
    certificate: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """A JSON-ready form: ``{"code", "message", "certificate"}``."""
        return {"code": self.code.value, "message": self.message, "certificate": self.certificate}


class IdentifierKind(StrEnum):
    """Prefixes of identifiers that Vietnamese CAs put in the subject UID attribute.

    Vietnamese public CAs write ``MST:<tax code>``, ``CMND:<9/12-digit ID>``,
    ``CCCD:<12-digit citizen ID>`` and sometimes ``HC:<passport>`` or ``CMT:`` in the UID
    attribute (OID 0.9.2342.19200300.100.1.1); several UIDs may co-exist in one subject.
    """

    TAX_CODE = "MST"
    """Mã số thuế (Law on Tax Administration 38/2019/QH14): 10 digits or 10+3 branch form."""
    CITIZEN_ID = "CCCD"
    """Căn cước công dân / personal identification number, 12 digits (Law 26/2023/QH15)."""
    PEOPLE_ID = "CMND"
    """Chứng minh nhân dân, the legacy 9- or 12-digit identity card number."""
    PASSPORT = "HC"
    """Hộ chiếu (passport)."""
    OTHER = "OTHER"
    """Any other prefix, or a UID value without a recognised prefix."""


@attrs.frozen(slots=True)
class SubjectIdentifier:
    """An identifier read from a certificate subject's UID attribute.

    Its ``repr`` masks the value (``'0109****04'``) so that logging it leaks no ID number.

    Attributes:
        kind: the recognised prefix.
        prefix: the prefix as written in the certificate (e.g. ``"MST"``, ``"CCCD"``), or
            ``""`` when the value had none.
        value: the identifier without its prefix, as written (never normalised away).
        parsed: the value parsed into :class:`onestop.models.TaxCode`,
            :class:`onestop.models.CitizenId` or (9-digit ``CMND:``)
            :class:`onestop.models.LegacyId` when the value parses; ``None`` otherwise (the
            raw ``value`` is kept).
    """

    kind: IdentifierKind
    prefix: str
    value: str = attrs.field(repr=_masked_id)
    parsed: object | None = attrs.field(default=None, eq=False)

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form: ``{"kind", "prefix", "value"}``."""
        return {"kind": self.kind.value, "prefix": self.prefix, "value": self.value}


@attrs.frozen(slots=True)
class SignerIdentity:
    """Who a certificate identifies, as Vietnamese one-stop systems need it.

    Its ``repr`` (and so that of :class:`SignatureStatus`) hides the name and e-mail address
    and masks the identifiers, so that logging a status leaks no personal data; the attributes
    and :meth:`to_dict` hold the full values.

    Attributes:
        common_name: subject CN (person or organisation name).
        organization: subject O.
        organizational_unit: subject OU values.
        title: subject T (title), when present.
        locality: subject L.
        state: subject ST (province).
        country: subject C (``"VN"``).
        email: e-mail address from the subject or the subject alternative name.
        identifiers: every UID identifier (``MST:``, ``CCCD:``, ``CMND:``...) in subject order.
        issuer: the issuer's distinguished name (RFC 4514 string).
        serial_number: certificate serial number in upper-case hexadecimal.
        fingerprint_sha256: SHA-256 fingerprint of the certificate (lower-case hex).
        not_before: start of validity (UTC).
        not_after: end of validity (UTC).
    """

    common_name: str | None = attrs.field(repr=_hidden)
    organization: str | None
    organizational_unit: tuple[str, ...]
    title: str | None
    locality: str | None
    state: str | None
    country: str | None
    email: str | None = attrs.field(repr=_hidden)
    identifiers: tuple[SubjectIdentifier, ...]
    issuer: str
    serial_number: str
    fingerprint_sha256: str
    not_before: dt.datetime
    not_after: dt.datetime

    def _first(self, *kinds: IdentifierKind) -> str | None:
        for ident in self.identifiers:
            if ident.kind in kinds:
                return ident.value
        return None

    @property
    def tax_code(self) -> str | None:
        """The first ``MST:`` identifier (raw string), if any."""
        return self._first(IdentifierKind.TAX_CODE)

    @property
    def citizen_id(self) -> str | None:
        """The first ``CCCD:`` identifier, else the first ``CMND:`` one (raw), if any."""
        return self._first(IdentifierKind.CITIZEN_ID) or self._first(IdentifierKind.PEOPLE_ID)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form with stable keys (times in ISO 8601)."""
        return {
            "common_name": self.common_name,
            "organization": self.organization,
            "organizational_unit": list(self.organizational_unit),
            "title": self.title,
            "locality": self.locality,
            "state": self.state,
            "country": self.country,
            "email": self.email,
            "tax_code": self.tax_code,
            "citizen_id": self.citizen_id,
            "identifiers": [i.to_dict() for i in self.identifiers],
            "issuer": self.issuer,
            "serial_number": self.serial_number,
            "fingerprint_sha256": self.fingerprint_sha256,
            "not_before": self.not_before.isoformat(),
            "not_after": self.not_after.isoformat(),
        }


@attrs.frozen(slots=True)
class SignatureStatus:
    """The outcome of verifying one signature (CMS, signed record or PDF signature).

    Attributes:
        intact: the content matches the signed digest *and* the signature value verifies
            with the signer certificate's public key.
        trusted: the signer certificate chains to a supplied trust anchor, every certificate
            of the path is within its validity period at ``validated_at``, has the right usage
            and is not known to be revoked.
        signer: identity read from the signer certificate (``None`` when it was not found).
        signing_time: the time the signer *claims* (CMS signing-time attribute or PDF ``/M``),
            not proven; ``None`` when absent.
        timestamp_time: the time proven by a verified signature timestamp token (RFC 3161),
            when one is present and valid.
        validated_at: the time at which the certificate chain was checked.
        digest_algorithm: the message digest algorithm of the signature (e.g. ``"sha256"``).
        problems: every reason found, in the order checked; empty for a valid signature.
        chain: SHA-256 fingerprints of the validated path, signer first, anchor last (empty
            when no path was built).
        details: extra facts some verifiers add (e.g. PDF ``coverage`` and ``field_name``).
    """

    intact: bool
    trusted: bool
    signer: SignerIdentity | None
    signing_time: dt.datetime | None
    timestamp_time: dt.datetime | None
    validated_at: dt.datetime
    digest_algorithm: str
    problems: tuple[Problem, ...] = ()
    chain: tuple[str, ...] = ()
    details: tuple[tuple[str, str], ...] = ()

    @property
    def valid(self) -> bool:
        """``True`` only when intact, trusted and no problem was found."""
        return self.intact and self.trusted and not self.problems

    @property
    def revoked(self) -> bool:
        """Whether a certificate of the chain was found revoked."""
        return any(p.code is ProblemCode.REVOKED for p in self.problems)

    @property
    def problem_codes(self) -> tuple[ProblemCode, ...]:
        """The codes of :attr:`problems`, in order."""
        return tuple(p.code for p in self.problems)

    def summary(self) -> str:
        """A one-line English summary, e.g. ``"INVALID: tampered, expired"``."""
        if self.valid:
            return "VALID"
        codes = ", ".join(dict.fromkeys(c.value for c in self.problem_codes)) or "untrusted"
        return f"INVALID: {codes}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready form with stable keys: ``valid``, ``intact``, ``trusted``, ``signer``...."""
        return {
            "valid": self.valid,
            "intact": self.intact,
            "trusted": self.trusted,
            "signer": None if self.signer is None else self.signer.to_dict(),
            "signing_time": None if self.signing_time is None else self.signing_time.isoformat(),
            "timestamp_time": (
                None if self.timestamp_time is None else self.timestamp_time.isoformat()
            ),
            "validated_at": self.validated_at.isoformat(),
            "digest_algorithm": self.digest_algorithm,
            "problems": [p.to_dict() for p in self.problems],
            "chain": list(self.chain),
            "details": dict(self.details),
        }
