"""Incremental = clean: after any sequence of edits, the site an incremental build
leaves is the one a clean build of the same sources writes, file for file and
byte for byte (the build state lives apart, in doctrees/).

Hypothesis draws the edit sequences a researcher makes on a copy of the real
site: works added at the top or the end of refs.bib, removed, their key renamed,
a field changed, the file reordered; pages, parts and news items added, edited or
removed.  After each edit the incremental build and a clean build run side by
side (one a core) and their trees are compared.
"""

from __future__ import annotations

import contextlib
import os
import random
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from .conftest import build_command, copy_site, differing
from .content import Bib

WORDS = st.sampled_from(
    [
        "sparse",
        "routing",
        "experts",
        "graph",
        "pruning",
        "adapters",
        "scaling",
        "mixture",
        "dynamic",
        "efficient",
        "layers",
        "tokens",
        "compression",
        "attention",
    ]
)
TITLES = st.lists(WORDS, min_size=2, max_size=5).map(lambda w: " ".join(w).title())
YEARS = st.integers(min_value=2019, max_value=2027).map(str)
INDEX = st.integers(0, 1000)
KEYS = st.from_regex(r"[a-z]{3,8}20[0-9]{2}[a-z]{0,6}", fullmatch=True)
TOPICS = st.lists(
    st.sampled_from(["Mixture of Experts", "Graph Learning", "Model Compression"]),
    max_size=2,
    unique=True,
)


def include(part: str) -> str:
    """The projects page's lines that include *part*."""
    return f"\n```{{include}} _parts/{part}.md\n```\n"


def entry(key: str, title: str, year: str, selected: bool, topics: list[str]) -> str:
    fields = {
        "author": "Daize Dong and Jane Doe",
        "title": title,
        "booktitle": "Conference on Examples",
        "year": year,
    }
    if selected:
        fields["selected"] = "yes"
    if topics:
        fields["keywords"] = ", ".join(topics)
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    return f"@inproceedings{{{key},\n{body}}}\n"


