"""Digital signatures with Vietnamese certificates: CMS (PKCS#7), PAdES, trust chains.

Importing this package is cheap: the names below load on first use, so ``cryptography``,
``asn1crypto``, ``pyhanko`` and ``httpx`` are imported only by the modules that need them:

* :mod:`onestop.signatures.status`: :class:`SignatureStatus`, :class:`Problem`... (no crypto);
* :mod:`onestop.signatures.certificates`: load PEM/DER/PKCS#12, Vietnamese subject fields;
* :mod:`onestop.signatures.trust`: chain validation, CRL/OCSP revocation;
* :mod:`onestop.signatures.cms`: detached CMS signatures over bytes and files;
* :mod:`onestop.signatures.pdf`: PAdES signing and verification (``pdf`` extra, pyHanko);
* :mod:`onestop.signatures.records`: signed canonical-JSON records;
* :mod:`onestop.signatures.remote`: NEAC-style remote signing client (``http`` extra);
* :mod:`onestop.signatures.timestamps`: RFC 3161 timestamp client (``http`` extra).
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING

from onestop._lazy import lazy_names

if TYPE_CHECKING:  # the names as mypy and IDEs see them; at run time they load lazily
    from onestop.signatures.certificates import Certificate as Certificate
    from onestop.signatures.certificates import DistinguishedName as DistinguishedName
    from onestop.signatures.certificates import KeyAndCertificates as KeyAndCertificates
    from onestop.signatures.certificates import load_certificate as load_certificate
    from onestop.signatures.certificates import load_certificates as load_certificates
    from onestop.signatures.certificates import load_pkcs12 as load_pkcs12
    from onestop.signatures.certificates import load_private_key as load_private_key
    from onestop.signatures.certificates import parse_identifier as parse_identifier
    from onestop.signatures.certificates import read_certificates as read_certificates
    from onestop.signatures.certificates import read_private_key as read_private_key
    from onestop.signatures.cms import HashSigner as HashSigner
    from onestop.signatures.cms import PreparedSignature as PreparedSignature
    from onestop.signatures.cms import Timestamper as Timestamper
    from onestop.signatures.cms import key_signer as key_signer
    from onestop.signatures.cms import prepare_signature as prepare_signature
    from onestop.signatures.cms import sign_bytes as sign_bytes
    from onestop.signatures.cms import sign_digest as sign_digest
    from onestop.signatures.cms import sign_file as sign_file
    from onestop.signatures.cms import verify_bytes as verify_bytes
    from onestop.signatures.cms import verify_digest as verify_digest
    from onestop.signatures.cms import verify_file as verify_file
    from onestop.signatures.pdf import PreparedPdf as PreparedPdf
    from onestop.signatures.pdf import VisibleStamp as VisibleStamp
    from onestop.signatures.pdf import prepare_pdf_signature as prepare_pdf_signature
    from onestop.signatures.pdf import sign_pdf as sign_pdf
    from onestop.signatures.pdf import verify_pdf as verify_pdf
    from onestop.signatures.records import SignedRecord as SignedRecord
    from onestop.signatures.records import canonical_json as canonical_json
    from onestop.signatures.records import sign_record as sign_record
    from onestop.signatures.records import verify_record as verify_record
    from onestop.signatures.remote import AsyncRemoteSigningClient as AsyncRemoteSigningClient
    from onestop.signatures.remote import RemoteCertificate as RemoteCertificate
    from onestop.signatures.remote import RemoteSigningClient as RemoteSigningClient
    from onestop.signatures.status import IdentifierKind as IdentifierKind
    from onestop.signatures.status import Problem as Problem
    from onestop.signatures.status import ProblemCode as ProblemCode
    from onestop.signatures.status import SignatureStatus as SignatureStatus
    from onestop.signatures.status import SignerIdentity as SignerIdentity
    from onestop.signatures.status import SubjectIdentifier as SubjectIdentifier
    from onestop.signatures.timestamps import http_timestamper as http_timestamper
    from onestop.signatures.trust import ChainValidation as ChainValidation
    from onestop.signatures.trust import CrlFetcher as CrlFetcher
    from onestop.signatures.trust import OcspFetcher as OcspFetcher
    from onestop.signatures.trust import RevocationPolicy as RevocationPolicy
    from onestop.signatures.trust import TrustStore as TrustStore
    from onestop.signatures.trust import http_crl_fetcher as http_crl_fetcher
    from onestop.signatures.trust import http_ocsp_fetcher as http_ocsp_fetcher
    from onestop.signatures.trust import validate_chain as validate_chain

#: Public name -> module that defines it (loaded lazily).
_LAZY: dict[str, str] = {
    "AsyncRemoteSigningClient": "onestop.signatures.remote",
    "Certificate": "onestop.signatures.certificates",
    "ChainValidation": "onestop.signatures.trust",
    "CrlFetcher": "onestop.signatures.trust",
    "DistinguishedName": "onestop.signatures.certificates",
    "HashSigner": "onestop.signatures.cms",
    "IdentifierKind": "onestop.signatures.status",
    "KeyAndCertificates": "onestop.signatures.certificates",
    "OcspFetcher": "onestop.signatures.trust",
    "PreparedSignature": "onestop.signatures.cms",
    "Problem": "onestop.signatures.status",
    "PreparedPdf": "onestop.signatures.pdf",
    "ProblemCode": "onestop.signatures.status",
    "RemoteCertificate": "onestop.signatures.remote",
    "RemoteSigningClient": "onestop.signatures.remote",
    "RevocationPolicy": "onestop.signatures.trust",
    "SignatureStatus": "onestop.signatures.status",
    "SignedRecord": "onestop.signatures.records",
    "SignerIdentity": "onestop.signatures.status",
    "SubjectIdentifier": "onestop.signatures.status",
    "Timestamper": "onestop.signatures.cms",
    "TrustStore": "onestop.signatures.trust",
    "VisibleStamp": "onestop.signatures.pdf",
    "canonical_json": "onestop.signatures.records",
    "http_crl_fetcher": "onestop.signatures.trust",
    "http_ocsp_fetcher": "onestop.signatures.trust",
    "http_timestamper": "onestop.signatures.timestamps",
    "key_signer": "onestop.signatures.cms",
    "load_certificate": "onestop.signatures.certificates",
    "load_certificates": "onestop.signatures.certificates",
    "load_pkcs12": "onestop.signatures.certificates",
    "load_private_key": "onestop.signatures.certificates",
    "parse_identifier": "onestop.signatures.certificates",
    "prepare_pdf_signature": "onestop.signatures.pdf",
    "prepare_signature": "onestop.signatures.cms",
    "read_certificates": "onestop.signatures.certificates",
    "read_private_key": "onestop.signatures.certificates",
    "sign_bytes": "onestop.signatures.cms",
    "sign_digest": "onestop.signatures.cms",
    "sign_file": "onestop.signatures.cms",
    "sign_pdf": "onestop.signatures.pdf",
    "sign_record": "onestop.signatures.records",
    "validate_chain": "onestop.signatures.trust",
    "verify_bytes": "onestop.signatures.cms",
    "verify_digest": "onestop.signatures.cms",
    "verify_file": "onestop.signatures.cms",
    "verify_pdf": "onestop.signatures.pdf",
    "verify_record": "onestop.signatures.records",
}

__all__ = sorted(_LAZY)


def _load(module: str, name: str) -> ModuleType:
    # A missing optional dependency (extra) becomes a MissingExtraError with the install hint.
    from onestop.signatures._extras import require

    return require(module, feature=f"onestop.signatures.{name}")


__getattr__, __dir__ = lazy_names(__name__, _LAZY, load=_load)
