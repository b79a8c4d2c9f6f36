"""The social-card drawer, run as a process of its own by :mod:`.socialcards`:
``python -P card_drawer.py`` reads one job a line on stdin (JSON: the arguments of
sphinxext-opengraph's ``create_social_card``, its output folder and the file the
card must end up as), draws each with that function, and answers each with one
line on stdout: the page and what sphinxext-opengraph said while drawing it (a
missing image) or the error it raised.

Started by its path (not ``-m``, which would import this package first); the card
module imports matplotlib, 0.5 to 0.9 s, which this process pays on the other core
while the build goes on.
"""

from __future__ import annotations

import json
import logging
import os
import sys
import types
from pathlib import Path


class Kept(logging.Handler):
    """What sphinxext-opengraph logs while drawing one card."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.said: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.said.append(record.getMessage())


def main() -> int:
    from sphinxext.opengraph._social_cards import create_social_card

    kept = Kept()
    logging.getLogger("sphinx").addHandler(kept)
    env = types.SimpleNamespace()
    for line in sys.stdin:
        job = json.loads(line)
        kept.said = []
        try:
            drawn = Path(job["outdir"]) / create_social_card(
                *job["args"], env=env, **job["kwargs"]
            )
            if drawn != Path(job["target"]):
                os.replace(drawn, job["target"])
        except Exception as error:
            kept.said.append(f"{type(error).__name__}: {error}")
        print(json.dumps({"page": job["args"][5], "said": kept.said}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