class Edits(RuleBasedStateMachine):
    """A researcher's edits; after each, the incremental and the clean build."""

    @initialize()
    def start(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="portfolio-edits-"))
        self.root = copy_site(self.tmp / "site")
        self.bib = Bib((self.root / "refs.bib").read_text(encoding="utf-8"))
        self.pages: list[str] = []
        self.parts: list[str] = []
        self.news: list[str] = []
        self.counter = 0
        self.build()

    def teardown(self) -> None:
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the builds

    #: while True (:meth:`together`), the edits wait for one build
    holding = False

    @contextlib.contextmanager
    def together(self) -> Iterator[None]:
        """Several edits, then one build of each kind (as a researcher saves
        several files before the preview rebuilds)."""
        self.holding = True
        try:
            yield
        finally:
            self.holding = False
        self.build()

    def build(self) -> None:
        """The incremental build in incremental/, a clean one in a new folder."""
        if self.holding:
            return
        clean = self.tmp / "clean"
        shutil.rmtree(clean, ignore_errors=True)
        runs = [
            subprocess.Popen(
                build_command(self.root, out, "-q"),
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
                # the citations a build set, shared by both (as a researcher's
                # builds share them; the output is the same with it or without,
                # test_citations.py): not set again by every clean build
                env={**os.environ, "SPHINX_PORTFOLIO_CACHE": str(self.tmp / "cache")},
            )
            for out in (self.tmp / "incremental", clean)
        ]
        for run in runs:
            _, stderr = run.communicate()
            assert run.returncode == 0, stderr
        self.last = differing(self.tmp / "incremental" / "html", clean / "html")

    @invariant()
    def same_site(self) -> None:
        assert self.last == [], self.last

    def save_bib(self) -> None:
        (self.root / "refs.bib").write_text(self.bib.text(), encoding="utf-8")
        self.build()

    def append(self, path: Path, text: str) -> None:
        path.write_text(path.read_text() + text)

    def cut(self, path: Path, text: str) -> None:
        path.write_text(path.read_text().replace(text, "", 1))

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    # -- refs.bib

    @rule(
        at_top=st.booleans(),
        key=KEYS,
        title=TITLES,
        year=YEARS,
        selected=st.booleans(),
        topics=TOPICS,
    )
    def add_work(
        self,
        at_top: bool,
        key: str,
        title: str,
        year: str,
        selected: bool,
        topics: list[str],
    ) -> None:
        key = self.fresh(key)
        new = entry(key, title, year, selected, topics)
        if at_top:
            self.bib.entries.insert(0, new)
        else:
            self.bib.entries.append(new)
        self.save_bib()

    @precondition(lambda self: len(self.bib.entries) > 1)
    @rule(index=INDEX)
    def remove_work(self, index: int) -> None:
        del self.bib.entries[index % len(self.bib.entries)]
        self.save_bib()

    @rule(index=INDEX, new=KEYS)
    def rename_key(self, index: int, new: str) -> None:
        index %= len(self.bib.entries)
        old = self.bib.keys()[index]
        self.bib.entries[index] = self.bib.entries[index].replace(
            f"{{{old},", f"{{{self.fresh(new)},", 1
        )
        self.save_bib()

    @rule(index=INDEX, title=TITLES)
    def change_title(self, index: int, title: str) -> None:
        index %= len(self.bib.entries)
        self.bib.entries[index] = re.sub(
            r"(?m)^(\s*title\s*=\s*)\{.*\},$",
            lambda m: f"{m.group(1)}{{{title}}},",
            self.bib.entries[index],
            count=1,
        )
        self.save_bib()

    def set_field(self, index: int, name: str, value: str | None) -> None:
        """Work *index* with field *name* set to *value* (before its title), or
        without it (None); then the build."""
        index %= len(self.bib.entries)
        work = re.sub(rf"(?m)^\s*{name}\s*=.*\n", "", self.bib.entries[index])
        if value is not None:
            work = re.sub(
                r"(?m)^(\s*title\s*=)",
                lambda m: f"  {name} = {{{value}}},\n{m.group(1)}",
                work,
                count=1,
            )
        self.bib.entries[index] = work
        self.save_bib()

    @rule(index=INDEX, topics=TOPICS)
    def change_topics(self, index: int, topics: list[str]) -> None:
        # a field no list shows as text: only the items' data and the filter
        self.set_field(index, "keywords", ", ".join(topics) if topics else None)

    @rule(index=INDEX)
    def toggle_selected(self, index: int) -> None:
        # the work moves into or out of the home page's list, its keys unchanged
        work = self.bib.entries[index % len(self.bib.entries)]
        chosen = re.search(r"(?m)^\s*selected\s*=", work)
        self.set_field(index, "selected", None if chosen else "yes")

    @rule(seed=st.integers(0, 2**32))
    def reorder(self, seed: int) -> None:
        random.Random(seed).shuffle(self.bib.entries)
        self.save_bib()

    # -- pages, parts, news

    @rule(title=TITLES)
    def add_page(self, title: str) -> None:
        name = self.fresh("page")
        (self.root / "docs" / f"{name}.md").write_text(f"# {title}\n\nAbout {title}.\n")
        self.edit_toctree(lambda lines: [*lines, name])
        self.pages.append(name)
        self.build()

    @precondition(lambda self: self.pages)
    @rule(index=INDEX)
    def remove_page(self, index: int) -> None:
        name = self.pages.pop(index % len(self.pages))
        (self.root / "docs" / f"{name}.md").unlink()
        self.edit_toctree(lambda lines: [line for line in lines if line != name])
        self.build()

    def edit_toctree(self, change: object) -> None:
        index = self.root / "docs" / "index.md"
        text = index.read_text()
        head, body = text.split("```{toctree}\n:hidden:\n\n")
        entries, tail = body.split("```", 1)
        lines = change(entries.split())  # type: ignore[operator]
        index.write_text(
            f"{head}```{{toctree}}\n:hidden:\n\n"
            + "".join(f"{n}\n" for n in lines)
            + f"```{tail}"
        )

    @rule(words=TITLES)
    def add_part(self, words: str) -> None:
        """A new part, included by the projects page."""
        name = self.fresh("part")
        (self.root / "docs" / "_parts" / f"{name}.md").write_text(f"{words}.\n")
        self.append(self.root / "docs" / "projects.md", include(name))
        self.parts.append(name)
        self.build()

    @precondition(lambda self: self.parts)
    @rule(index=INDEX)
    def remove_part(self, index: int) -> None:
        name = self.parts.pop(index % len(self.parts))
        self.cut(self.root / "docs" / "projects.md", include(name))
        (self.root / "docs" / "_parts" / f"{name}.md").unlink()
        self.build()

    @rule(words=TITLES)
    def edit_shared_part(self, words: str) -> None:
        """A part that both its page and the CV include."""
        self.append(self.root / "docs" / "_parts" / "awards.md", f"\n- {words}, 2026\n")
        self.build()

    @rule(
        year=st.integers(2020, 2027),
        month=st.integers(1, 12),
        words=TITLES,
    )
    def add_news(self, year: int, month: int, words: str) -> None:
        item = f'\n[[news]]\ndate = "{year}-{month:02d}"\ntext = "{words}."\n'
        self.append(self.root / "docs" / "news.toml", item)
        self.news.append(item)
        self.build()

    @precondition(lambda self: self.news)
    @rule(index=INDEX)
    def remove_news(self, index: int) -> None:
        item = self.news.pop(index % len(self.news))
        self.cut(self.root / "docs" / "news.toml", item)
        self.build()


Edits.TestCase.settings = settings(
    # each example builds twice a step; test_every_kind_of_edit_in_turn makes
    # every kind of edit once, this draws their order
    max_examples=2,
    stateful_step_count=5,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
test_incremental_build_is_the_clean_build = Edits.TestCase


def test_every_kind_of_edit_in_turn() -> None:
    """Each edit once, in an order a researcher might take, with the comparison
    after each: the sequences above are drawn at random, this one is fixed."""
    edits = Edits()
    edits.start()
    try:
        # two edits a build: the drawn sequences above build after each one
        steps = [
            lambda: edits.add_work(True, "top2026", "A Top Work", "2026", True, []),
            lambda: edits.add_work(False, "end2019", "An End Work", "2019", False, []),
            lambda: edits.change_title(0, "Sparse Experts Everywhere"),
            lambda: edits.rename_key(3, "renamed2024"),
            lambda: edits.change_topics(2, ["Sparse Models"]),
            lambda: edits.toggle_selected(4),
            lambda: edits.toggle_selected(0),
            lambda: edits.reorder(7),
            lambda: edits.remove_work(1),
            lambda: edits.add_page("Talks And Posters"),
            lambda: edits.add_part("Graph Pruning"),
            lambda: edits.edit_shared_part("Best Paper"),
            lambda: edits.add_news(2026, 1, "Gave A Talk"),
            lambda: edits.remove_part(0),
            # what is removed was built before
            lambda: edits.remove_news(0),
            lambda: edits.remove_page(0),
        ]
        for n in range(0, len(steps), 2):
            with edits.together():
                for step in steps[n : n + 2]:
                    step()
            assert edits.last == [], (n, edits.last)
    finally:
        edits.teardown()
