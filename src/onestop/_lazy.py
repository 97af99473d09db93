"""Lazy public names, declared once in a package's ``__init__.pyi`` (PEP 562, SPEC 1 style).

A lazy package lists its public names in a sibling stub file, as explicit re-exports::

    # onestop/connectors/__init__.pyi
    from .portal import PortalClient as PortalClient
    from .outbox import Outbox as Outbox

Type checkers and IDEs read the stub. At run time the package's ``__init__.py`` is only::

    from onestop._lazy import attach_stub

    __getattr__, __dir__ = attach_stub(__name__, __file__)

:func:`attach_stub` turns the same stub into the module's ``__getattr__`` and ``__dir__``:
``__all__`` is the stub's names, and the first access to a name imports its module, stores
the value in the package namespace (later accesses never come back here) and returns it.
So a name is written once, and what mypy sees is exactly what loads.

Importing a package costs nothing beyond its ``__init__.py``: the stub is parsed (into an
:mod:`ast` tree) at the first attribute lookup, once per process. An optional dependency that is
not installed becomes a :class:`~onestop.errors.MissingExtraError` naming the extra to install
(also an ``ImportError``), for every lazy package, instead of a bare ``ModuleNotFoundError``.

Only ``from <module> import <name> as <name>`` statements are public names (PEP 484's rule for
stubs), including subpackages (``from . import models as models``, imported on first access);
any other import in a stub is private to the stub, and any other statement is refused, so that
a stub cannot declare a name that would not load.
"""

from __future__ import annotations

import importlib
import sys
import warnings

# Not ``typing.TYPE_CHECKING``: importing typing would cost ``import onestop`` a few ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType
    from typing import Any

    from onestop.errors import MissingExtraError

__all__ = [
    "EXTRA_OF",
    "attach_stub",
    "import_quietly",
    "load_module",
    "missing_extra",
    "stub_names",
]

#: Top-level import name of an optional dependency -> the onestop extra that installs it.
EXTRA_OF: dict[str, str] = {
    "asn1crypto": "signatures",
    "cryptography": "signatures",
    "pyhanko": "pdf",
    "pyhanko_certvalidator": "pdf",
    "httpx": "http",
    "httpcore": "http",
    "anyio": "http",
    "numpy": "numpy",
    "typer": "cli",
    "rich": "cli",
    "fpdf": "forms",
    "segno": "forms",
    "fontTools": "forms",
    "pyarrow": "records",
    "duckdb": "reports",
    "pyspark": "spark",
    "py4j": "spark",
    "python_calamine": "excel",
    "matplotlib": "charts",
    "hypothesis": "testkit",
    "yaml": "testkit",
}


