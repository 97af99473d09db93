"""The repository is self-contained: nothing in it cites a file that only exists elsewhere.

Facts come with their source (a law, a notice, a standard, a public code base), not with a
pointer to notes kept outside the repository, which a user of a release cannot open. Every
Markdown file named in the source, tests, scripts, benchmarks, docs or examples (and the site's
mkdocs.yml) must be a file of the repository, and no path leaves it (``../`` beyond the root,
or a developer machine's folders).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FOLDERS = ("src", "tests", "scripts", "benchmarks", "docs", "examples")
TOP_FILES = ("README.md", "CHANGELOG.md", "pyproject.toml", "mkdocs.yml")
TEXT_SUFFIXES = {
    ".py",
    ".pyi",
    ".md",
    ".toml",
    ".txt",
    ".json",
    ".ics",
    ".html",
    ".csv",
    ".cfg",
    ".ipynb",
    ".yml",
}


def _text_files() -> list[Path]:
    files = [ROOT / name for name in TOP_FILES]
    for folder in FOLDERS:
        files += [
            p
            for p in (ROOT / folder).rglob("*")
            if p.is_file() and p.suffix in TEXT_SUFFIXES and "__pycache__" not in p.parts
        ]
    return sorted(files)


#: Every text file but this one, whose examples are references to outside files on purpose.
FILES = [p for p in _text_files() if p != Path(__file__).resolve()]
MARKDOWN = {p.relative_to(ROOT).as_posix() for p in ROOT.rglob("*.md") if ".venv" not in p.parts}
#: A Markdown file named in a text: ``docs/deadlines.md``, ``deadlines.md``, ``../x/notes.md``.
MD_NAME = re.compile(r"(?<![\w./-])((?:\.\./|[\w-]+/)*[\w.-]+\.md)\b")
#: Folders of the machines the project was written on; built so that this file names none.
MACHINE_PATHS = re.compile("(?:" + "|".join(re.escape(f"/{d}/") for d in ("work", "home")) + ")")
PARENT = re.compile(r"(?<![\w./])\.\./")


def _resolves(name: str, where: Path) -> bool:
    """Whether ``name``, as written in ``where``, is a Markdown file of the repository."""
    candidates = [where.parent / name, ROOT / name, ROOT / "docs" / name]
    for path in candidates:
        resolved = path.resolve()
        if resolved.is_relative_to(ROOT) and resolved.relative_to(ROOT).as_posix() in MARKDOWN:
            return True
    return False


def outside_references(text: str, where: Path) -> list[str]:
    """The references in ``text`` (a file at ``where``) to files outside the repository."""
    found = [name for name in MD_NAME.findall(text) if not _resolves(name, where)]
    found += MACHINE_PATHS.findall(text)
    for match in PARENT.finditer(text):
        target = re.split(r"[\s`'\"()\[\],]", text[match.start() :], maxsplit=1)[0]
        if not (where.parent / target).resolve().is_relative_to(ROOT):
            found.append(target)
    return found


def test_the_check_reads_the_tree():
    names = {p.relative_to(ROOT).as_posix() for p in FILES}
    assert {"README.md", "src/onestop/__init__.py", "docs/design.md", "tests/conftest.py"} <= names
    assert {"README.md", "docs/deadlines.md"} <= MARKDOWN


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see docs/deadlines.md, design.md and ../README.md", []),
        ("see ``domain/" + "rules.md`` §3", ["domain/" + "rules.md"]),
        ("as " + "integrations.md §1.2 says", ["integrations.md"]),
        ("read ../" + "../shared/notes.txt", ["../../shared/notes.txt"]),
        ("copied from /" + "work/shared", ["/work/"]),
    ],
)
def test_the_check_finds_outside_references(text, expected):
    assert outside_references(text, ROOT / "docs" / "index.md") == expected


def test_no_reference_to_a_file_outside_the_repository():
    found = {
        path.relative_to(ROOT).as_posix(): refs
        for path in FILES
        if (refs := outside_references(path.read_text(encoding="utf-8", errors="replace"), path))
    }
    assert found == {}
