"""OpenSSL interoperability, both directions (``openssl cms -sign`` / ``-verify``)."""

from __future__ import annotations

import hashlib
import shutil
import subprocess

import pytest
from asn1crypto import cms as asn1_cms

from onestop.signatures import ProblemCode, sign_file, verify_bytes, verify_file

OPENSSL = shutil.which("openssl")
pytestmark = pytest.mark.skipif(OPENSSL is None, reason="the openssl binary is not installed")

DOC = "Quyết định số 42/QĐ-UBND về việc cấp giấy phép\n".encode() * 100


@pytest.fixture(scope="module", params=["ec", "rsa"])
def setup(request, test_pki, test_pki_rsa, tmp_path_factory):
    pki = test_pki if request.param == "ec" else test_pki_rsa
    base = tmp_path_factory.mktemp(f"openssl-{request.param}")
    paths = pki.write(base)
    doc = base / "doc.bin"
    doc.write_bytes(DOC)
    return pki, paths, doc


def _openssl(*args):
    return subprocess.run([OPENSSL, *args], capture_output=True, check=False)


@pytest.mark.parametrize("extra", [[], ["-noattr"]])
def test_openssl_signs_onestop_verifies(setup, extra):
    pki, paths, doc = setup
    sig = doc.with_suffix(".openssl.p7s")
    done = _openssl(
        "cms",
        "-sign",
        "-binary",
        "-outform",
        "DER",
        "-md",
        "sha256",
        "-in",
        str(doc),
        "-signer",
        str(paths["signer"]),
        "-inkey",
        str(paths["signer.key"]),
        "-certfile",
        str(paths["signer.chain"]),
        "-out",
        str(sig),
        *extra,
    )
    assert done.returncode == 0, done.stderr.decode()
    status = verify_file(doc, sig.read_bytes(), trust=pki.trust_store())
    assert status.valid, status.problems
    assert status.signer.tax_code == "0109999904"
    if not extra:
        assert status.signing_time is not None
    tampered = verify_bytes(DOC + b"x", sig.read_bytes(), trust=pki.trust_store())
    assert not tampered.valid
    assert (
        ProblemCode.TAMPERED in tampered.problem_codes
        or ProblemCode.BAD_SIGNATURE in tampered.problem_codes
    )


def test_onestop_signs_openssl_verifies(setup):
    pki, paths, doc = setup
    sig = doc.with_suffix(".onestop.p7s")
    s = pki.signer
    sig.write_bytes(sign_file(doc, certificate=s.certificate, key=s.key, chain=s.chain))
    done = _openssl(
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
    )
    assert done.returncode == 0, done.stderr.decode()
    assert b"Verification successful" in done.stderr
    # OpenSSL agrees that a changed document fails.
    changed = doc.with_suffix(".changed")
    changed.write_bytes(DOC + b"x")
    done = _openssl(
        "cms",
        "-verify",
        "-binary",
        "-inform",
        "DER",
        "-in",
        str(sig),
        "-content",
        str(changed),
        "-CAfile",
        str(paths["trust"]),
        "-out",
        "/dev/null",
    )
    assert done.returncode != 0


def test_openssl_rejects_untrusted_like_onestop(setup):
    pki, paths, doc = setup
    sig = doc.with_suffix(".stranger.p7s")
    s = pki.stranger
    sig.write_bytes(sign_file(doc, certificate=s.certificate, key=s.key, chain=s.chain))
    done = _openssl(
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
    )
    assert done.returncode != 0
    status = verify_file(doc, sig.read_bytes(), trust=pki.trust_store())
    assert status.intact and ProblemCode.UNTRUSTED_ROOT in status.problem_codes


def test_openssl_reads_timestamped_signature(setup):
    pki, paths, doc = setup
    sig = doc.with_suffix(".ts.p7s")
    s = pki.signer
    sig.write_bytes(
        sign_file(
            doc, certificate=s.certificate, key=s.key, chain=s.chain, timestamper=pki.timestamper()
        )
    )
    done = _openssl(
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
    )
    assert done.returncode == 0, done.stderr.decode()
    assert verify_file(doc, sig.read_bytes(), trust=pki.trust_store()).timestamp_time is not None
    # OpenSSL's RFC 3161 verifier accepts the token from onestop's local test TSA.
    si = asn1_cms.ContentInfo.load(sig.read_bytes())["content"]["signer_infos"][0]
    token = si["unsigned_attrs"][0]["values"][0].dump()
    token_path = doc.with_suffix(".tsr")
    token_path.write_bytes(token)
    imprint = hashlib.sha256(si["signature"].native).hexdigest()
    done = _openssl(
        "ts",
        "-verify",
        "-digest",
        imprint,
        "-token_in",
        "-in",
        str(token_path),
        "-CAfile",
        str(paths["trust"]),
        "-untrusted",
        str(paths["tsa.chain"]),
    )
    assert done.returncode == 0, done.stderr.decode() + done.stdout.decode()
    assert b"Verification: OK" in done.stdout
