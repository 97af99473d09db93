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

from onestop._lazy import attach_stub
from onestop.signatures._extras import import_quietly

# The public names are declared once, in __init__.pyi; they load on first use.
__getattr__, __dir__ = attach_stub(__name__, __file__, importer=import_quietly)
