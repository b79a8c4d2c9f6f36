"""The content-hash cache every incremental output uses.

A :class:`Stamps` file in the doctree folder (build state, never the site) maps
each output's name to the digest of what it was made from at the last build; an
output is made again when its digest differs or its file is gone.  Digests are of
content, never of times or positions, so an edit that changes nothing (an entry
moved) makes nothing again.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any


def digest(*parts: str | bytes) -> str:
    """SHA-256 of *parts*, each ended by a newline (so that parts cannot run on)."""
    hashed = hashlib.sha256()
    for part in parts:
        hashed.update(part.encode() if isinstance(part, str) else part)
        hashed.update(b"\n")
    return hashed.hexdigest()


def read_dict(path: Path) -> dict[str, Any]:
    """The JSON object in *path*; {} when it is missing, unreadable or not one."""
    try:
        found: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


class Stamps:
    """The digests of one producer's outputs, kept in ``<doctreedir>/<file>``."""

    def __init__(self, doctreedir: str | Path, file: str) -> None:
        self.path = Path(doctreedir) / file
        #: the last build's digests
        self.previous: dict[str, str] = read_dict(self.path)
        #: this build's, saved by :meth:`save`
        self.current: dict[str, str] = {}

    def fresh(self, name: str, value: str, *outputs: Path) -> bool:
        """Note *value* as *name*'s digest; whether the last build's was the same
        and each of *outputs* is still there (then nothing needs making)."""
        self.current[name] = value
        return self.previous.get(name) == value and all(p.is_file() for p in outputs)

    def forget(self, name: str) -> None:
        """*name* is being made again: if the build stops before :meth:`save`, the
        next one must not find it fresh (the file no longer holds it)."""
        if self.previous.pop(name, None) is not None:
            self.save(self.previous)

    def save(self, values: dict[str, str] | None = None) -> None:
        self.path.write_text(
            json.dumps(self.current if values is None else values, sort_keys=True)
        )
