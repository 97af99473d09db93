"""The import structure of the package: layers that point down, no cycles, no private reach-ins.

Read from the source with :mod:`ast` (nothing is imported): every ``import`` and ``from ...
import`` of every module of ``src/onestop``, at module level or inside a function (a lazy
import is still a dependency), except those under ``if TYPE_CHECKING:`` (annotations only, no
import at run time).

* no import cycle among the modules of :mod:`onestop.deadlines` (and no submodule importing
  the package itself, whose ``__init__`` imports them all);
* the packages depend downwards only: ``errors`` ← ``tz`` ← ``models`` ← ``deadlines`` ← the
  rest, ``cli`` on top;
* no private name (``_x``) of another module is imported, or read through a module or object
  (``other._x``): every cross-module use goes through a public name. Importing a public name
  from a private module (``from onestop.deadlines._index import CalendarIndex``) is fine.
  :mod:`onestop.deadlines` and :mod:`onestop.models` are checked strictly; the other packages'
  present offenders are listed in :data:`KNOWN_PRIVATE_USES`, which may only shrink (an entry
  that no longer occurs fails the test too, so that the list is kept exact).

The tests are read the same way:

* a test uses public paths of onestop only, as a user would, unless it is explicitly about a
  private module's own contract (:data:`TESTS_PRIVATE_ALLOWED`, each entry with its reason);
* no test module imports another test module or a ``conftest.py``: shared code is a fixture in
  a ``conftest.py``, or, when needed at collection time, a module of ``tests._helpers``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"
PACKAGE = SRC / "onestop"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES: dict[str, Path] = {_module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}
TREES: dict[str, ast.Module] = {
    name: ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    for name, path in MODULES.items()
}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _runtime_nodes(tree: ast.AST) -> Iterator[ast.AST]:
    """Every node except those under ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        yield node
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.If) and _is_type_checking(child.test):
                stack.extend(child.orelse)
                continue
            stack.append(child)


def _package_of(module: str) -> str:
    """The package a module's relative imports start from."""
    is_package = MODULES[module].name == "__init__.py"
    return module if is_package else module.rpartition(".")[0]


