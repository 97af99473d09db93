"""``onestop.connectors`` and the fake load lazily: no httpx until a client is used."""

from __future__ import annotations

import json
import subprocess
import sys

import onestop.connectors


def _modules_after(code: str) -> set[str]:
    out = subprocess.run(
        [sys.executable, "-c", f"{code}\nimport sys, json\nprint(json.dumps(sorted(sys.modules)))"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return set(json.loads(out.strip().splitlines()[-1]))


def test_outbox_wire_models_and_fake_do_not_import_httpx():
    loaded = _modules_after(
        "import onestop.connectors as c\n"
        "c.Outbox, c.HoSoRecord, c.should_retry, c.PortalSettings\n"
        "from onestop.testing import FakePortal\nFakePortal()"
    )
    assert "httpx" not in loaded
    assert "typer" not in loaded


def test_all_is_sorted_and_resolves():
    names = onestop.connectors.__all__
    assert list(names) == sorted(set(names))
    for name in names:
        # The retry rule lives in the HTTP core shared with remote signing (onestop._http).
        module = getattr(onestop.connectors, name).__module__
        assert module.startswith("onestop.connectors") or module == "onestop._http"
