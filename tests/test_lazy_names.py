"""Lazy public names, declared once in each lazy package's ``__init__.pyi`` (``onestop._lazy``).

What mypy and IDEs read (the stub) is what loads at run time: ``__all__`` is the stub's
names, each resolves to the object the stub names, the ``__init__.py`` files hold no second
list, and a missing optional dependency is a ``MissingExtraError`` naming the extra in every
lazy package.
"""

from __future__ import annotations

import ast
import importlib
import importlib.util
import subprocess
import sys
import textwrap
import types
from pathlib import Path

import pytest

import onestop
from onestop._lazy import attach_stub, stub_names
from onestop.errors import MissingExtraError

SRC = Path(onestop.__file__).parent


def _lazy_packages() -> list[str]:
    """Every package whose ``__init__.py`` calls ``attach_stub`` (found from the source)."""
    found = []
    for init in sorted(SRC.rglob("__init__.py")):
        if "attach_stub(" in init.read_text(encoding="utf-8"):
            parts = init.parent.relative_to(SRC.parent).parts
            found.append(".".join(parts))
    return found


PACKAGES = _lazy_packages()


def test_the_lazy_packages_are_found():
    assert {"onestop", "onestop.connectors", "onestop.signatures", "onestop.testing"} <= set(
        PACKAGES
    )


def test_every_stub_belongs_to_a_lazy_package():
    stubs = {".".join(p.parent.relative_to(SRC.parent).parts) for p in SRC.rglob("__init__.pyi")}
    assert stubs == set(PACKAGES)


def _stub(package: str) -> Path:
    return Path(importlib.import_module(package).__file__ or "").with_suffix(".pyi")


@pytest.mark.parametrize("package", PACKAGES)
def test_runtime_names_are_the_stub_names(package):
    module = importlib.import_module(package)
    declared = stub_names(package, str(_stub(package)))
    assert module.__all__ == sorted(declared)
    assert set(declared) <= set(dir(module))


@pytest.mark.parametrize("package", PACKAGES)
def test_every_name_resolves_to_the_object_the_stub_names(package):
    module = importlib.import_module(package)
    for name, (source, attribute) in stub_names(package, str(_stub(package))).items():
        if package == "onestop.spark" and importlib.util.find_spec("pyspark") is None:
            # the spark extra is installed beside dev, not in it: without pyspark every name
            # of onestop.spark names the extra to install instead
            with pytest.raises(MissingExtraError, match=r"onestop-vn\[spark\]"):
                getattr(module, name)
            continue
        loaded = importlib.import_module(source)
        expected = getattr(loaded, attribute) if attribute else loaded
        assert getattr(module, name) is expected, f"{package}.{name}"


@pytest.mark.parametrize("package", PACKAGES)
def test_the_init_file_declares_no_second_list(package):
    """No ``if TYPE_CHECKING:`` imports, no name table, no hand-written ``__all__``."""
    path = Path(importlib.import_module(package).__file__ or "")
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        assert not isinstance(node, ast.If), f"{path}:{node.lineno}"
        targets = [
            t.id
            for t in getattr(node, "targets", [getattr(node, "target", None)])
            if isinstance(t, ast.Name)
        ]
        assert "__all__" not in targets and "_LAZY" not in targets, f"{path}:{node.lineno}"
    assert "TYPE_CHECKING" not in path.read_text(encoding="utf-8")


@pytest.mark.parametrize("package", PACKAGES)
def test_stub_declares_only_explicit_reexports(package):
    tree = ast.parse(_stub(package).read_text(encoding="utf-8"))
    for node in tree.body[1:]:
        assert isinstance(node, ast.ImportFrom), ast.unparse(node)
        assert all(alias.asname == alias.name for alias in node.names), ast.unparse(node)


def _fake_package(tmp_path: Path, monkeypatch, stub: str, name: str = "lazyfake") -> Path:
    init = tmp_path / name / "__init__.py"
    init.parent.mkdir()
    init.write_text("", encoding="utf-8")
    (tmp_path / name / "__init__.pyi").write_text(textwrap.dedent(stub), encoding="utf-8")
    monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    return init


def test_loads_once_and_caches_in_the_namespace(tmp_path, monkeypatch):
    init = _fake_package(tmp_path, monkeypatch, "from json import dumps as dumps\n")
    calls: list[str] = []

    def importer(module: str) -> types.ModuleType:
        calls.append(module)
        return importlib.import_module(module)

    getattr_, dir_ = attach_stub("lazyfake", str(init), importer=importer)
    import json

    assert getattr_("dumps") is json.dumps
    assert vars(sys.modules["lazyfake"])["dumps"] is json.dumps  # never reaches __getattr__
    assert calls == ["json"]
    assert getattr_("__all__") == ["dumps"]
    assert "dumps" in dir_() and dir_() == sorted(dir_())


