"""docs/postal.md and docs/payment.md: their Python examples run as written, the status table
is PostalStatus's, every setting is documented, and the CLI output shown is what the commands
print."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from onestop.models import PostalStatus

ROOT = Path(__file__).parents[2]
PAGES = {
    name: (ROOT / "docs" / f"{name}.md").read_text(encoding="utf-8")
    for name in ("postal", "payment")
}
BLOCKS = {name: re.findall(r"```python\n(.*?)```", text, re.S) for name, text in PAGES.items()}
RUNNABLE = [
    (n, i) for n, blocks in BLOCKS.items() for i, b in enumerate(blocks) if "def test_" not in b
]
PYTEST_EXAMPLES = [
    (n, i) for n, blocks in BLOCKS.items() for i, b in enumerate(blocks) if "def test_" in b
]


def test_the_pages_have_examples():
    assert sorted(n for n, _ in RUNNABLE) == ["payment"] * 3 + ["postal"] * 3
    assert sorted(n for n, _ in PYTEST_EXAMPLES) == ["payment", "postal"]


@pytest.mark.parametrize(("page", "index"), RUNNABLE)
def test_example_runs(page, index, tmp_path, capsys):
    code = BLOCKS[page][index].replace("/tmp/onestop-demo", str(tmp_path))  # noqa: S108
    exec(compile(code, f"{page}.md[{index}]", "exec"), {"__name__": "__doc_example__"})  # noqa: S102
    if "OutboxWorker" in code:
        assert "'delivered': 1" in capsys.readouterr().out


@pytest.mark.parametrize(("page", "index"), PYTEST_EXAMPLES)
def test_pytest_example_runs(page, index, fake_postal, fake_payment, tmp_path):
    namespace: dict[str, object] = {}
    exec(compile(BLOCKS[page][index], f"{page}.md[{index}]", "exec"), namespace)  # noqa: S102
    [test] = [v for k, v in namespace.items() if k.startswith("test_")]
    if page == "postal":
        test(fake_postal)  # type: ignore[operator]
    else:
        test(fake_payment, tmp_path)  # type: ignore[operator]


def test_the_status_table_lists_every_code_as_the_enum_says():
    table = PAGES["postal"].split("<!-- postal status codes:")[1].split("\n\n")[0]
    rows = re.findall(
        r"^\| (\d+) \| `([A-Z_]+)` \| ([^|]+) \| ([^|]+) \| ([^|]+) \| ([^|]*)\|$", table, re.M
    )
    documented = [
        (int(code), name, vi.strip(), en.strip(), kind.strip(), failure.strip())
        for code, name, vi, en, kind, failure in rows
    ]
    expected = [
        (
            s.value,
            s.name,
            s.label_vi,
            s.label_en,
            "terminal"
            if s.is_terminal
            else "in transit"
            if s.is_in_transit
            else "not yet handed over",
            "yes" if s.is_failure else "",
        )
        for s in PostalStatus
    ]
    assert documented == expected
    assert [row[0] for row in documented] == list(range(23))


@pytest.mark.parametrize(
    ("page", "prefix"), [("postal", "ONESTOP_POSTAL_"), ("payment", "ONESTOP_PAYMENT_")]
)
def test_every_setting_is_documented(page, prefix):
    settings = (ROOT / "src" / "onestop" / "connectors" / "_settings.py").read_text(
        encoding="utf-8"
    )
    variables = set(re.findall(rf'"({prefix}[A-Z_]+)"', settings))
    assert len(variables) >= 9
    text = PAGES[page]
    missing = [
        v for v in sorted(variables) if v not in text and f"…_{v.removeprefix(prefix)}" not in text
    ]
    assert missing == []


def _json_blocks(page: str, command: str) -> list[dict]:
    """The JSON objects the page shows after ``$ <command> …`` lines."""
    text = PAGES[page]
    found = []
    for match in re.finditer(
        r"^\$ (" + re.escape(command) + r"[^\n]*)\n(\{\n.*?\n\})", text, re.M | re.S
    ):
        found.append((match.group(1), json.loads(match.group(2))))
    return found


def test_the_postal_output_shown_is_what_the_commands_print(
    app, runner, served_postal, tmp_path, monkeypatch, postal_dossier_json
):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "dossier.json").write_text(postal_dossier_json, encoding="utf-8")
    first = runner.invoke(app, ["postal", "send", "dossier.json", "--kind", "pickup"])
    assert first.exit_code == 0
    code = json.loads(postal_dossier_json)["code"]
    assert first.stdout.strip() == f"{code}-TG: pickup order accepted (100)"
    shown = {
        cmd.split(" --json")[0]: data for cmd, data in _json_blocks("postal", "onestop postal")
    }
    printed = json.loads(
        runner.invoke(app, ["postal", "send", "dossier.json", "--kind", "pickup", "--json"]).stdout
    )
    assert printed.keys() == shown["onestop postal send dossier.json --kind pickup"].keys()
    assert (printed["status"], printed["duplicate"]) == ("101", True)
    runner.invoke(app, ["postal", "send", "dossier.json", "--kind", "delivery"])
    events = json.loads(runner.invoke(app, ["postal", "track", "--json"]).stdout)
    documented = shown["onestop postal track --since 000000000000000000000001"]
    assert events.keys() == documented.keys()
    assert events["events"][0].keys() == documented["events"][0].keys()
    later = runner.invoke(
        app, ["postal", "track", "--since", events["events"][0]["event_id"], "--json"]
    )
    assert [e["order_number"] for e in json.loads(later.stdout)["events"]] == [code]
    bad = runner.invoke(app, ["postal", "send", "dossier.json", "--kind", "parcel", "--json"])
    assert bad.exit_code == 2
    assert json.loads(bad.stdout) == shown["onestop postal send dossier.json --kind parcel"]


def test_the_verify_ipn_output_shown_is_what_the_command_prints(
    app, runner, tmp_path, monkeypatch, signed_ipn
):
    monkeypatch.setenv("IPN_SECRET", "onestop-payment-secret")
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ipn.json").write_text(json.dumps(signed_ipn), encoding="utf-8")
    (tmp_path / "tampered.json").write_text(
        json.dumps({**signed_ipn, "SoTien": 5000}), encoding="utf-8"
    )
    shown = {
        cmd.split("; echo")[0]: data for cmd, data in _json_blocks("payment", "onestop payment")
    }
    reference = signed_ipn["MaThamChieu"]
    for command, exit_code in (
        ("onestop payment verify-ipn ipn.json --secret-env IPN_SECRET --json", 0),
        (
            "onestop payment verify-ipn ipn.json --secret-env IPN_SECRET --partner-code H56 --json",
            1,
        ),
        ("onestop payment verify-ipn ipn.json --secret-env NO_SUCH_VAR --json", 2),
    ):
        result = runner.invoke(app, command.split()[1:])
        assert result.exit_code == exit_code, command
        printed = json.loads(result.stdout)
        documented = shown[command]
        if "reference" in documented:
            documented = {**documented, "reference": reference}
        assert printed == documented, command
    tampered = runner.invoke(
        app, ["payment", "verify-ipn", "tampered.json", "--secret-env", "IPN_SECRET"]
    )
    assert tampered.exit_code == 1 and tampered.stderr.strip() == "invalid IPN: checksum"
    assert "onestop-payment-secret" not in tampered.stdout + tampered.stderr


@pytest.mark.parametrize("page", ["postal", "payment"])
def test_the_pages_are_linked(page):
    for index in ("index.md", "connectors.md"):
        assert f"]({page}.md" in (ROOT / "docs" / index).read_text(encoding="utf-8"), index
