"""The ``onestop schema`` command: JSON Schema of the domain models.

* ``onestop schema`` lists the model names.
* ``onestop schema Dossier`` prints the schema itself (pretty JSON), so that
  ``onestop schema Dossier > dossier.schema.json`` gives a file other languages can use.
* ``onestop schema Dossier --json`` prints the envelope
  ``{"ok": true, "error": null, "model": "Dossier", "mode": "validation", "schema": {...}}``;
  without a model, ``{"ok": true, "error": null, "models": [...]}``. Errors follow the CLI
  convention (``{"ok": false, "error": {"code", "message", "field"}}``, exit status 2; also
  for an ``--out`` directory that cannot be written).
* ``onestop schema --out DIR`` writes ``DIR/<Model>.schema.json`` for every model (or MODEL);
  with ``--json`` it prints ``{"ok": true, "error": null, "mode": ..., "written": [paths]}``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, cast

import typer

from onestop.cli._app import (
    JsonOption,
    console,
    handle_errors,
    path_value,
    print_envelope,
    print_json,
    text_value,
)
from onestop.errors import ConfigurationError
from onestop.models import MODEL_NAMES, json_schema

if TYPE_CHECKING:
    from onestop.models._schema import SchemaMode

__all__ = ["schema"]


@handle_errors
def schema(
    model: Annotated[
        str | None,
        typer.Argument(help="Model name, e.g. Dossier or Procedure; omit to list the names."),
    ] = None,
    mode: Annotated[
        str,
        typer.Option(
            "--mode",
            parser=text_value,
            metavar="MODE",
            help="'validation' (what the model accepts) or 'serialization' (what it emits).",
        ),
    ] = "validation",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            parser=path_value,
            metavar="DIR",
            help="Write <Model>.schema.json files into this directory (every model, or MODEL).",
        ),
    ] = None,
    json_: JsonOption = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a domain model."""
    if out is not None:
        names = [json_schema(model)["title"]] if model is not None else list(MODEL_NAMES)
        documents = {name: json_schema(name, mode=cast("SchemaMode", mode)) for name in names}
        written = []
        try:
            out.mkdir(parents=True, exist_ok=True)
            for name, document in documents.items():
                target = out / f"{name}.schema.json"
                target.write_text(
                    json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
                )
                written.append(str(target))
        except OSError as exc:
            raise ConfigurationError(
                f"out: cannot write schema files into {out} ({exc.strerror or exc}); expected a "
                "writable directory (created if missing)",
                field="out",
            ) from exc
        if json_:
            print_envelope({"mode": mode, "written": written})
        else:
            console.print(f"wrote {len(written)} schema file(s) to {out}", markup=False)
        return
    if model is None:
        if json_:
            print_envelope({"models": list(MODEL_NAMES)})
        else:
            for name in MODEL_NAMES:
                console.print(name, markup=False)
        return
    # json_schema() checks the mode and raises InvalidInputError naming it.
    result = json_schema(model, mode=cast("SchemaMode", mode))
    if json_:
        print_envelope({"model": result["title"], "mode": mode, "schema": result})
    else:
        print_json(result)
