"""Free text in the domain models: no NUL byte, escape sequence or other control character.

Issue 9 (hostile review): a NUL byte in an applicant's name was accepted (and would be
truncated by C libraries, break CSV exports, or smuggle terminal escapes into logs). Every
text field is :data:`~onestop.models._base.Text` (one line) or
:data:`~onestop.models._base.MultilineText` (notes, reasons, summaries: line breaks and tabs
allowed), or has a stricter pattern of its own; the error never repeats the value.
"""

from __future__ import annotations

import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from onestop.errors import InvalidDossierError
from onestop.models import MODEL_NAMES, Applicant, Dossier, json_schema
from onestop.testing import make_dossier

CONTROLS = ["\x00", "\x07", "\x1b", "\x7f", "\x85", "\x9b"]
LINE_BREAKS = ["\n", "\r", "\t", "\u2028", "\u2029"]


def _with(dossier: Dossier, path: str, value: str) -> dict[str, object]:
    data = json.loads(dossier.to_json())
    target = data
    *parents, last = path.split(".")
    for part in parents:
        target = target[int(part)] if part.isdigit() else target[part]
    target[last] = value
    return data


@pytest.mark.parametrize("char", CONTROLS + LINE_BREAKS)
def test_a_control_character_in_the_applicants_name_is_refused(char):
    dossier = make_dossier(seed=1)
    secret = f"Nguyễn Văn{char}An"
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(_with(dossier, "applicant.name", secret))
    assert info.value.field == "applicant.name"
    assert "control characters" in str(info.value)
    assert "Nguyễn" not in str(info.value) and "String should match" not in str(info.value)
    with pytest.raises(InvalidDossierError):
        Applicant(kind="citizen", name=secret, citizen_id=dossier.applicant.citizen_id)


@pytest.mark.parametrize("char", CONTROLS)
@pytest.mark.parametrize("path", ["summary", "events.0.note", "applicant.contact.address"])
def test_control_characters_are_refused_in_every_kind_of_field(char, path):
    dossier = make_dossier(seed=2).model_copy(update={"summary": "Hồ sơ"})
    data = _with(dossier, path, f"a{char}b")
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(data)
    assert info.value.field == path.replace(".0.", "[0].")


@pytest.mark.parametrize("char", LINE_BREAKS)
def test_notes_and_summaries_may_span_lines(char):
    dossier = make_dossier(seed=2)
    text = f"Dòng một{char}dòng hai"
    data = _with(dossier.model_copy(update={"summary": "x"}), "summary", text)
    data = _with(Dossier.model_validate(data), "events.0.note", text)
    parsed = Dossier.model_validate(data)
    assert parsed.summary == text and parsed.events[0].note == text


def test_an_email_with_a_nul_byte_is_refused():
    dossier = make_dossier(seed=1)
    with pytest.raises(InvalidDossierError) as info:
        Dossier.model_validate(_with(dossier, "applicant.contact.email", "an\x00@example.vn"))
    assert info.value.field == "applicant.contact.email"


def _strings(schema: object, path: str = "") -> list[tuple[str, dict[str, object]]]:
    """Every string-typed schema in a JSON Schema, with its path."""
    found: list[tuple[str, dict[str, object]]] = []
    if isinstance(schema, dict):
        if schema.get("type") == "string" and not {"format", "enum", "const"} & set(schema):
            found.append((path, schema))
        for key, value in schema.items():
            found.extend(_strings(value, f"{path}/{key}"))
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            found.extend(_strings(value, f"{path}/{i}"))
    return found


def test_every_text_field_of_every_model_refuses_control_characters():
    """A new text field that forgets Text / MultilineText fails here."""
    checked = 0
    for name in MODEL_NAMES:
        for path, schema in _strings(json_schema(name)):
            pattern = schema.get("pattern")
            assert isinstance(pattern, str), f"{name}{path}: a text field without a pattern"
            for char in CONTROLS:
                assert re.search(pattern, f"a{char}b") is None, f"{name}{path} accepts {char!r}"
            checked += 1
    assert checked > 40  # names, codes, addresses, notes... of all the models


def _has_control(text: str) -> bool:
    return any(ord(c) < 32 or 127 <= ord(c) < 160 or c in "\u2028\u2029" for c in text)


@settings(max_examples=200, deadline=None)
@given(st.text(min_size=1, max_size=40))
def test_names_are_accepted_only_without_control_characters(text):
    dossier = make_dossier(seed=3)
    data = _with(dossier, "applicant.name", text)
    try:
        parsed = Dossier.model_validate(data)
    except InvalidDossierError as exc:
        assert _has_control(text) or not text.strip(), exc
    else:
        assert not _has_control(parsed.applicant.name)
        assert parsed.applicant.name in text
