"""RFC 5280 path checks besides validity, signatures and usages: names, critical extensions.

* **Name constraints** (RFC 5280 §4.2.1.10, processed as in §6.1.3 (b)-(c) and §6.1.4 (g)):
  a CA's nameConstraints restrict the names of every certificate below it. Checked for the
  name forms ``directoryName`` (the subject, when not empty, and directory names in the
  subject alternative name), ``rfc822Name`` (e-mail addresses in the subject alternative name
  and, as §4.2.1.10 requires for legacy certificates, ``emailAddress`` attributes of the
  subject), ``dNSName``, ``uniformResourceIdentifier`` (its host) and ``iPAddress``. A name
  of another form (``otherName``, ``registeredID``...) that a CA constrains cannot be
  checked, so the certificate is rejected, as §4.2.1.10 requires of an application that does
  not process a constrained form. Self-issued CA certificates are exempt (§6.1.3 (b)), the end
  certificate never is. The trust anchor's own nameConstraints, when present, apply too.
* **Critical extensions** (RFC 5280 §4.2): a certificate carrying a critical extension the
  validator does not process must be rejected. :data:`PROCESSED_EXTENSIONS` lists those onestop
  understands.

(Internal module of :mod:`onestop.signatures.trust`.)
"""

from __future__ import annotations

import ipaddress
import unicodedata
from collections.abc import Iterator, Sequence
from urllib.parse import urlsplit

import attrs
from cryptography import x509
from cryptography.x509.oid import ExtensionOID, NameOID

from onestop.errors import CertificateError
from onestop.signatures.certificates import Certificate
from onestop.signatures.status import Problem, ProblemCode

__all__ = [
    "PROCESSED_EXTENSIONS",
    "ca_name",
    "critical_extension_problems",
    "name_constraint_problems",
    "name_within",
    "path_label",
]

#: Extensions whose content onestop processes, or which carry nothing that could make a path
#: invalid under the validation inputs onestop uses (any certificate policy acceptable, no
#: explicit policy required, policy mapping allowed: RFC 5280 §6.1.1 (c)-(f) defaults).
#: A certificate with any other extension marked critical is not trusted (RFC 5280 §4.2).
PROCESSED_EXTENSIONS: frozenset[str] = frozenset(
    oid.dotted_string
    for oid in (
        ExtensionOID.BASIC_CONSTRAINTS,
        ExtensionOID.KEY_USAGE,
        ExtensionOID.EXTENDED_KEY_USAGE,
        ExtensionOID.NAME_CONSTRAINTS,
        ExtensionOID.SUBJECT_ALTERNATIVE_NAME,
        ExtensionOID.ISSUER_ALTERNATIVE_NAME,
        ExtensionOID.SUBJECT_KEY_IDENTIFIER,
        ExtensionOID.AUTHORITY_KEY_IDENTIFIER,
        ExtensionOID.CERTIFICATE_POLICIES,
        ExtensionOID.POLICY_MAPPINGS,
        ExtensionOID.INHIBIT_ANY_POLICY,
        ExtensionOID.POLICY_CONSTRAINTS,
        ExtensionOID.CRL_DISTRIBUTION_POINTS,
        ExtensionOID.FRESHEST_CRL,
        ExtensionOID.AUTHORITY_INFORMATION_ACCESS,
        ExtensionOID.SUBJECT_INFORMATION_ACCESS,
        ExtensionOID.OCSP_NO_CHECK,
    )
)

#: Readable names of the general name forms (RFC 5280 §4.2.1.6).
_FORMS: dict[type[x509.GeneralName], str] = {
    x509.DirectoryName: "directoryName",
    x509.RFC822Name: "rfc822Name",
    x509.DNSName: "dNSName",
    x509.UniformResourceIdentifier: "uniformResourceIdentifier",
    x509.IPAddress: "iPAddress",
    x509.RegisteredID: "registeredID",
    x509.OtherName: "otherName",
}


def path_label(index: int, path_len: int, *, anchor: bool) -> str:
    """How problems name a certificate of the path: ``signer``, ``intermediate 1``, ``root``..."""
    if index == 0:
        return "signer"
    if anchor or index == path_len - 1:
        return "root" if anchor else f"issuer {index}"
    return f"intermediate {index}"


