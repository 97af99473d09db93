"""The command line's machine contract, walked over every command (issue 10).

* ONE JSON envelope for every command: ``{"ok": <exit status is 0>, "error": null |
  {"code", "message", "field"}, ...payload}``: on success, on bad input, and on a negative
  answer (``verify`` of a signature that does not verify: ``ok`` false, ``error`` null, exit 1);
* an empty value of any option is a usage error naming the option, in every command;
* the commands are registered explicitly in one place (no registration on import);
* the signature commands print every instant in Vietnam time.
"""

from __future__ import annotations

import ast
import json
import signal
from pathlib import Path

import pytest
import typer.main

import onestop.cli
from onestop.cli._commands import build_app
from onestop.connectors import Outbox
from onestop.testing import make_dossier


def _leaves(command, path: tuple[str, ...] = ()):
    sub = getattr(command, "commands", None)
    if sub:
        for name, child in sorted(sub.items()):
            yield from _leaves(child, (*path, name))
    else:
        yield " ".join(path), command


def _commands(app) -> dict:
    return dict(_leaves(typer.main.get_command(app)))


#: (command, kind, argv after the command, exit status, payload keys or the error code).
#: kind: "success"; "bad" (could not do its job: exit 2 with only ok/error); "negative" (a
#: verdict: exit 1, error null, the payload's verdict key false); "failed" (exit 1 with an
#: error *and* the payload, e.g. deliveries that failed). "{name}" is a path from ``paths``.
CASES: list[tuple[str, str, list[str], int, set[str] | str]] = [
    ("demo", "success", ["--small", "--workdir", "{tmp}/demo"], 0, {"report", "sync", "checks"}),
    (
        "demo",
        "success",
        ["--one-dossier", "--workdir", "{tmp}/demo"],
        0,
        {"dossier", "deadline", "outbox"},
    ),
    ("demo", "bad", ["--workdir", "{doc}"], 2, "invalid_input"),
    ("demo", "bad", ["--small", "--full"], 2, "invalid_input"),
    ("demo", "bad", ["--out", "{doc}"], 2, "invalid_input"),
    ("demo", "bad", ["--seed", "-1"], 2, "usage_error"),
    ("check-id", "success", ["079203001234"], 0, {"valid", "kind", "normalized", "parts"}),
    ("check-id", "bad", ["0100109107"], 2, "invalid_identifier"),
    ("provinces", "success", [], 0, {"era", "count", "provinces"}),
    ("provinces", "bad", ["--era", "1976"], 2, "usage_error"),
    ("schema", "success", ["Dossier"], 0, {"model", "mode", "schema"}),
    ("schema", "bad", ["HoSo"], 2, "invalid_input"),
    ("lunar", "success", ["17/02/2026"], 0, {"solar", "lunar", "can_chi"}),
    ("lunar", "bad", ["2026-02-30"], 2, "invalid_input"),
    ("holidays", "success", ["2026"], 0, {"year", "provisional", "holidays"}),
    ("holidays", "bad", ["1900"], 2, "calendar_data_missing"),
    (
        "due",
        "success",
        ["--received", "13/02/2026 10:00", "--amount", "5"],
        0,
        {"due", "received", "explanation"},
    ),
    ("due", "bad", ["--received", "yesterday"], 2, "invalid_input"),
    (
        "working-days",
        "success",
        ["2026-02-13", "2026-02-27", "--include-start", "--exclude-end"],
        0,
        {"working_days", "include_start", "include_end"},
    ),
    ("working-days", "bad", ["2026-02-30", "2026-03-01"], 2, "invalid_input"),
    (
        "clock",
        "success",
        ["{dossier}", "--at", "01/12/2026 10:00"],
        0,
        {
            "due",
            "original_due",
            "paused",
            "remaining_working_seconds",
            "timeliness",
            "era",
            "flags",
            "explanation",
        },
    ),
    ("clock", "bad", ["{dossier}", "--era", "ND-99-2030"], 2, "invalid_input"),
    (
        "sign",
        "success",
        ["{doc}", "--key", "{signer.key}", "--cert", "{signer}", "--out", "{tmp}/new.p7s"],
        0,
        {"out", "bytes", "signer", "warnings"},
    ),
    (
        "sign",
        "bad",
        ["{missing}", "--key", "{signer.key}", "--cert", "{signer}", "--out", "{tmp}/x.p7s"],
        2,
        "invalid_input",
    ),
    (
        "verify",
        "success",
        ["{doc}", "--signature", "{sig}", "--trust", "{trust}"],
        0,
        {"valid", "intact", "trusted", "signer", "problems"},
    ),
    (
        "verify",
        "negative",
        ["{tampered}", "--signature", "{sig}", "--trust", "{trust}"],
        1,
        "valid",
    ),
    ("verify", "bad", ["{doc}", "--signature", "{doc}"], 2, "signature_error"),
    ("cert-info", "success", ["{signer}"], 0, {"certificates"}),
    ("cert-info", "bad", ["{doc}"], 2, "certificate_error"),
    (
        "form",
        "success",
        ["control", "{dossier}", "--out", "{tmp}/control.pdf"],
        0,
        {"form", "edition", "out", "signed", "record"},
    ),
    ("form", "bad", ["receipt", "{missing}", "--out", "{tmp}/x.pdf"], 2, "invalid_input"),
    (
        "report",
        "success",
        ["{export}"],
        0,
        {"received", "resolved", "rows_rejected", "in_progress"},
    ),
    ("report", "bad", ["{missing}"], 2, "invalid_input"),
    ("audit", "success", ["{export_agreeing}"], 0, {"checked", "mismatched", "mismatches"}),
    ("audit", "negative", ["{export}"], 1, "agreed"),
    ("audit", "bad", ["{doc}"], 2, "invalid_input"),
    (
        "check-rules",
        "success",
        ["{rules_agreeing}"],
        0,
        {"cases", "agreed", "all_agree", "disagreements"},
    ),
    ("check-rules", "negative", ["{rules}"], 1, "all_agree"),
    ("check-rules", "bad", ["{doc}", "--format", "csv"], 2, "invalid_input"),
    ("portal push", "success", ["{dossier}"], 0, {"code", "created"}),
    ("portal push", "bad", ["{missing}"], 2, "invalid_input"),
    ("portal enqueue", "success", ["{dossier}", "--outbox", "{tmp}/new.sqlite"], 0, {"entry_id"}),
    ("portal enqueue", "bad", ["{missing}", "--outbox", "{tmp}/new.sqlite"], 2, "invalid_input"),
    ("portal sync", "success", ["--outbox", "{outbox}"], 0, {"delivered", "dead", "stats"}),
    ("portal sync", "failed", ["--outbox", "{outbox}", "--username", "nobody"], 1, "delivered"),
    ("portal sync", "bad", ["--outbox", "{missing}"], 2, "invalid_input"),
    ("portal status", "success", ["--outbox", "{outbox}"], 0, {"stats", "dead_letters"}),
    ("portal status", "bad", ["--outbox", "{doc}"], 2, "invalid_input"),
    ("portal fake", "success", [], 0, {"url", "service_path"}),
    ("portal fake", "bad", ["--latency", "99"], 2, "invalid_input"),
    ("fake-portal", "success", [], 0, {"url", "service_path"}),
    ("fake-portal", "bad", ["--latency", "99"], 2, "invalid_input"),
    (
        "postal send",
        "success",
        ["{postal_dossier}", "--kind", "pickup"],
        0,
        {"order_number", "status", "duplicate"},
    ),
    ("postal send", "bad", ["{postal_dossier}", "--kind", "pigeon"], 2, "invalid_input"),
    ("postal track", "success", [], 0, {"last_id", "events"}),
    ("postal track", "bad", ["--since", "not-a-cursor"], 2, "invalid_input"),
    ("postal fake", "success", [], 0, {"url", "customer_code"}),
    ("postal fake", "bad", ["--latency", "99"], 2, "invalid_input"),
    (
        "payment verify-ipn",
        "success",
        ["{ipn}", "--secret-env", "ONESTOP_TEST_IPN_SECRET"],
        0,
        {"valid", "problems", "reference"},
    ),
    (
        "payment verify-ipn",
        "negative",
        ["{ipn_tampered}", "--secret-env", "ONESTOP_TEST_IPN_SECRET"],
        1,
        "valid",
    ),
    (
        "payment verify-ipn",
        "bad",
        ["{doc}", "--secret-env", "ONESTOP_TEST_IPN_SECRET"],
        2,
        "invalid_input",
    ),
    ("payment fake", "success", [], 0, {"url", "partner_code"}),
    ("payment fake", "bad", ["--latency", "99"], 2, "invalid_input"),
]