def test_private_imports_of_the_stub_are_not_public(tmp_path, monkeypatch):
    init = _fake_package(
        tmp_path,
        monkeypatch,
        '''\
        """Docstring."""
        import json
        from json import loads
        from json import dumps as dumps, JSONDecodeError as Error
        ''',
    )
    getattr_, _ = attach_stub("lazyfake", str(init))
    assert getattr_("__all__") == ["dumps"]
    with pytest.raises(AttributeError):
        getattr_("loads")
    with pytest.raises(AttributeError):
        getattr_("Error")


def test_relative_imports_resolve_against_the_package():
    names = stub_names("onestop.signatures", str(_stub("onestop.signatures")))
    assert names["sign_pdf"] == ("onestop.signatures.pdf", "sign_pdf")
    top = stub_names("onestop", str(_stub("onestop")))
    assert top["PortalClient"] == ("onestop.connectors", "PortalClient")
    assert top["__version__"] == ("onestop._version", "__version__")


def test_a_stub_with_other_statements_is_refused(tmp_path, monkeypatch):
    init = _fake_package(tmp_path, monkeypatch, "from json import dumps as dumps\nX: int\n")
    getattr_, _ = attach_stub("lazyfake", str(init))
    with pytest.raises(ImportError, match=r"__init__\.pyi:2: .*declare public names"):
        getattr_("dumps")


def test_unknown_name_is_an_attribute_error_naming_the_package(tmp_path, monkeypatch):
    init = _fake_package(tmp_path, monkeypatch, "from json import dumps as dumps\n")
    getattr_, _ = attach_stub("lazyfake", str(init))
    with pytest.raises(AttributeError, match="module 'lazyfake' has no attribute 'nope'"):
        getattr_("nope")
    with pytest.raises(AttributeError):
        importlib.import_module("onestop.connectors").NoSuchClient  # noqa: B018


def test_a_missing_module_that_is_not_an_extra_is_not_disguised(tmp_path, monkeypatch):
    init = _fake_package(tmp_path, monkeypatch, "from no_such_module_here import thing as thing\n")
    getattr_, _ = attach_stub("lazyfake", str(init))
    with pytest.raises(ModuleNotFoundError) as info:
        getattr_("thing")
    assert type(info.value) is ModuleNotFoundError


#: (hidden dependency, statement, extra named): one name of every lazy package, in a fresh
#: interpreter each (names are cached once loaded).
MISSING = [
    ("httpx", "from onestop import PortalClient", "http"),
    ("httpx", "from onestop.connectors import AsyncPortalClient", "http"),
    ("httpx", "from onestop.testing import FakeRemoteSigner", "http"),
    ("cryptography", "from onestop.signatures import sign_bytes", "signatures"),
    ("cryptography", "from onestop.testing import build_test_pki", "signatures"),
    ("cryptography", "import onestop; onestop.verify_pdf", "signatures"),
    ("pyspark", "from onestop.spark import report", "spark"),
]


@pytest.mark.parametrize(("hidden", "statement", "extra"), MISSING)
def test_a_missing_extra_is_named_for_every_lazy_package(hidden, statement, extra):
    code = textwrap.dedent(
        f"""\
        import sys
        sys.modules[{hidden!r}] = None
        from onestop.errors import MissingExtraError
        try:
            {statement}
        except ImportError as exc:  # what `try: import ... except ImportError` code sees
            assert isinstance(exc, MissingExtraError), type(exc)
            print(exc.field, exc.name, '|', exc)
        else:
            raise SystemExit("no ImportError")
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=False)
    assert done.returncode == 0, done.stderr.decode()
    field, name, message = done.stdout.decode().replace(" | ", " ", 1).split(" ", 2)
    assert (field, name) == (extra, hidden)
    assert f"pip install 'onestop-vn[{extra}]'" in message


def test_import_onestop_parses_nothing_and_imports_no_submodule():
    code = (
        "import sys, onestop\n"
        "print(sorted(m for m in sys.modules if m.startswith(('ast', 'onestop'))))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    assert done.stdout.strip() == "['onestop', 'onestop._lazy']"


def test_reading_the_stub_does_not_import_ast():
    """The first lookup parses the stub without the ``ast`` module (a few ms saved)."""
    code = "import sys, onestop\nonestop.__all__\nprint('ast' in sys.modules)"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    assert done.stdout.strip() == "False"


def test_subpackages_are_attributes_of_the_top_level():
    """``import onestop`` then ``onestop.errors.X`` / ``onestop.deadlines.X``, loaded on use."""
    code = (
        "import sys, onestop\n"
        "assert 'onestop.deadlines' not in sys.modules\n"
        "print(onestop.deadlines.__name__, onestop.errors.OneStopError.__name__)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True)
    assert done.stdout.split() == ["onestop.deadlines", "OneStopError"]
    top = stub_names("onestop", str(_stub("onestop")))
    assert top["deadlines"] == ("onestop.deadlines", "")
