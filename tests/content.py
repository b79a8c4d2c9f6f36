"""What the sources say, read without the extension: tests of the real site expect
what refs.bib, news.toml and docs/ hold today, whatever that is.

refs.bib is read by pybtex itself and by a regular expression (which no parse can
fool), news.toml by tomllib, the pages as text.  Nothing here is a number true
only of today's content.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from pybtex.database import Entry, parse_file
from pybtex.richtext import Text

UNREVIEWED = {"preprint", "under review"}


def decoded(value: str) -> str:
    return str(Text.from_latex(value).render_as("text"))


@dataclass(frozen=True)
class Content:
    """The sources of one site: *root* holds docs/ and refs.bib."""

    root: Path

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def refs(self) -> Path:
        return self.root / "refs.bib"

    @cached_property
    def works(self) -> dict[str, Entry]:
        return dict(parse_file(str(self.refs)).entries)

    @cached_property
    def entry_count(self) -> int:
        """The entries the file starts, counted without a BibTeX parser."""
        return len(re.findall(r"^@\w+\s*\{", self.refs.read_text(), flags=re.M))

    def title(self, key: str) -> str:
        return decoded(self.works[key].fields["title"])

    def titles(self) -> dict[str, str]:
        return {key: self.title(key) for key in self.works}

    def field(self, key: str, name: str) -> str:
        return self.works[key].fields.get(name, "").strip()

    def status(self, key: str) -> str:
        return self.field(key, "status").lower()

    def reviewed(self) -> list[str]:
        return [key for key in self.works if self.status(key) not in UNREVIEWED]

    def unreviewed(self) -> list[str]:
        return [key for key in self.works if self.status(key) in UNREVIEWED]

    def selected(self) -> list[str]:
        return [
            key
            for key in self.works
            if self.field(key, "selected").lower() in {"yes", "true"}
        ]

    def years(self, keys: list[str]) -> list[str]:
        """The year groups of a list of *keys*, as anchors name them, in order:
        works without a year first, then newest first."""
        years = {self.field(key, "year") for key in keys}
        return (["unpublished"] if "" in years else []) + sorted(
            years - {""}, reverse=True
        )

    def with_year(self, year: str) -> list[str]:
        return [key for key in self.works if self.field(key, "year") == year]

    @cached_property
    def news(self) -> list[dict[str, Any]]:
        """The news items, newest first."""
        items = tomllib.loads((self.docs / "news.toml").read_text())["news"]
        return sorted(items, key=lambda item: item["date"], reverse=True)

    def documents(self) -> list[str]:
        """The pages of the site (docs/ but its parts and build)."""
        return sorted(
            path.relative_to(self.docs).with_suffix("").as_posix()
            for path in self.docs.rglob("*.md")
            if not {"_parts", "_build"} & set(path.relative_to(self.docs).parts)
        )

    def cv_sections(self) -> list[str]:
        return re.findall(r"^## (.+)$", (self.docs / "cv.md").read_text(), re.M)


def cited_in_pages(docs: Path) -> set[str]:
    """Keys that a page names (a list filtered to one work)."""
    text = " ".join(
        p.read_text() for p in docs.rglob("*.md") if "_build" not in p.parts
    )
    return set(re.findall(r"""key\s*==\s*["']([^"']+)["']""", text))


NEW_WORK = """\
@inproceedings{{{key},
  author    = {{Jane Doe and Daize Dong}},
  title     = {{{title}}},
  booktitle = {{Conference on Edited Sites}},
  abbr      = {{CES}},
  year      = {{{year}}},
  selected  = {{yes}},
  keywords  = {{Edited Sites}},
}}

"""


class Bib:
    """A bib file as its comment header and its entries, each written whole."""

    def __init__(self, text: str) -> None:
        starts = [m.start() for m in re.finditer(r"^@", text, flags=re.M)]
        self.header = text[: starts[0]]
        self.entries = [
            text[a:b].strip() + "\n"
            for a, b in zip(starts, [*starts[1:], len(text)], strict=True)
        ]

    def keys(self) -> list[str]:
        return [re.match(r"@\w+\{([^,]+),", e).group(1) for e in self.entries]  # type: ignore[union-attr]

    def text(self) -> str:
        return self.header + "\n".join(self.entries)


def edit_sources(root: Path) -> None:
    """The edits a researcher makes that must keep every site check green: a work
    added at the top (a new year, a new topic, on the home page), one removed,
    the rest in reverse order, two news items added."""
    refs = root / "refs.bib"
    text = refs.read_text(encoding="utf-8")
    bib = Bib(text)
    named = cited_in_pages(root / "docs")
    removable = [i for i, key in enumerate(bib.keys()) if key not in named]
    del bib.entries[removable[-1]]
    bib.entries.reverse()
    years = [int(y) for y in re.findall(r"year\s*=\s*\{(\d{4})\}", text)]
    new = NEW_WORK.format(
        key="doe2099edited", title="An Edited Site Stays Green", year=max(years) + 1
    )
    bib.entries.insert(0, new.strip() + "\n")
    refs.write_text(bib.text(), encoding="utf-8")
    news = root / "docs" / "news.toml"
    news.write_text(
        news.read_text()
        + '\n[[news]]\ndate = "2099-01"\ntext = "A newer item, written last."\n'
        + '\n[[news]]\ndate = "2001-05-17"\ntext = "An older item, with a day."\n'
    )