#: The commands that serve a fake until SIGTERM (their success case runs in a child process).
FAKE_COMMANDS = ("portal fake", "fake-portal", "postal fake", "payment fake")


#: A portal-style export: the first dossier's stored due date is onestop's (3 working days from
#: Tue 01/12/2026 08:00 -> Fri 04/12/2026 17:00); the second's is a day early.
EXPORT = (
    "MaHoSo,MaTTHC,NgayTiepNhan,NgayHenTra,NgayKetThucXuLy,KenhThucHien,TrangThaiHoSo,"
    "DonViXuLy,so_ngay_xu_ly\n"
    "H-1,1.000894,01/12/2026 08:00,04/12/2026 17:00,03/12/2026 10:00,1,9,Sở Tư pháp,3\n"
    "H-2,1.000894,02/12/2026 14:35,08/12/2026 17:00,04/12/2026 10:00,2,10,Sở Tư pháp,5\n"
)


#: A rule table: the first case agrees with onestop (5 working days across Tết 2026), the
#: second expects a day too early.
RULES = (
    "id,received,amount,expected_due\n"
    "tet,13/02/2026 10:00,5,27/02/2026\n"
    "sai,13/02/2026 10:00,5,26/02/2026\n"
)


def test_every_command_is_walked(app):
    """A new command must get its envelope cases here."""
    walked = {command for command, *_ in CASES}
    assert walked == set(_commands(app))
    for command in walked:
        kinds = {kind for name, kind, *_ in CASES if name == command}
        assert {"success", "bad"} <= kinds, command


