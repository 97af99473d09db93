"""``onestop schema``: JSON Schema of the domain models on the command line.

(Named ``test_schema_command.py`` to tell it apart from ``tests/models/test_schema.py``.)
"""

from __future__ import annotations

import json

import jsonschema

from onestop.models import MODEL_NAMES, json_schema
from onestop.testing import make_dossier


def test_prints_the_schema_itself(app, runner):
    result = runner.invoke(app, ["schema", "Dossier"])
    assert result.exit_code == 0, result.output
    schema = json.loads(result.stdout)
    assert schema == json_schema("Dossier")
    jsonschema.Draft202012Validator(schema).validate(json.loads(make_dossier(4).to_json()))


def test_json_envelope(app, runner):
    result = runner.invoke(app, ["schema", "procedure", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert set(out) == {"ok", "error", "model", "mode", "schema"}
    assert (out["ok"], out["model"], out["mode"]) == (True, "Procedure", "validation")
    assert out["schema"] == json_schema("Procedure")


def test_serialization_mode(app, runner):
    result = runner.invoke(app, ["schema", "ProcessingTime", "--mode", "serialization", "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["mode"] == "serialization"
    assert set(out["schema"]["required"]) == {"amount", "unit", "cutoff"}


def test_list_models(app, runner):
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0
    assert result.stdout.split() == list(MODEL_NAMES)
    result = runner.invoke(app, ["schema", "--json"])
    assert json.loads(result.stdout) == {"ok": True, "error": None, "models": list(MODEL_NAMES)}


def test_unknown_model_is_bad_input(app, runner):
    result = runner.invoke(app, ["schema", "HoSo", "--json"])
    assert result.exit_code == 2
    out = json.loads(result.stdout)
    assert out["ok"] is False
    assert out["error"]["code"] == "invalid_input"
    assert "Dossier" in out["error"]["message"]
    result = runner.invoke(app, ["schema", "HoSo"])
    assert result.exit_code == 2
    assert "error[invalid_input]" in result.stderr


def test_unknown_mode_is_bad_input(app, runner):
    result = runner.invoke(app, ["schema", "Dossier", "--mode", "xml", "--json"])
    assert result.exit_code == 2
    assert "mode" in json.loads(result.stdout)["error"]["message"]


def test_write_every_schema(app, runner, tmp_path):
    target = tmp_path / "schemas"
    result = runner.invoke(app, ["schema", "--out", str(target), "--json"])
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["ok"] is True and len(out["written"]) == len(MODEL_NAMES)
    for name in MODEL_NAMES:
        written = json.loads((target / f"{name}.schema.json").read_text(encoding="utf-8"))
        assert written == json_schema(name)


def test_write_one_schema_and_bad_mode_writes_nothing(app, runner, tmp_path):
    result = runner.invoke(app, ["schema", "dossier", "--out", str(tmp_path / "one")])
    assert result.exit_code == 0
    assert [p.name for p in (tmp_path / "one").iterdir()] == ["Dossier.schema.json"]
    result = runner.invoke(app, ["schema", "--mode", "xml", "--out", str(tmp_path / "bad")])
    assert result.exit_code == 2
    assert not (tmp_path / "bad").exists()


def test_unwritable_out_directory_is_bad_input(app, runner, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a directory", encoding="utf-8")
    result = runner.invoke(app, ["schema", "Dossier", "--out", str(blocker / "sub"), "--json"])
    assert result.exit_code == 2
    error = json.loads(result.stdout)["error"]
    assert (error["code"], error["field"]) == ("configuration_error", "out")
    assert "writable directory" in error["message"]
    result = runner.invoke(app, ["schema", "--out", str(blocker / "sub")])
    assert result.exit_code == 2
    assert result.stderr.startswith("error[configuration_error]: out: ")
    assert "Traceback" not in result.output