def ca_name(cert: Certificate) -> str:
    """How messages name an issuer: a CA by its CN; anything else by serial number only.

    An end-entity certificate found where an issuer should be (a self-signed personal
    certificate, a forged chain) names a person, and messages never carry personal data.
    """
    try:
        is_ca = cert.is_ca
    except CertificateError:
        is_ca = False
    if not is_ca:
        return f"serial {cert.serial_hex} (not a CA)"
    return cert.subject.common_name or cert.subject.rfc4514 or "(no name)"


def _who(cert: Certificate, label: str) -> str:
    """How a problem message names the certificate at ``label``."""
    if label == "signer":
        return "the signer's certificate"
    if label == "timestamp":
        return "the timestamp authority's certificate"
    return f"CA '{ca_name(cert)}'"


# -- critical extensions ---------------------------------------------------------------------


def critical_extension_problems(
    path: Sequence[Certificate], labels: Sequence[str]
) -> list[Problem]:
    """A problem for each certificate of ``path`` with a critical extension onestop ignores.

    Raises:
        CertificateError: when a certificate's extensions cannot be decoded.
    """
    problems: list[Problem] = []
    for cert, label in zip(path, labels, strict=True):
        unknown = sorted(cert.critical_extensions - PROCESSED_EXTENSIONS)
        who = _who(cert, label)
        if unknown:
            problems.append(
                Problem(
                    ProblemCode.UNSUPPORTED_CRITICAL_EXTENSION,
                    f"{who} has critical extension(s) {', '.join(unknown)} that onestop does "
                    "not process; RFC 5280 §4.2 requires rejecting such a certificate",
                    label,
                )
            )
        constraints = cert.policy_constraints
        if (
            constraints is not None
            and constraints.require_explicit_policy is not None
            and ExtensionOID.POLICY_CONSTRAINTS.dotted_string in cert.critical_extensions
        ):
            problems.append(
                Problem(
                    ProblemCode.UNSUPPORTED_CRITICAL_EXTENSION,
                    f"{who} requires explicit certificate policies (policyConstraints "
                    "requireExplicitPolicy), which onestop does not evaluate",
                    label,
                )
            )
    return problems


# -- name constraints ------------------------------------------------------------------------


def _prep(value: str | bytes) -> str | bytes:
    """Attribute value comparison form: RFC 4518 string preparation, simplified.

    NFKC, case folding and insignificant space handling (leading and trailing spaces dropped,
    inner runs of spaces collapsed), which is what RFC 5280 §7.1 asks for when comparing
    distinguished names.
    """
    if isinstance(value, bytes):
        return value
    return " ".join(unicodedata.normalize("NFKC", value).casefold().split())


def _rdns(name: x509.Name) -> list[frozenset[tuple[str, str | bytes]]]:
    return [frozenset((a.oid.dotted_string, _prep(a.value)) for a in rdn) for rdn in name.rdns]


def _host_within(host: str, base: str, *, bare_domain: bool) -> bool:
    """Whether ``host`` is inside ``base`` (``.example.vn``: any host below it).

    ``bare_domain``: a base without a leading dot also covers the hosts below it (dNSName
    rules); otherwise it names exactly one host (rfc822Name and URI rules).
    """
    host = host.rstrip(".").lower()
    base = base.rstrip(".").lower()
    if not base:
        return True
    if base.startswith("."):
        return host.endswith(base)
    return host == base or (bare_domain and host.endswith("." + base))


def _email_within(address: str, base: str) -> bool | None:
    local, at, host = address.rpartition("@")
    if not at or not local or not host:
        return None  # not a mailbox: cannot be compared
    if "@" in base:  # a particular mailbox: local part exact, host case-insensitive
        base_local, _, base_host = base.rpartition("@")
        return local == base_local and host.lower() == base_host.lower()
    return _host_within(host, base, bare_domain=False)


def _uri_within(uri: str, base: str) -> bool | None:
    try:
        host = urlsplit(uri).hostname
    except ValueError:
        return None
    if not host:
        return None  # no authority: RFC 5280 §4.2.1.10 says reject
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return _host_within(host, base, bare_domain=False)
    return None  # an IP literal where a host name is constrained: reject


def name_within(name: x509.GeneralName, base: x509.GeneralName) -> bool | None:
    """Whether ``name`` lies in the subtree ``base`` (RFC 5280 §4.2.1.10 matching rules).

    Returns:
        ``True`` or ``False``; ``None`` when the two cannot be compared (different forms, a
        form onestop does not compare, or a name that does not parse), which callers treat
        as a violation of both permitted and excluded subtrees.
    """
    if type(name) is not type(base):
        return None
    return _within(type(name), name.value, base)