@pytest.fixture
def paths(
    tmp_path, test_pki, served_portal, served_postal, monkeypatch, postal_dossier_json, signed_ipn
):
    from onestop.signatures import sign_bytes

    found = {name: str(path) for name, path in test_pki.write(tmp_path / "pki").items()}
    doc = tmp_path / "ket-qua.txt"
    doc.write_text("Kết quả giải quyết TTHC số 123/QĐ-UBND\n", encoding="utf-8")
    tampered = tmp_path / "ket-qua-sua.txt"
    tampered.write_text("Kết quả giải quyết TTHC số 124/QĐ-UBND\n", encoding="utf-8")
    signer = test_pki.signer
    sig = tmp_path / "ket-qua.p7s"
    sig.write_bytes(
        sign_bytes(
            doc.read_bytes(), certificate=signer.certificate, key=signer.key, chain=signer.chain
        )
    )
    dossier = tmp_path / "dossier.json"
    dossier.write_text(make_dossier(seed=8).to_json(), encoding="utf-8")
    outbox = tmp_path / "outbox.sqlite"
    with Outbox(str(outbox)) as box:
        box.enqueue(make_dossier(seed=9))
    export = tmp_path / "export.csv"
    export.write_text(EXPORT, encoding="utf-8")
    postal_dossier = tmp_path / "postal-dossier.json"
    postal_dossier.write_text(postal_dossier_json, encoding="utf-8")
    ipn, ipn_tampered = tmp_path / "ipn.json", tmp_path / "ipn-tampered.json"
    genuine = signed_ipn
    ipn.write_text(json.dumps(genuine), encoding="utf-8")
    ipn_tampered.write_text(json.dumps({**genuine, "SoTien": 1}), encoding="utf-8")
    monkeypatch.setenv("ONESTOP_TEST_IPN_SECRET", "onestop-payment-secret")
    agreeing = tmp_path / "export-agreeing.csv"
    agreeing.write_text(EXPORT.splitlines(keepends=True)[0] + EXPORT.splitlines(keepends=True)[1])
    rules = tmp_path / "rules.csv"
    rules.write_text(RULES, encoding="utf-8")
    rules_agreeing = tmp_path / "rules-agreeing.csv"
    rules_agreeing.write_text(RULES.splitlines(keepends=True)[0] + RULES.splitlines()[1] + "\n")
    found |= {
        "rules": str(rules),
        "rules_agreeing": str(rules_agreeing),
        "export": str(export),
        "export_agreeing": str(agreeing),
        "tmp": str(tmp_path),
        "doc": str(doc),
        "tampered": str(tampered),
        "sig": str(sig),
        "dossier": str(dossier),
        "outbox": str(outbox),
        "missing": str(tmp_path / "missing"),
        "postal_dossier": str(postal_dossier),
        "ipn": str(ipn),
        "ipn_tampered": str(ipn_tampered),
    }
    return found


@pytest.fixture
def served_portal(fake_portal, monkeypatch):
    with fake_portal.serve() as server:
        for name, value in {
            "URL": server.url,
            "UNIT_CODE": "H56",
            "USERNAME": "onestop",
            "PASSWORD": "onestop",
        }.items():
            monkeypatch.setenv(f"ONESTOP_PORTAL_{name}", value)
        yield fake_portal


def _fill(argv: list[str], paths: dict[str, str]) -> list[str]:
    out = []
    for arg in argv:
        for name, path in sorted(paths.items(), key=lambda item: -len(item[0])):
            arg = arg.replace("{" + name + "}", path)
        out.append(arg)
    return out


