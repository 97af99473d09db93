"""Optional dependencies load only when a signature feature is used."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest


def _loaded(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return {m.split(".")[0] for m in json.loads(out.strip().splitlines()[-1])}


@pytest.mark.parametrize(
    ("code", "absent"),
    [
        ("import onestop.signatures", {"cryptography", "asn1crypto", "pyhanko", "httpx"}),
        ("from onestop.signatures import SignatureStatus, ProblemCode", {"cryptography", "httpx"}),
        ("import onestop.signatures.pdf", {"pyhanko", "httpx"}),
        ("import onestop.signatures.remote", {"httpx", "pyhanko"}),
        ("from onestop.testing import build_test_pki", {"pyhanko", "httpx"}),
    ],
)
def test_lazy(code, absent):
    assert _loaded(code) & absent == set()
