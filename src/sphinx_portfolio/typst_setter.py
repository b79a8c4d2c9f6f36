"""The Typst setter, run as a process of its own: ``python -P typst_setter.py
SOURCE TARGET`` sets the Typst file SOURCE into the PDF TARGET.

Started by :mod:`.cv` by its path (not ``-m``, which would import the package and
Sphinx with it first); Typst's memory (321 MB at 5,000 works) is then handed back
when it ends instead of staying in the build's heap.  Whatever fails is said in one
line on stderr, with a non-zero exit.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(argv: list[str]) -> int | str:
    try:
        import typst
    except ImportError as error:
        return f"Typst is not installed ({error}); install it with `pip install typst`"
    source, target = argv
    try:
        # no system fonts: the same PDF on every machine, with Typst's own fonts
        pdf = typst.compile(source, ignore_system_fonts=True)
    except typst.TypstError as error:
        return "Typst failed: " + (str(error).strip().splitlines() or ["?"])[0]
    Path(target).write_bytes(pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