def _resolve(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = _package_of(module)
    for _ in range(node.level - 1):
        base = base.rpartition(".")[0]
    return f"{base}.{node.module}" if node.module else base


def imports(module: str) -> list[tuple[str, str | None]]:
    """``(imported module, imported name or None)`` of ``module``'s run-time imports."""
    out: list[tuple[str, str | None]] = []
    for node in _runtime_nodes(TREES[module]):
        if isinstance(node, ast.Import):
            out.extend((alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            source = _resolve(module, node)
            for alias in node.names:
                # "from package import submodule" depends on the submodule
                sub = f"{source}.{alias.name}"
                out.append((sub, None) if sub in MODULES else (source, alias.name))
    return out


def dependencies(module: str) -> set[str]:
    """The onestop modules ``module`` imports at run time."""
    return {target for target, _ in imports(module) if target in MODULES and target != module}


def _cycles(nodes: set[str]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    graph = {n: dependencies(n) & nodes for n in nodes}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(n: str) -> None:
        index[n] = low[n] = len(index)
        stack.append(n)
        on_stack.add(n)
        for m in sorted(graph[n]):
            if m not in index:
                visit(m)
                low[n] = min(low[n], low[m])
            elif m in on_stack:
                low[n] = min(low[n], index[m])
        if low[n] == index[n]:
            component = []
            while True:
                m = stack.pop()
                on_stack.discard(m)
                component.append(m)
                if m == n:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for n in sorted(nodes):
        if n not in index:
            visit(n)
    return found


DEADLINES = {m for m in MODULES if m == "onestop.deadlines" or m.startswith("onestop.deadlines.")}


def test_the_graph_is_read_from_the_source():
    # guards against a parser that silently finds nothing
    assert "onestop.deadlines.policies" in dependencies("onestop.deadlines.bulk")
    assert "onestop.deadlines.calendar" in dependencies("onestop.deadlines.policies")
    assert "onestop.tz" in dependencies("onestop.models._dossier")
    assert _cycles(set()) == []


def test_no_import_cycle_among_the_deadlines_modules():
    assert _cycles(DEADLINES) == []


def test_deadlines_submodules_do_not_import_their_package():
    offenders = sorted(
        m for m in DEADLINES - {"onestop.deadlines"} if "onestop.deadlines" in dependencies(m)
    )
    assert offenders == []


def test_the_calendar_does_not_know_the_vectorised_layer():
    # the array kernels live in bulk; the calendar (and everything the engine needs) is scalar
    for module in DEADLINES - {"onestop.deadlines.bulk", "onestop.deadlines"}:
        assert "onestop.deadlines.bulk" not in dependencies(module), module


def test_no_import_cycle_in_the_whole_package():
    assert _cycles(set(MODULES) - {"onestop"}) == []


#: What each layer may import from onestop (besides its own modules). ``onestop`` itself
#: (the lazy top-level package) and ``onestop.cli`` sit on top of everything.
_BASE = {"onestop.errors", "onestop.tz", "onestop._lazy", "onestop._version", "onestop._http"}
LAYERS: dict[str, set[str]] = {
    "onestop.errors": set(),
    "onestop._version": set(),
    "onestop.tz": {"onestop.errors"},
    "onestop.models": {"onestop.errors", "onestop.tz"},
    "onestop.deadlines": {"onestop.errors", "onestop.tz", "onestop.models"},
    "onestop.signatures": _BASE | {"onestop.models", "onestop.deadlines"},
    "onestop.connectors": _BASE | {"onestop.models", "onestop.deadlines"},
    "onestop.forms": _BASE | {"onestop.models", "onestop.deadlines", "onestop.signatures"},
    "onestop.records": _BASE | {"onestop.models", "onestop.deadlines"},
    "onestop.reports": _BASE | {"onestop.models", "onestop.deadlines", "onestop.records"},
    # The cluster engine runs the reports' kernel and SQL; nothing in the library uses it
    # but the CLI.
    "onestop.spark": _BASE
    | {"onestop.models", "onestop.deadlines", "onestop.records", "onestop.reports"},
    # The shipped test doubles may use any library layer (make_test_pdf draws with the forms'
    # font); nothing but the CLI and the top-level package sits above them.
    "onestop.testing": _BASE
    | {
        "onestop.models",
        "onestop.deadlines",
        "onestop.signatures",
        "onestop.connectors",
        "onestop.forms",
        "onestop.records",
        "onestop.reports",
    },
    # The simulated centre runs every layer against the shipped fakes; only the CLI uses it.
    "onestop.demo": _BASE
    | {
        "onestop.models",
        "onestop.deadlines",
        "onestop.signatures",
        "onestop.connectors",
        "onestop.forms",
        "onestop.records",
        "onestop.reports",
        "onestop.testing",
    },
}


def _layer(module: str) -> str:
    for layer in sorted(LAYERS, key=len, reverse=True):
        if module == layer or module.startswith(layer + "."):
            return layer
    return module


@pytest.mark.parametrize("layer", sorted(LAYERS))
def test_layers_point_down(layer):
    wrong = sorted(
        (m, d)
        for m in MODULES
        if _layer(m) == layer
        for d in dependencies(m)
        if _layer(d) != layer and _layer(d) not in LAYERS[layer]
    )
    assert wrong == []


def _defined_names(tree: ast.Module) -> set[str]:
    """Every name a module binds anywhere (functions, classes, members, assignments)."""
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            names.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            names.add(node.attr)
        elif isinstance(node, ast.arg):
            names.add(node.arg)
        elif isinstance(node, ast.alias):
            names.add(node.asname or node.name.split(".")[0])
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            # slots and attrs' private fields are named by strings ("_cache")
            names.add(node.value)
    return names


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def private_uses(module: str) -> set[tuple[str, str]]:
    """``(module, name)`` for each private name of another module that ``module`` uses."""
    tree = TREES[module]
    found: set[tuple[str, str]] = set()
    for target, name in imports(module):
        if name is not None and _private(name) and target != module:
            found.add((module, name))
    own = _defined_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _private(node.attr):
            continue
        base = node.value
        if isinstance(base, ast.Name) and base.id in ("self", "cls"):
            continue
        if node.attr not in own:
            found.add((module, node.attr))
    return found


#: Private names of the standard library and dependencies that onestop reads on purpose.
THIRD_PARTY_PRIVATE: set[tuple[str, str]] = {
    # the calling frame, to attribute a warning to the user's line (see the module docstring)
    ("onestop.deadlines._warn", "_getframe"),
    # the type of zlib's decompressor objects (an annotation: zlib names it privately)
    ("onestop.connectors.portal", "_Decompress"),
}

#: Present offenders outside deadlines and models, as ``(module, private name)``. Shrink it;
#: never grow it (empty today: keep it so).
KNOWN_PRIVATE_USES: set[tuple[str, str]] = set()


def _all_private_uses() -> set[tuple[str, str]]:
    return {use for m in MODULES for use in private_uses(m)} - THIRD_PARTY_PRIVATE


def test_deadlines_and_models_use_no_private_name_of_another_module():
    strict = sorted(
        use
        for use in _all_private_uses()
        if use[0] in DEADLINES or use[0] == "onestop.models" or use[0].startswith("onestop.models.")
    )
    assert strict == []


def test_no_new_private_reach_in_anywhere():
    assert sorted(_all_private_uses() - KNOWN_PRIVATE_USES) == []


def test_the_allow_list_is_exact():
    # an offender fixed elsewhere must leave the list too
    assert sorted(KNOWN_PRIVATE_USES - _all_private_uses()) == []


def test_the_private_use_check_finds_reach_ins():
    tree = ast.parse("from onestop.deadlines.calendar import _date_arg\nx = cal._index(1, 2)\n")
    TREES["onestop.__probe__"] = tree
    MODULES["onestop.__probe__"] = MODULES["onestop.deadlines.calendar"]
    try:
        assert private_uses("onestop.__probe__") == {
            ("onestop.__probe__", "_date_arg"),
            ("onestop.__probe__", "_index"),
        }
    finally:
        del TREES["onestop.__probe__"], MODULES["onestop.__probe__"]


# ---------------------------------------------------------------------------- the tests

TESTS = Path(__file__).resolve().parent
TEST_TREES: dict[str, ast.Module] = {
    path.relative_to(TESTS.parent).as_posix(): ast.parse(
        path.read_text(encoding="utf-8"), filename=str(path)
    )
    for path in sorted(TESTS.rglob("*.py"))
}

#: Private-looking names that are protocols, not anyone's private member: IPython's display
#: hooks, and the one standard-library function a forked test child exits through.
PROTOCOL_NAMES = {"_repr_html_", "_repr_png_", "_repr_svg_", "_repr_markdown_", "_exit"}


def _private_path(dotted: str) -> bool:
    return any(_private(part) for part in dotted.split("."))


def private_uses_in_test_file(relpath: str) -> set[tuple[str, str]]:
    """``(test file, what)`` for each private path of onestop that a test file uses.

    ``what`` is a module path with a private part (``onestop.deadlines._text``), a private name
    imported from an onestop module (``onestop.cli:_app``), or a private attribute read through
    a module or an object (``._connection``) that the test file does not define itself.
    """
    tree = TEST_TREES[relpath]
    found: set[tuple[str, str]] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {
                (relpath, alias.name)
                for alias in node.names
                if alias.name.split(".")[0] == "onestop" and _private_path(alias.name)
            }
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            if node.module.split(".")[0] != "onestop":
                continue
            if _private_path(node.module):
                found.add((relpath, node.module))
            found |= {
                (relpath, f"{node.module}:{alias.name}")
                for alias in node.names
                if _private(alias.name)
            }
    own = _defined_names(tree)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Attribute) or not _private(node.attr):
            continue
        if isinstance(node.value, ast.Name) and node.value.id in ("self", "cls"):
            continue
        if node.attr not in own and node.attr not in PROTOCOL_NAMES:
            found.add((relpath, f".{node.attr}"))
    return found


#: Tests that use a private path of onestop, each explicitly about that private module's own
#: contract (what it promises the modules that use it), with the reason. Every other test goes
#: through public names, as a user would. Keep it exact: an entry that no longer occurs fails.
TESTS_PRIVATE_ALLOWED: dict[tuple[str, str], str] = {
    ("tests/test_lazy_names.py", "onestop._lazy"): "the lazy loader itself (stub parsing, hints)",
    ("tests/cli/conftest.py", "onestop.cli._commands"): (
        "the Typer app the CLI tests drive in-process; the console script is the public entry"
    ),
    ("tests/spark/conftest.py", "onestop.cli._commands"): (
        "the Typer app the Spark CLI tests drive in-process, on the shared Spark session"
    ),
    ("tests/cli/test_contract.py", "onestop.cli._commands"): (
        "every registered command's contract (envelope, flags), read from the app's registration"
    ),
    ("tests/cli/test_app.py", "onestop.cli:_app"): (
        "the CLI's error handling and JSON envelope, on a throwaway app built the same way"
    ),
    ("tests/cli/test_app.py", "._OneStopGroup"): "the group class that throwaway app is built with",
    ("tests/cli/test_demo.py", "onestop.cli._demo_centre"): (
        "the demo's progress display, which the in-process runner (not a terminal) never shows"
    ),
    ("tests/test_errors.py", "onestop.cli._app"): (
        "which error classes the CLI maps to exit status 2 (bad input) rather than 1"
    ),
    ("tests/connectors/test_protocol.py", "onestop.connectors._protocol"): (
        "the sans-I/O portal protocol (request bodies, envelopes, upsert flow) both clients share"
    ),
    ("tests/deadlines/test_holidays_ics.py", "onestop.deadlines._ics"): (
        "RFC 5545 text escaping and line folding of the iCalendar writer, property-tested"
    ),
    ("tests/deadlines/test_holidays_schedule.py", "onestop.deadlines._statutes"): (
        "the statutory holiday rules by legal era, below the schedule that combines them"
    ),
    ("tests/deadlines/test_lunar_de423.py", "onestop.deadlines._data.vn_lunar_de423"): (
        "the shipped table of new moons near midnight, checked against the ephemeris"
    ),
    ("tests/deadlines/test_lunar_de423.py", "onestop.deadlines:_astro"): (
        "the astronomical computation the lunar tables are generated and checked with"
    ),
    ("tests/deadlines/test_lunar_tables.py", "onestop.deadlines:_astro"): (
        "the astronomical computation the lunar tables are generated and checked with"
    ),
    ("tests/models/test_identity.py", "onestop.models._identity"): (
        "the MST check-digit function, cross-checked with python-stdnum for every prefix "
        "(TaxCode.build is its public use)"
    ),
    ("tests/models/test_agency.py", "._connection"): (
        "the SQLite store's per-thread connection settings (PRAGMA synchronous is per connection)"
    ),
    ("tests/models/test_agency.py", "._connections"): (
        "that the SQLite store closes the connections of finished threads"
    ),
    ("tests/reports/test_indicators.py", "onestop.reports._sql"): (
        "every indicator column of the SQL against an independent reference (the column list "
        "is the SQL module's contract; a candidate for the public API)"
    ),
    ("tests/signatures/test_trust.py", "onestop.signatures._pathchecks"): (
        "RFC 5280 name-constraint matching, case by case, below the chain validation using it"
    ),
    ("tests/testing/test_factories.py", "onestop.testing:_factories"): (
        "that the factories' tax-code draw is bounded, with a random source that never succeeds"
    ),
    ("tests/testing/test_factories.py", "._tax_code"): "the bounded tax-code draw (see above)",
    ("tests/testing/test_factories.py", "._TAX_CODE_DRAWS"): "its bound (see above)",
    ("tests/cli/conftest.py", "onestop.connectors._payment_protocol"): (
        "IPNs signed for the CLI tests with the wire checksum the client and the fake share "
        "(verify_ipn is its public use)"
    ),
    ("tests/cli/test_postal_payment_cli.py", "onestop.connectors._payment_protocol"): (
        "IPNs signed (and then tampered with) by the wire checksum, to drive payment verify-ipn"
    ),
    ("tests/connectors/test_payment.py", "onestop.connectors._payment_protocol"): (
        "the checksum of each payment message and the fields it covers, field by field"
    ),
    ("tests/connectors/test_postal_client.py", "onestop.connectors._postal_wire"): (
        "the first tracking cursor VNPost expects (all zeros), the wire's contract"
    ),
    ("tests/records/test_large_exports.py", "onestop.records._normalize"): (
        "that records spanning several validation batches are read as one (the batch size)"
    ),
    ("tests/reports/test_indicators.py", "onestop.records:_normalize"): (
        "validation batches made tiny so a small table crosses batch boundaries"
    ),
    ("tests/reports/test_indicators.py", "onestop.reports:_report"): (
        "deadline-kernel batches made tiny so a small table crosses batch boundaries"
    ),
    ("tests/testing/test_docs_testing.py", "onestop.cli._commands"): (
        "the Typer app the testing page's CLI examples are run on in-process"
    ),
    ("tests/testing/test_rule_tables.py", "onestop.testing._rule_tables"): (
        "the rule-table reader's size cap, pending marker and format detection"
    ),
    ("tests/testing/test_rule_tables.py", "onestop.testing:_rule_tables"): (
        "the size cap lowered to test the refusal of a large table"
    ),
}


def _all_test_private_uses() -> set[tuple[str, str]]:
    return {use for relpath in TEST_TREES for use in private_uses_in_test_file(relpath)}


def test_tests_use_public_paths_only():
    assert sorted(_all_test_private_uses() - set(TESTS_PRIVATE_ALLOWED)) == []


def test_the_tests_allow_list_is_exact():
    assert sorted(set(TESTS_PRIVATE_ALLOWED) - _all_test_private_uses()) == []


def test_the_test_check_finds_private_paths():
    probe = "tests/__probe__.py"
    TEST_TREES[probe] = ast.parse(
        "import onestop.deadlines._text\n"
        "from onestop.models._identity import mst_check_digit\n"
        "from onestop.cli import _app\n"
        "from onestop.deadlines import WorkCalendar\n"
        "x = WorkCalendar()._index\n"
        "y = report._repr_html_()\n"
    )
    try:
        assert private_uses_in_test_file(probe) == {
            (probe, "onestop.deadlines._text"),
            (probe, "onestop.models._identity"),
            (probe, "onestop.cli:_app"),
            (probe, "._index"),
        }
    finally:
        del TEST_TREES[probe]


def imports_of_tests_in(relpath: str) -> set[str]:
    """The modules of the ``tests`` package that a test file imports from, as dotted names."""
    found: set[str] = set()
    package = Path(relpath).with_suffix("").parts[:-1]
    for node in ast.walk(TEST_TREES[relpath]):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.split(".")[0] == "tests"}
        elif isinstance(node, ast.ImportFrom):
            base = list(package[: len(package) - node.level + 1]) if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            if module.split(".")[0] == "tests":
                found.add(module)
    return found


def _shared_helpers(module: str) -> bool:
    return module == "tests._helpers" or module.startswith("tests._helpers.")


def test_no_test_module_imports_another_test_module_or_a_conftest():
    # shared code is a fixture in a conftest.py or, when it is needed at collection time
    # (parametrize lists, module constants), a module of tests._helpers
    wrong = sorted(
        (relpath, module)
        for relpath in TEST_TREES
        for module in imports_of_tests_in(relpath)
        if not _shared_helpers(module)
    )
    assert wrong == []


def test_the_test_import_check_finds_them():
    probe = "tests/deadlines/__probe__.py"
    TEST_TREES[probe] = ast.parse(
        "from tests.deadlines.test_calendar import CAL\n"
        "from tests.forms.conftest import pdf_text\n"
        "from .test_bulk import RNG\n"
        "from . import conftest\n"
        "import tests.signatures.pdfedits\n"
        "from tests._helpers.calendars import CAL\n"
    )
    try:
        found = imports_of_tests_in(probe)
        assert found == {
            "tests.deadlines.test_calendar",
            "tests.forms.conftest",
            "tests.deadlines.test_bulk",
            "tests.deadlines",
            "tests.signatures.pdfedits",
            "tests._helpers.calendars",
        }
        assert {m for m in found if not _shared_helpers(m)} == found - {"tests._helpers.calendars"}
    finally:
        del TEST_TREES[probe]
