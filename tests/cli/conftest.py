"""Fixtures for command-line tests: the fully registered app, a runner, a served fake portal."""

from __future__ import annotations

import json
import select
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from onestop.cli._commands import build_app
from onestop.testing import make_dossier, make_postal_party


@pytest.fixture(scope="session")
def app():
    return build_app()


@pytest.fixture
def runner():
    return CliRunner()


class FakePortalProcess:
    """``onestop portal fake --port 0 --json`` (or another spelling) in a child process."""

    def start(self, *command: str) -> tuple[subprocess.Popen[str], dict]:
        """Start the command and return the process and its JSON banner."""
        proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                "from onestop.cli import main; main()",
                *(command or ("portal", "fake")),
                "--port",
                "0",
                "--json",
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        assert proc.stdout is not None
        ready, _, _ = select.select([proc.stdout], [], [], 60)
        assert ready, "no banner within 60 s"
        lines = []
        for _ in range(40):  # the JSON object is a dozen lines
            lines.append(proc.stdout.readline())
            if lines[-1].strip() in ("}", ""):
                break
        return proc, json.loads("".join(lines))

    def stop(self, proc: subprocess.Popen[str], sig: int) -> tuple[int, str]:
        """Send ``sig``, wait for the exit (generous bound: the machine may be loaded)."""
        assert proc.stdout is not None and proc.stderr is not None
        try:
            proc.send_signal(sig)
            proc.wait(timeout=60)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
            proc.stdout.close()
            errors = proc.stderr.read()
            proc.stderr.close()
        return proc.returncode, errors


@pytest.fixture
def fake_portal_process():
    return FakePortalProcess()


@pytest.fixture
def postal_dossier_json() -> str:
    """A dossier whose applicant has a structured postal address (for ``postal send``)."""
    dossier = make_dossier(8)
    party = make_postal_party(8)
    contact = dossier.applicant.contact.model_copy(
        update={"phone": party.phone, "postal_address": party.address}
    )
    applicant = dossier.applicant.model_copy(update={"contact": contact})
    return dossier.model_copy(update={"applicant": applicant}).to_json()


@pytest.fixture
def signed_ipn() -> dict:
    """An IPN signed by the fake payment platform's documented secret."""
    from onestop.connectors._payment_protocol import sign

    body = {
        "LoaiBanTin": "IPN",
        "MaLoi": "00",
        "MaDoiTac": "ONESTOP",
        "MaThamChieu": "dvcH5614260316000120260316090000ab12",
        "SoTien": 50000,
        "MaTienTe": "VND",
        "MaGiaoDich": "GD0000000001",
        "MaNganHang": "NCB",
        "ThoiGianGD": "20260316090000",
        "ThongTinGiaoDich": "THANH TOAN HO SO H56.14-260316-0001",
    }
    body["MaXacThuc"] = sign(
        body, "IPN", secret="onestop-payment-secret", algorithm="sha256-secret"
    )
    return body


@pytest.fixture
def served_postal(fake_postal, monkeypatch, tmp_path):
    """The fake VNPost on loopback, with the ``ONESTOP_POSTAL_*`` settings pointing at it."""
    agency = tmp_path / "agency.json"
    agency.write_text(make_postal_party(seed=99).to_json(), encoding="utf-8")
    with fake_postal.serve() as server:
        for name, value in {
            "ONESTOP_POSTAL_URL": server.url,
            "ONESTOP_POSTAL_CUSTOMER_CODE": "HCC-ONESTOP",
            "ONESTOP_POSTAL_AGENCY_FILE": str(agency),
            "ONESTOP_PORTAL_CONSUMER_KEY": "onestop-key",
            "ONESTOP_PORTAL_CONSUMER_SECRET": "onestop-secret",
        }.items():
            monkeypatch.setenv(name, value)
        yield fake_postal
