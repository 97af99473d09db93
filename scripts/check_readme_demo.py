"""Check that a run of ``onestop demo`` printed the lines the README shows for it.

Usage: ``onestop demo | tee demo.txt && python3 scripts/check_readme_demo.py demo.txt``
(``.ci/run`` does this with the README's main command). The README's ``text`` block that
follows the quick start holds the lines; ``…`` stands for lines left out. Each shown line must
be printed, in the order shown (trailing spaces ignored). Exit 0 when they all are, 1 naming
the first line that is not.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

README = Path(__file__).resolve().parent.parent / "README.md"


def shown_lines(readme: str) -> list[str]:
    """The README's demo output, without the ``…`` markers."""
    match = re.search(r"```text\n(─── onestop demo:.*?)```", readme, re.S)
    if match is None:
        raise SystemExit("README.md: no text block of onestop demo's output after the quick start")
    return [line.rstrip() for line in match.group(1).splitlines() if line.strip() not in ("", "…")]


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    printed = [line.rstrip() for line in Path(argv[1]).read_text(encoding="utf-8").splitlines()]
    shown = shown_lines(README.read_text(encoding="utf-8"))
    at = 0
    for line in shown:
        try:
            at = printed.index(line, at) + 1
        except ValueError:
            print(f"README.md shows a line onestop demo did not print (in order): {line!r}")
            return 1
    print(f"README.md: onestop demo printed the {len(shown)} lines shown")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
