"""The ``onestop schema`` command: JSON Schema of the domain models.

* ``onestop schema`` lists the model names.
* ``onestop schema Dossier`` prints the schema itself (pretty JSON), so that
  ``onestop schema Dossier > dossier.schema.json`` gives a file other languages can use.
* ``onestop schema Dossier --json`` prints the envelope
  ``{"ok": true, "model": "Dossier", "mode": "validation", "schema": {...}}``; without a model,
  ``{"ok": true, "models": [...]}``. Errors follow the CLI convention
  (``{"ok": false, "error": {...}}``, exit status 2).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, cast

import typer

from onestop.cli._app import JsonOption, app, console, handle_errors, print_json
from onestop.models import MODEL_NAMES, json_schema

if TYPE_CHECKING:
    from onestop.models._schema import SchemaMode

__all__ = ["schema"]


@app.command("schema")
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
            help="'validation' (what the model accepts) or 'serialization' (what it emits).",
        ),
    ] = "validation",
    json_: JsonOption = False,
) -> None:
    """Print the JSON Schema (draft 2020-12) of a domain model."""
    if model is None:
        if json_:
            print_json({"ok": True, "models": list(MODEL_NAMES)})
        else:
            for name in MODEL_NAMES:
                console.print(name, markup=False)
        return
    # json_schema() checks the mode and raises InvalidInputError naming it.
    result = json_schema(model, mode=cast("SchemaMode", mode))
    if json_:
        print_json({"ok": True, "model": result["title"], "mode": mode, "schema": result})
    else:
        print_json(result)
