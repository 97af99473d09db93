"""Cost of onestop's signature operations against the primitives and tools they build on.

Anchors, measured in the same run on the same throwaway PKI (EC P-256 and RSA 2048):

* CMS sign: the bare ``cryptography`` signature of one SHA-256 digest (the floor), and
  ``openssl cms -sign`` as a process (what a shell script would do);
* CMS verify: the bare ``cryptography`` verification of one signature, and
  ``openssl cms -verify``;
* PDF: ``verify_pdf`` against pyHanko's own ``validate_pdf_signature`` on the same file, and
  ``sign_pdf`` against pyHanko's ``signers.sign_pdf`` with a ``SimpleSigner``.

Each figure is the median of REPEATS runs of a batch; the table reports milliseconds per
operation and the ratio to the anchor. Run: ``python3 benchmarks/bench_signatures.py``
"""

from __future__ import annotations

import shutil
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable
from io import BytesIO
from pathlib import Path

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from onestop.signatures import sign_bytes, verify_bytes
from onestop.signatures.pdf import sign_pdf, verify_pdf
from onestop.testing import build_test_pki, make_test_pdf

REPEATS = 5
BATCH = 50
DOC = b"Ket qua giai quyet thu tuc hanh chinh\n" * 2000  # ~76 kB


def _median_ms(func: Callable[[], object], batch: int = BATCH) -> float:
    runs = []
    for _ in range(REPEATS):
        start = time.perf_counter()
        for _ in range(batch):
            func()
        runs.append((time.perf_counter() - start) / batch * 1000)
    return statistics.median(runs)


Row = tuple[str, str, float, str, float]


def _rows_for(key_type: str, openssl: str | None) -> list[Row]:
    rows: list[Row] = []
    pki = build_test_pki(key_type=key_type)
    s = pki.signer
    trust = pki.trust_store()
    data_sig = s.key.sign(
        DOC,
        *(
            (padding.PKCS1v15(), hashes.SHA256())
            if isinstance(s.key, rsa.RSAPrivateKey)
            else (ec.ECDSA(hashes.SHA256()),)
        ),
    )
    public = s.key.public_key()

    def raw_sign(key=s.key) -> bytes:
        if isinstance(key, rsa.RSAPrivateKey):
            return key.sign(DOC, padding.PKCS1v15(), hashes.SHA256())
        return key.sign(DOC, ec.ECDSA(hashes.SHA256()))

    def raw_verify(public=public, data_sig=data_sig) -> None:
        if isinstance(public, rsa.RSAPublicKey):
            public.verify(data_sig, DOC, padding.PKCS1v15(), hashes.SHA256())
        else:
            public.verify(data_sig, DOC, ec.ECDSA(hashes.SHA256()))

    cms = sign_bytes(DOC, certificate=s.certificate, key=s.key, chain=s.chain)
    t_sign = _median_ms(
        lambda: sign_bytes(DOC, certificate=s.certificate, key=s.key, chain=s.chain)
    )
    t_raw_sign = _median_ms(raw_sign)
    t_verify = _median_ms(lambda: verify_bytes(DOC, cms, trust=trust))
    t_raw_verify = _median_ms(raw_verify)
    rows.append((key_type, "CMS sign (sign_bytes)", t_sign, "cryptography raw sign", t_raw_sign))
    rows.append(
        (
            key_type,
            "CMS verify (verify_bytes)",
            t_verify,
            "cryptography raw verify",
            t_raw_verify,
        )
    )
    if openssl:
        with tempfile.TemporaryDirectory() as tmp:
            paths = pki.write(tmp)
            doc = Path(tmp) / "doc.bin"
            doc.write_bytes(DOC)
            sig = Path(tmp) / "doc.p7s"
            sig.write_bytes(cms)
            sign_cmd = [
                openssl,
                "cms",
                "-sign",
                "-binary",
                "-outform",
                "DER",
                "-in",
                str(doc),
                "-signer",
                str(paths["signer"]),
                "-inkey",
                str(paths["signer.key"]),
                "-certfile",
                str(paths["signer.chain"]),
                "-out",
                str(Path(tmp) / "o.p7s"),
            ]
            verify_cmd = [
                openssl,
                "cms",
                "-verify",
                "-binary",
                "-inform",
                "DER",
                "-in",
                str(sig),
                "-content",
                str(doc),
                "-CAfile",
                str(paths["trust"]),
                "-out",
                "/dev/null",
            ]
            t_os = _median_ms(lambda: subprocess.run(sign_cmd, check=True, capture_output=True), 10)
            t_ov = _median_ms(
                lambda: subprocess.run(verify_cmd, check=True, capture_output=True), 10
            )
            rows.append(
                (key_type, "CMS sign (sign_bytes)", t_sign, "openssl cms -sign (process)", t_os)
            )
            rows.append(
                (
                    key_type,
                    "CMS verify (verify_bytes)",
                    t_verify,
                    "openssl cms -verify (process)",
                    t_ov,
                )
            )
    pdf = make_test_pdf(pages=3)
    signed = sign_pdf(pdf, certificate=s.certificate, key=s.key, chain=s.chain)
    roots = [asn1_x509.Certificate.load(pki.root.certificate.to_der())]

    def pyhanko_validate(signed=signed, roots=roots) -> None:
        reader = PdfFileReader(BytesIO(signed))
        validate_pdf_signature(reader.embedded_signatures[0], ValidationContext(trust_roots=roots))

    t_pdf_sign = _median_ms(
        lambda: sign_pdf(pdf, certificate=s.certificate, key=s.key, chain=s.chain), 10
    )
    t_pdf_verify = _median_ms(lambda: verify_pdf(signed, trust=trust), 10)
    t_pyhanko = _median_ms(pyhanko_validate, 10)
    simple = signers.SimpleSigner(
        signing_cert=asn1_x509.Certificate.load(s.certificate.to_der()),
        signing_key=asn1_keys.PrivateKeyInfo.load(
            s.key.private_bytes(
                serialization.Encoding.DER,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        ),
        cert_registry=SimpleCertificateStore.from_certs(
            [asn1_x509.Certificate.load(c.to_der()) for c in s.chain]
        ),
    )
    meta = signers.PdfSignatureMetadata(field_name="Signature1", md_algorithm="sha256")

    def pyhanko_sign() -> None:
        signers.sign_pdf(IncrementalPdfFileWriter(BytesIO(pdf)), meta, signer=simple)

    t_pyhanko_sign = _median_ms(pyhanko_sign, 10)
    rows.append(
        (
            key_type,
            "PDF verify (verify_pdf)",
            t_pdf_verify,
            "pyHanko validate_pdf_signature",
            t_pyhanko,
        )
    )
    rows.append(
        (
            key_type,
            "PDF sign (sign_pdf)",
            t_pdf_sign,
            "pyHanko signers.sign_pdf",
            t_pyhanko_sign,
        )
    )

    return rows


def main() -> None:
    openssl = shutil.which("openssl")
    rows = [row for key_type in ("ec", "rsa") for row in _rows_for(key_type, openssl)]
    print(f"{'key':4} {'operation':28} {'ms/op':>8}   {'anchor':32} {'ms/op':>8} {'ratio':>6}")
    for key_type, name, ours, anchor, theirs in rows:
        print(
            f"{key_type:4} {name:28} {ours:8.3f}   {anchor:32} {theirs:8.3f} {ours / theirs:6.2f}"
        )


if __name__ == "__main__":
    main()