def _within(form: type[x509.GeneralName], value: object, base: x509.GeneralName) -> bool | None:
    if not isinstance(base, form):
        return None
    if isinstance(base, x509.DirectoryName) and isinstance(value, x509.Name):
        have, prefix = _rdns(value), _rdns(base.value)
        return have[: len(prefix)] == prefix
    if not isinstance(value, str):
        if isinstance(base, x509.IPAddress) and isinstance(
            value, ipaddress.IPv4Address | ipaddress.IPv6Address
        ):
            network = base.value
            if not isinstance(network, ipaddress.IPv4Network | ipaddress.IPv6Network):
                return None
            return value.version == network.version and value in network
        return None
    if isinstance(base, x509.DNSName):
        return _host_within(value, base.value, bare_domain=True)
    if isinstance(base, x509.RFC822Name):
        return _email_within(value, base.value)
    if isinstance(base, x509.UniformResourceIdentifier):
        return _uri_within(value, base.value)
    return None  # otherName, registeredID: no comparison rule onestop implements


@attrs.frozen(slots=True)
class _Name:
    """One name of a certificate: its form, its value, and what messages call it."""

    form: type[x509.GeneralName]
    value: object
    what: str


def _names(cert: Certificate) -> Iterator[_Name]:
    """The names of ``cert`` that name constraints apply to (RFC 5280 §4.2.1.10)."""
    subject = cert.x509.subject
    if len(subject.rdns) > 0:
        yield _Name(x509.DirectoryName, subject, "subject name")
    for attribute in subject.get_attributes_for_oid(NameOID.EMAIL_ADDRESS):
        yield _Name(x509.RFC822Name, attribute.value, "subject emailAddress")
    for name in cert.subject_alt_names:
        form = _FORMS.get(type(name), type(name).__name__)
        yield _Name(type(name), name.value, f"{form} (subject alternative name)")


def _describe(base: x509.GeneralName) -> str:
    if isinstance(base, x509.DirectoryName):
        return base.value.rfc4514_string() or "(empty name)"
    return str(base.value)


def name_constraint_problems(path: Sequence[Certificate], labels: Sequence[str]) -> list[Problem]:
    """Check every certificate of ``path`` (end certificate first) against the constraints above it.

    Raises:
        CertificateError: when an extension of a certificate cannot be decoded.
    """
    problems: list[Problem] = []
    permitted: list[tuple[Certificate, list[x509.GeneralName]]] = []
    excluded: list[tuple[Certificate, x509.GeneralName]] = []
    top = len(path) - 1
    for index in range(top, -1, -1):  # from the anchor down to the end certificate
        cert = path[index]
        if index < top and (index == 0 or not cert.is_self_issued):
            problems.extend(_violations(cert, labels[index], permitted, excluded))
        if index > 0:
            constraints = cert.name_constraints
            if constraints is not None:
                if constraints.permitted_subtrees:
                    permitted.append((cert, list(constraints.permitted_subtrees)))
                for base in constraints.excluded_subtrees or ():
                    excluded.append((cert, base))
    return problems


def _violations(
    cert: Certificate,
    label: str,
    permitted: Sequence[tuple[Certificate, list[x509.GeneralName]]],
    excluded: Sequence[tuple[Certificate, x509.GeneralName]],
) -> list[Problem]:
    who = _who(cert, label)
    found: dict[tuple[str, str, str], Problem] = {}
    for name in _names(cert):
        what = name.what
        for ca, subtrees in permitted:
            same = [base for base in subtrees if isinstance(base, name.form)]
            if same and not any(_within(name.form, name.value, base) is True for base in same):
                key = ("permitted", ca.fingerprint_sha256, what)
                found.setdefault(
                    key,
                    Problem(
                        ProblemCode.NAME_CONSTRAINTS_VIOLATED,
                        f"{who}: its {what} is outside the subtrees that CA '{ca_name(ca)}' "
                        f"permits ({'; '.join(_describe(b) for b in same)})",
                        label,
                    ),
                )
        for ca, base in excluded:
            if isinstance(base, name.form) and _within(name.form, name.value, base) is not False:
                key = ("excluded", ca.fingerprint_sha256, what)
                found.setdefault(
                    key,
                    Problem(
                        ProblemCode.NAME_CONSTRAINTS_VIOLATED,
                        f"{who}: its {what} is inside the subtree {_describe(base)!r} that "
                        f"CA '{ca_name(ca)}' excludes",
                        label,
                    ),
                )
    return list(found.values())
