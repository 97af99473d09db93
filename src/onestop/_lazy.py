"""Lazy public names for onestop's package ``__init__`` files (PEP 562).

A package lists its public names in a table ``name -> module that defines it`` and installs
the pair of module functions this helper returns::

    __getattr__, __dir__ = lazy_names(__name__, _LAZY)

The first access to a name imports its module, caches the value in the package namespace (so
later accesses never come back here) and returns it. Importing the package itself imports
nothing from the table, which keeps ``import onestop`` free of optional dependencies.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Callable, Mapping
from types import ModuleType
from typing import Any

__all__ = ["lazy_names"]


def _import(module: str, _name: str) -> ModuleType:
    return importlib.import_module(module)


def lazy_names(
    package: str,
    table: Mapping[str, str],
    *,
    load: Callable[[str, str], ModuleType] = _import,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build a package's module-level ``__getattr__`` and ``__dir__`` over a lazy-name table.

    Args:
        package: the package's ``__name__``; its namespace receives each loaded value.
        table: public name -> dotted name of the module that defines it.
        load: imports ``module`` for the public ``name`` (arguments in that order); the default
            is :func:`importlib.import_module`. A package whose modules need an optional extra
            passes a loader that turns the ``ImportError`` into an install hint.

    Returns:
        ``(__getattr__, __dir__)``: ``__getattr__`` raises :class:`AttributeError` for a name
        not in ``table``; ``__dir__`` lists the namespace and every table name, sorted.
    """

    def module_getattr(name: str) -> Any:
        module = table.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(load(module, name), name)
        setattr(sys.modules[package], name, value)
        return value

    def module_dir() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(table))

    return module_getattr, module_dir