def _check_envelope(data: dict, status: int, kind: str, expected: set[str] | str) -> None:
    assert data["ok"] is (status == 0)
    if kind == "success":
        assert data["error"] is None
        assert expected <= set(data)
    elif kind == "negative":
        assert data["error"] is None
        assert data[expected] is False
    else:
        assert set(data["error"]) >= {"code", "message", "field"}
        assert isinstance(data["error"]["message"], str) and data["error"]["message"]
        if kind == "bad":
            assert set(data) == {"ok", "error"}
            assert data["error"]["code"] == expected
        else:
            assert expected in data  # the payload of what was done is still there


@pytest.mark.parametrize(
    ("command", "kind", "argv", "status", "expected"),
    CASES,
    ids=[f"{case[0]}-{case[1]}" for case in CASES],
)
def test_one_envelope_for_every_command(
    app, runner, paths, fake_portal_process, command, kind, argv, status, expected
):
    args = [*command.split(), *_fill(argv, paths), "--json"]
    if command in FAKE_COMMANDS and kind == "success":
        proc, data = fake_portal_process.start(*command.split())
        returncode, _ = fake_portal_process.stop(proc, signal.SIGTERM)
        assert returncode == status
        _check_envelope(data, status, kind, expected)
        return
    result = runner.invoke(app, args)
    assert result.exit_code == status, result.output
    data = json.loads(result.stdout)  # exactly one JSON document on standard output
    _check_envelope(data, status, kind, expected)
    if kind == "bad":  # the same failure without --json: one line on standard error
        plain = runner.invoke(app, args[:-1])
        assert plain.exit_code == status
        assert plain.stdout == ""
        lines = plain.stderr.strip().splitlines()
        assert len(lines) == (2 if command == "fake-portal" else 1)  # + the deprecation note
        assert lines[-1] == f"error[{data['error']['code']}]: {data['error']['message']}"


def _value_options(app):
    for path, command in _commands(app).items():
        for param in command.params:
            if param.param_type_name == "option" and not param.is_flag:
                yield path, param


@pytest.mark.parametrize(
    ("command", "option"),
    [(path, param) for path, param in _value_options(build_app())],
    ids=[f"{path} {param.opts[0]}" for path, param in _value_options(build_app())],
)
def test_an_empty_option_value_is_a_usage_error(app, runner, command, option):
    """``--outbox ''``, ``--at ''``, ``--key ''``... are mistakes, never the default."""
    result = runner.invoke(app, [*command.split(), option.opts[0], "", "--json"])
    assert result.exit_code == 2, result.output
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == ("usage_error", option.name)


def test_the_option_sweep_covers_the_commands_that_had_no_check(app):
    swept = {(path, param.opts[0]) for path, param in _value_options(app)}
    for expected in [
        ("portal sync", "--outbox"),
        ("portal push", "--url"),
        ("sign", "--key"),
        ("sign", "--password-env"),
        ("verify", "--at"),
        ("verify", "--trust"),
        ("cert-info", "--at"),
    ]:
        assert expected in swept


def test_commands_are_registered_in_one_place():
    """No command module registers itself on import; ``build_app`` does, explicitly."""
    package = Path(onestop.cli.__file__).parent
    for module in sorted(package.glob("*.py")):
        if module.name == "_commands.py":
            continue
        tree = ast.parse(module.read_text(encoding="utf-8"))
        calls = [
            node.func.attr
            for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
        ]
        assert not {"command", "add_typer"} & set(calls), module.name
        if module.name != "_app.py":  # make_app() installs the root options' callback
            assert "callback" not in calls, module.name
    first, second = build_app(), build_app()
    assert first is not second
    assert set(_commands(first)) == set(_commands(second))


def test_signature_commands_print_instants_in_vietnam_time(app, runner, paths):
    info = json.loads(runner.invoke(app, ["cert-info", paths["signer"], "--json"]).stdout)
    [certificate] = info["certificates"][:1]
    assert certificate["identity"]["not_before"].endswith("+07:00")
    assert certificate["identity"]["not_after"].endswith("+07:00")
    assert certificate["validity_at"]["time"].endswith("+07:00")
    argv = ["verify", paths["doc"], "--signature", paths["sig"], "--trust", paths["trust"]]
    data = json.loads(runner.invoke(app, [*argv, "--json"]).stdout)
    assert data["validated_at"].endswith("+07:00")
    assert data["signing_time"].endswith("+07:00")
    assert data["signer"]["not_after"].endswith("+07:00")
    text = runner.invoke(app, argv).stdout
    [line] = [line for line in text.splitlines() if "signing time" in line]
    assert line.endswith("+07:00")
    text = runner.invoke(app, ["cert-info", paths["signer"], "--at", "01/01/2026 08:00"]).stdout
    assert "at 2026-01-01T08:00:00+07:00" in text
