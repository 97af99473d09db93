"""The public API is curated: ``__all__`` is pinned and every name in it resolves."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import onestop

PUBLIC_PACKAGES = [
    "onestop",
    "onestop.errors",
    "onestop.models",
    "onestop.deadlines",
    "onestop.signatures",
    "onestop.connectors",
    "onestop.reports",
    "onestop.testing",
]


def test_all_is_sorted_and_unique():
    assert list(onestop.__all__) == sorted(set(onestop.__all__))


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_every_exported_name_resolves(package):
    module = importlib.import_module(package)
    for name in module.__all__:
        assert getattr(module, name) is not None, f"{package}.{name}"


@pytest.mark.parametrize("package", PUBLIC_PACKAGES)
def test_no_private_names_exported(package):
    module = importlib.import_module(package)
    leaked = [n for n in module.__all__ if n.startswith("_") and n != "__version__"]
    assert leaked == []


def test_exported_objects_come_from_onestop():
    for name in onestop.__all__:
        obj = getattr(onestop, name)
        mod = getattr(obj, "__module__", "onestop")
        assert mod.startswith("onestop"), (name, mod)


def test_public_modules_do_not_reexport_private_modules():
    """No public module exposes a private module object (pydantic's test_public_internal)."""
    root = onestop.__path__
    for info in pkgutil.walk_packages(root, prefix="onestop."):
        if any(part.startswith("_") for part in info.name.split(".")):
            continue
        if info.name.startswith("onestop.cli"):
            continue
        module = importlib.import_module(info.name)
        for name in getattr(module, "__all__", []):
            value = getattr(module, name)
            assert not (
                type(value).__name__ == "module" and value.__name__.split(".")[-1].startswith("_")
            ), (info.name, name)


def test_version_matches_metadata():
    from importlib.metadata import version

    assert onestop.__version__ == version("onestop")


def test_unknown_attribute_raises_attribute_error():
    with pytest.raises(AttributeError):
        _ = onestop.does_not_exist  # type: ignore[attr-defined]
