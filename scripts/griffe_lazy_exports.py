"""A griffe extension for the documentation site: lazy packages' names, docstring examples.

onestop's lazy packages (``onestop``, ``onestop.connectors``, ``onestop.signatures``…) declare
their public names once, as explicit re-exports in a sibling ``__init__.pyi``
(``from .portal import PortalClient as PortalClient``) and have no static ``__all__``: it is
built at run time from the same stub (docs/design.md, "Lazy imports, declared once"). griffe
merges the stub but, without ``__all__``, treats its re-exports as private imports, so the API
reference would be empty. This extension reads the stub the same way and gives each such
package its exports. mkdocs.yml loads it (``extensions: [scripts/griffe_lazy_exports.py]``).

It also adapts two habits of onestop's docstrings to Markdown: a Google-style ``Example:``
section is read as griffe's ``Examples:`` section, so that its ``>>>`` lines render as code
(as Markdown text, ``x["a"]["b"]`` would read as a reference link); and Sphinx roles
(``:class:`~onestop.models.Dossier```, ``:func:`compute_due```) become code spans showing the
name, instead of the raw role.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import griffe


def stub_exports(stub: Path) -> list[str]:
    """The names ``stub`` re-exports explicitly (``import x as x``, ``from m import x as x``)."""
    names: list[str] = []
    for node in ast.parse(stub.read_text(encoding="utf-8")).body:
        if isinstance(node, ast.ImportFrom | ast.Import):
            names += [a.asname for a in node.names if a.asname and a.asname == a.name]
    return names


_EXAMPLE_HEADING = re.compile(r"^(\s*)Example:[ \t]*$", re.MULTILINE)
_SPHINX_ROLE = re.compile(
    r":(?:py:)?(?:class|func|meth|attr|data|mod|exc|obj|const|type):`(~?)([^`<>]+?)`"
)


def _role_to_code(match: re.Match[str]) -> str:
    """``:class:`~a.b.C``` -> ```C```, ``:func:`a.f``` -> ```a.f```."""
    target = match.group(2).strip()
    return f"`{target.rsplit('.', 1)[-1] if match.group(1) else target}`"


class LazyExports(griffe.Extension):
    """Sets the exports of every package that has an ``__init__.pyi`` beside its ``__init__.py``."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: Any) -> None:  # noqa: ARG002
        """Read ``Example:`` as ``Examples:``; Sphinx roles as code spans."""
        if obj.docstring is not None:
            text = _EXAMPLE_HEADING.sub(r"\1Examples:", obj.docstring.value)
            obj.docstring.value = _SPHINX_ROLE.sub(_role_to_code, text)

    def on_package(self, *, pkg: griffe.Module, **kwargs: Any) -> None:  # noqa: ARG002
        """Walk the package tree once it is loaded."""
        self._visit(pkg)

    def _visit(self, module: griffe.Module) -> None:
        paths = module.filepath if isinstance(module.filepath, list) else [module.filepath]
        for path in paths:
            stub = Path(path).with_suffix(".pyi") if path else None
            if stub is not None and stub.name == "__init__.pyi" and stub.is_file():
                # Subpackages are documented on their own pages, not inlined into the parent.
                module.exports = [
                    name
                    for name in stub_exports(stub)
                    if not name.startswith("_") and not _is_submodule(module, name)
                ]
                break
        for member in module.modules.values():
            self._visit(member)


def _is_submodule(module: griffe.Module, name: str) -> bool:
    member = module.members.get(name)
    return member is not None and member.is_alias and member.target_path.count(".") == 1