def import_quietly(module: str) -> ModuleType:
    """Import a third-party ``module`` without showing the deprecation notices its import emits.

    A dependency's import-time deprecation (pyHanko imports ``DSAPrivateKey``, which
    cryptography 51 deprecates) is a matter between that package and its own dependencies: it
    says nothing about onestop's use of it, a user cannot act on it, and on the command line it
    reads as a fault. Silenced, during the import only: deprecation categories, and user
    warnings attributed to third-party modules (cryptography's deprecation class is one).
    Every warning onestop itself emits, and everything after the import, is left alone.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        # cryptography's own deprecation class is a UserWarning; naming it would import
        # cryptography for callers that never need it, so match what third-party modules emit.
        warnings.filterwarnings("ignore", category=UserWarning, module=r"(?!onestop(\.|$))")
        return importlib.import_module(module)


def missing_extra(exc: ImportError, *, feature: str) -> MissingExtraError | None:
    """The error to raise for ``exc`` when it is a missing optional dependency, else ``None``.

    Args:
        exc: the import failure.
        feature: what needed the dependency, for the message (e.g. ``"PDF signatures"``).

    Returns:
        A :class:`~onestop.errors.MissingExtraError` whose ``field`` is the extra's name and
        whose ``name`` is the missing module; ``None`` when ``exc`` is about anything else
        (a bug in onestop must not be disguised as a missing extra).
    """
    from onestop.errors import MissingExtraError

    name = (exc.name or "").split(".")[0]
    extra = EXTRA_OF.get(name)
    if extra is None:
        return None
    error = MissingExtraError(
        f"{extra}: the optional dependency {name!r} is not installed (needed for {feature}); "
        f"install it with pip install 'onestop-vn[{extra}]'",
        field=extra,
    )
    error.name = name
    return error


def load_module(
    module: str,
    *,
    feature: str,
    importer: Callable[[str], ModuleType] = importlib.import_module,
) -> ModuleType:
    """Import ``module``, or raise a :class:`~onestop.errors.MissingExtraError` naming its extra.

    Args:
        module: dotted module name.
        feature: what needs it, for the message.
        importer: the import function (``importlib.import_module`` by default).

    Raises:
        MissingExtraError: an optional dependency of ``module`` is not installed.
        ImportError: any other import failure, unchanged.
    """
    try:
        return importer(module)
    except ImportError as exc:
        error = missing_extra(exc, feature=feature)
        if error is None:
            raise
        raise error from exc


def _resolve(package: str, module: str | None, level: int) -> str:
    """The absolute name of ``from <dots><module> import ...`` inside ``package``."""
    if level == 0:
        return module or package
    parts = package.split(".")
    if level > len(parts):
        raise ImportError(f"{package}: a relative import in its stub goes above the top package")
    base = ".".join(parts[: len(parts) - level + 1])
    return f"{base}.{module}" if module else base


def stub_names(package: str, stub: str) -> dict[str, tuple[str, str]]:
    """Read the public names a package's stub declares.

    Args:
        package: the package's dotted name (relative imports are resolved against it).
        stub: the path of its ``__init__.pyi``.

    Returns:
        Public name -> ``(module, attribute)`` where it is defined, in the stub's order; a
        subpackage declared as ``from . import sub as sub`` is ``("<package>.sub", "")``.

    Raises:
        ImportError: the stub is missing, or holds a statement other than a docstring and
            imports (the error names the file and line).
    """
    # ast.parse() is compile() with PyCF_ONLY_AST; calling compile() with the node classes of
    # the built-in _ast module gives the same tree without importing ast (and enum,
    # contextlib, ...): a few ms of the first lookup in ``import onestop; onestop.X``.
    import _ast as ast

    try:
        with open(stub, encoding="utf-8") as handle:
            tree = compile(handle.read(), stub, "exec", flags=ast.PyCF_ONLY_AST, dont_inherit=True)
    except OSError as exc:
        raise ImportError(f"{package}: cannot read its stub {stub!r} ({exc})") from None
    if not isinstance(tree, ast.Module):  # pragma: no cover - "exec" mode always gives a Module
        raise ImportError(f"{stub}: not a module")
    names: dict[str, tuple[str, str]] = {}
    for index, node in enumerate(tree.body):
        if isinstance(node, ast.ImportFrom):
            source = _resolve(package, node.module, node.level)
            for alias in node.names:
                if alias.asname is not None and alias.asname == alias.name:
                    if source == package:  # ``from . import sub as sub``: the subpackage
                        names[alias.name] = (f"{package}.{alias.name}", "")
                    else:
                        names[alias.name] = (source, alias.name)
            continue
        if isinstance(node, ast.Import) or (
            index == 0 and isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        ):
            continue  # a private import of the stub, or its docstring
        raise ImportError(
            f"{stub}:{node.lineno}: a lazy package's stub holds only its docstring and "
            "imports; declare public names as 'from .module import Name as Name'"
        )
    return names


def attach_stub(
    package: str,
    init_file: str,
    *,
    importer: Callable[[str], ModuleType] = importlib.import_module,
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """Build a package's module-level ``__getattr__`` and ``__dir__`` from its ``__init__.pyi``.

    Args:
        package: the package's ``__name__``; its namespace receives each loaded value.
        init_file: the package's ``__file__``; the stub is the ``.pyi`` beside it.
        importer: how modules are imported (a package whose dependencies print deprecation
            notices at import time passes a quieter importer).

    Returns:
        ``(__getattr__, __dir__)``. ``__getattr__`` resolves each public name (and
        ``__all__``, the sorted public names) on first use and raises
        :class:`AttributeError` for any other name; ``__dir__`` lists the namespace and
        every public name, sorted.
    """
    stub = init_file[: -len(".py")] + ".pyi" if init_file.endswith(".py") else init_file + "i"
    table: dict[str, tuple[str, str]] = {}

    def names() -> dict[str, tuple[str, str]]:
        if not table:
            table.update(stub_names(package, stub))
        return table

    def module_getattr(name: str) -> Any:
        namespace = sys.modules[package]
        if name == "__all__":
            value: Any = sorted(names())
        else:
            where = names().get(name)
            if where is None:
                raise AttributeError(f"module {package!r} has no attribute {name!r}")
            module, attribute = where
            loaded = load_module(module, feature=f"{package}.{name}", importer=importer)
            value = getattr(loaded, attribute) if attribute else loaded
        setattr(namespace, name, value)
        return value

    def module_dir() -> list[str]:
        return sorted(set(vars(sys.modules[package])) | set(names()) | {"__all__"})

    return module_getattr, module_dir
