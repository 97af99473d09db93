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

from onestop._lazy import lazy_names

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
