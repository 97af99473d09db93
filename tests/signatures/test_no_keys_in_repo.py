"""No private key is committed anywhere in the repository (issue 5, item 7).

Test keys are generated in memory by ``onestop.testing.build_test_pki``; this scans every file
git tracks for a PEM private-key block that actually loads, and for key-store file types.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

ROOT = Path(__file__).resolve().parents[2]
PEM_KEY = re.compile(
    rb"-----BEGIN ((?:RSA |EC |DSA |OPENSSH |ENCRYPTED )?PRIVATE KEY)-----"
    rb"(.*?)-----END \1-----",
    re.DOTALL,
)
KEYSTORE_SUFFIXES = {".p12", ".pfx", ".jks", ".keystore", ".key"}


def _tracked_files() -> list[Path]:
    git = shutil.which("git")
    if git is None or not (ROOT / ".git").exists():
        pytest.skip("not a git checkout")
    listing = subprocess.run(
        [git, "-C", str(ROOT), "ls-files", "-z"], capture_output=True, check=True
    ).stdout
    return [ROOT / name.decode() for name in listing.split(b"\0") if name]


def _loads(block: bytes, kind: bytes) -> bool:
    if kind == b"ENCRYPTED PRIVATE KEY":
        # Cannot be opened without the password; a long base64 body is a real key.
        return len(b"".join(block.split())) > 200
    try:
        serialization.load_pem_private_key(block, password=None)
    except (ValueError, TypeError):
        return False
    return True


def test_the_scanner_finds_a_real_key():
    from cryptography.hazmat.primitives.asymmetric import ec

    pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    match = PEM_KEY.search(b"junk\n" + pem + b"junk")
    assert match is not None and _loads(match.group(0), match.group(1))
    fake = b"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"
    match = PEM_KEY.search(fake)
    assert match is not None and not _loads(match.group(0), match.group(1))


def test_no_private_key_is_committed():
    offenders = []
    for path in _tracked_files():
        if not path.is_file():
            continue  # deleted in the working tree
        if path.suffix.lower() in KEYSTORE_SUFFIXES:
            offenders.append(f"{path.relative_to(ROOT)} (key store file type)")
            continue
        data = path.read_bytes()
        for match in PEM_KEY.finditer(data):
            if _loads(match.group(0), match.group(1)):
                offenders.append(f"{path.relative_to(ROOT)} ({match.group(1).decode()})")
    assert offenders == []
