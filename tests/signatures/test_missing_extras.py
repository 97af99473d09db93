"""A missing optional dependency gives an install hint, not a bare ModuleNotFoundError."""

from __future__ import annotations

import subprocess
import sys

import pytest

from onestop.errors import ConfigurationError
from onestop.signatures import RemoteSigningClient, sign_pdf, verify_pdf
from onestop.testing import make_test_pdf


def test_pdf_functions_without_pyhanko(test_pki, monkeypatch):
    monkeypatch.setitem(sys.modules, "pyhanko.sign", None)
    s = test_pki.signer
    with pytest.raises(ConfigurationError, match=r"pip install 'onestop-vn\[pdf\]'") as info:
        sign_pdf(make_test_pdf(), certificate=s.certificate, key=s.key)
    assert info.value.field == "pdf"
    assert isinstance(info.value, ImportError) and info.value.name == "pyhanko"
    assert info.value.code == "missing_extra"
    with pytest.raises(ConfigurationError, match=r"onestop-vn\[pdf\]"):
        verify_pdf(make_test_pdf())


def test_remote_client_without_httpx(monkeypatch):
    monkeypatch.setitem(sys.modules, "httpx", None)
    with pytest.raises(ConfigurationError, match=r"pip install 'onestop-vn\[http\]'") as info:
        RemoteSigningClient(base_url="https://ca.invalid/api", sp_id="a", sp_password="b")
    assert info.value.field == "http"


def test_lazy_names_without_cryptography():
    """In a fresh interpreter (the names are cached once loaded) with cryptography hidden."""
    code = (
        "import sys; sys.modules['cryptography'] = None\n"
        "import onestop.signatures as s\n"
        "from onestop.errors import ConfigurationError\n"
        "try:\n"
        "    from onestop.signatures import sign_bytes\n"
        "except ImportError as exc:\n"  # what `try: import ... except ImportError` code sees
        "    assert isinstance(exc, ConfigurationError)\n"
        "    print(exc.field, '|', exc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    out = done.stdout.decode()
    assert out.startswith("signatures |")
    assert "pip install 'onestop-vn[signatures]'" in out
