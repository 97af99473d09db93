"""The lazy public names of onestop's packages (``onestop._lazy.lazy_names``, PEP 562).

What mypy and IDEs see (the ``if TYPE_CHECKING:`` imports) must be exactly what loads at run
time (the ``_LAZY`` table), from the same module; a name added to one list only would be
``Any`` to type checkers or missing at run time.
"""

from __future__ import annotations

import ast
import importlib
import sys
import types
from pathlib import Path

import pytest

from onestop._lazy import lazy_names

PACKAGES = [
    "onestop",
    "onestop.connectors",
    "onestop.signatures",
    "onestop.testing",
    "onestop.records",
    "onestop.reports",
]


def _type_checking_imports(package: str) -> dict[str, str]:
    path = Path(importlib.import_module(package).__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: dict[str, str] = {}
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            for stmt in node.body:
                assert isinstance(stmt, ast.ImportFrom)
                for alias in stmt.names:
                    found[alias.asname or alias.name] = stmt.module or ""
    return found


@pytest.mark.parametrize("package", PACKAGES)
def test_type_checking_view_matches_the_lazy_table(package):
    table = importlib.import_module(package)._LAZY
    seen = _type_checking_imports(package)
    assert set(seen) == set(table)
    assert seen == dict(table)


@pytest.mark.parametrize("package", PACKAGES)
def test_every_lazy_name_loads_and_is_listed(package):
    module = importlib.import_module(package)
    assert set(module._LAZY) <= set(module.__all__)
    assert set(module.__all__) <= set(dir(module))


def test_loads_once_and_caches_in_the_namespace(monkeypatch):
    package = types.ModuleType("fake_lazy_pkg")
    monkeypatch.setitem(sys.modules, "fake_lazy_pkg", package)
    calls: list[tuple[str, str]] = []

    def load(module: str, name: str) -> types.ModuleType:
        calls.append((module, name))
        return importlib.import_module(module)

    getattr_, dir_ = lazy_names("fake_lazy_pkg", {"dumps": "json"}, load=load)
    import json

    assert getattr_("dumps") is json.dumps
    assert vars(package)["dumps"] is json.dumps  # later lookups never reach __getattr__
    assert calls == [("json", "dumps")]
    assert "dumps" in dir_() and dir_() == sorted(dir_())


def test_unknown_name_is_an_attribute_error_naming_the_package(monkeypatch):
    monkeypatch.setitem(sys.modules, "fake_lazy_pkg", types.ModuleType("fake_lazy_pkg"))
    getattr_, _ = lazy_names("fake_lazy_pkg", {"dumps": "json"})
    with pytest.raises(AttributeError, match="module 'fake_lazy_pkg' has no attribute 'nope'"):
        getattr_("nope")
    with pytest.raises(AttributeError):
        importlib.import_module("onestop.connectors").NoSuchClient  # noqa: B018
