"""``onestop check-id``: detection, parts, JSON shape and exit codes."""

from __future__ import annotations

import json

import pytest

KEYS = {"ok", "error", "valid", "kind", "normalized", "parts"}


def run_json(app, runner, *args):
    result = runner.invoke(app, ["check-id", *args, "--json"])
    data = json.loads(result.stdout)
    # the envelope: payload keys on success, only ok/error when the value is invalid
    assert set(data) == (KEYS if result.exit_code == 0 else {"ok", "error"})
    assert data["ok"] is (result.exit_code == 0)
    return result.exit_code, data


@pytest.mark.parametrize(
    ("value", "kind", "normalized"),
    [
        ("001099012345", "cccd", "001099012345"),
        ("123456789", "cmnd", "123456789"),
        ("0100109106", "mst", "0100109106"),
        ("0100109106001", "mst", "0100109106-001"),
        ("0100109106-001", "mst", "0100109106-001"),
        ("000.00.00.H56", "agency", "000.00.00.H56"),
        ("h56.14", "agency", "H56.14"),
        ("000.00.53.H48-220921-0099", "dossier", "000.00.53.H48-220921-0099"),
        ("1.000894", "procedure", "1.000894"),
        ("1.000494.000.00.00.H29", "procedure", "1.000494.000.00.00.H29"),
    ],
)
def test_detects_and_normalizes(app, runner, value, kind, normalized):
    code, data = run_json(app, runner, value)
    assert code == 0
    assert data["valid"] is True
    assert data["kind"] == kind
    assert data["normalized"] == normalized
    assert data["error"] is None


def test_cccd_parts(app, runner):
    _, data = run_json(app, runner, "079303001234")
    parts = data["parts"]
    assert parts["province"] == {"code": "79", "name": "Hồ Chí Minh", "era": "2008"}
    assert parts["sex"] == "female"
    assert parts["birth_year"] == 2003
    assert parts["century"] == 2000


def test_agency_parts_with_successor(app, runner):
    _, data = run_json(app, runner, "000.00.00.H39")
    parts = data["parts"]
    assert parts["form"] == "legacy"
    assert parts["level1"] == "H39"
    assert parts["authority"]["province"]["name"] == "Long An"
    assert parts["closed"] is True
    assert parts["successor"] == "000.00.00.H53"


def test_dossier_parts(app, runner):
    _, data = run_json(app, runner, "H15.50.05.13-260301-0001")
    parts = data["parts"]
    assert parts["agency"] == "H15.50.05.13"
    assert parts["received_on"] == "2026-03-01"
    assert parts["sequence"] == 1


def test_explicit_kind_mst_accepts_personal_id(app, runner):
    code, data = run_json(app, runner, "079203001234", "--kind", "mst")
    assert code == 0
    assert data["parts"]["form"] == "citizen_id"


@pytest.mark.parametrize(
    ("args", "field", "words", "reason"),
    [
        (["0100109107"], "tax_code", "check digit", "checksum"),
        (["097203001234"], "citizen_id", "birth-registration code", "province"),
        (["000.00.53.H48-220931-0099"], "dossier_code", "not a real date", "date"),
        (["0100109106", "--kind", "cccd"], "citizen_id", "not 12", "length"),
        (["07920300123x", "--kind", "cccd"], "citizen_id", "not a digit", "characters"),
        (["12345"], "value", "not recognisable", "format"),
    ],
)
def test_invalid_values(app, runner, args, field, words, reason):
    """Exit 2 with the error object, whose machine ``reason`` says which check failed."""
    code, data = run_json(app, runner, *args)
    assert code == 2
    assert data["ok"] is False
    assert set(data["error"]) == {"code", "message", "field", "reason"}
    assert data["error"]["code"] == "invalid_identifier"
    assert data["error"]["reason"] == reason
    assert words in data["error"]["message"]
    assert data["error"]["field"] == field
    assert data["error"]["message"].startswith(f"{field}: ")


def test_personal_number_is_masked_in_errors(app, runner):
    _, data = run_json(app, runner, "097203001234")
    assert "097203001234" not in data["error"]["message"]
    result = runner.invoke(app, ["check-id", "097203001234"])
    assert result.exit_code == 2
    assert "097203001234" not in result.output
    assert "error[invalid_identifier]" in result.output


def test_text_output(app, runner):
    result = runner.invoke(app, ["check-id", "0100109106-001"])
    assert result.exit_code == 0
    assert "valid mst: 0100109106-001" in result.stdout
    assert "branch: 001" in result.stdout


def test_unknown_kind_option(app, runner):
    result = runner.invoke(app, ["check-id", "x", "--kind", "passport"])
    assert result.exit_code == 2


def test_text_output_nested_parts(app, runner):
    result = runner.invoke(app, ["check-id", "000.00.00.H39"])
    assert result.exit_code == 0
    assert "authority:" in result.stdout
    assert "name: Ủy ban nhân dân tỉnh Long An" in result.stdout
    assert "successor: 000.00.00.H53" in result.stdout


def test_provinces_json(app, runner):
    result = runner.invoke(app, ["provinces", "--json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"ok", "error", "era", "count", "provinces"}
    assert data["era"] == "2025"
    assert data["count"] == len(data["provinces"]) == 34
    tay_ninh = next(p for p in data["provinces"] if p["name_vi"] == "Tây Ninh")
    assert tay_ninh["code"] == "80"
    assert tay_ninh["agency_code"] == "H53"
    assert set(tay_ninh["predecessor_codes"]) == {"72", "80"}


def test_provinces_2008(app, runner):
    data = json.loads(runner.invoke(app, ["provinces", "--era", "2008", "--json"]).stdout)
    assert data["count"] == 63
    long_an = next(p for p in data["provinces"] if p["code"] == "80")
    assert (long_an["cccd_code"], long_an["successor_code"]) == ("080", "80")
    assert long_an["agency_code"] == "H39"
    text = runner.invoke(app, ["provinces", "--era", "2008"])
    assert text.exit_code == 0
    assert "63 provinces" in text.stdout
    assert runner.invoke(app, ["provinces", "--era", "1976"]).exit_code == 2
