"""Each work of a list rendered once, and kept by what it is made of.

The pages that list every work (the publications page, the CV) are written again
whenever one work changes.  Building each item's nodes from its formatted entry,
walking them in every post-transform and translating them to HTML and Typst cost
most of that write: 1.2 s of a one-work edit at 1,000 works.  So, for the
builders that only translate (HTML, without Sphinx's own search index, which
reads the doctree's text), a list item stays *empty* in the doctree: it carries
its formatted entry and a digest of everything its markup is made of.  A
translator that meets it looks the markup up by that digest, its medium and its
context (the page it is written on, the address of the paper page it links);
only an item it has not
rendered before gets its nodes, for as long as it is translated, and its markup
kept.  The doctree every other handler sees is the same whether an item was
found or rendered: incremental output is a clean build's, byte for byte.

The markup lives in the build state (``portfolio-items.pickle`` in the doctree
folder), per document; a document written again keeps only what it used.  The
whole store is dropped when its generation changes: this package's code, the
builder or its translator.
"""

from __future__ import annotations

import functools
import hashlib
import pickle
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

HERE = Path(__file__).parent
FILE = "portfolio-items.pickle"


def rich_key(text: Any) -> Any:
    """A pybtex rich text as nested tuples: every part's type, tag name, URL and
    string (its ``repr`` leaves out whether a link is external)."""
    parts = getattr(text, "parts", None)
    if parts is None:
        return (type(text).__name__, str(text))
    return (
        type(text).__name__,
        getattr(text, "name", None),
        getattr(text, "url", None),
        getattr(text, "external", None),
        tuple(rich_key(part) for part in parts),
    )


def item_digest(node: nodes.Element, entry: Any) -> str:
    """What an item's markup is made of, wherever it is written."""
    made_of = (
        node["ids"],
        node["classes"],
        node["year"],
        node["kind"],
        node["topics"],
        node["pagename"],
        node.get("badges"),
        node.get("links"),
        node.get("cite"),
        rich_key(entry.text),
    )
    return hashlib.sha256(repr(made_of).encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    for path in sorted(HERE.glob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


class Store:
    """The kept markup of one build: ``{docname: {key: markup}}``."""

    def __init__(self, builder: Builder) -> None:
        self.path = Path(builder.doctreedir) / FILE
        translator = builder.get_translator_class()
        self.generation = hashlib.sha256(
            repr(
                (
                    _code_digest(),
                    builder.name,
                    translator.__module__,
                    translator.__qualname__,
                )
            ).encode()
        ).hexdigest()
        self._kept: dict[str, dict[str, str]] | None = None
        #: what each document written by this build used or rendered
        self.used: dict[str, dict[str, str]] = {}
        self.written: set[str] = set()

    @property
    def kept(self) -> dict[str, dict[str, str]]:
        if self._kept is None:
            try:
                with self.path.open("rb") as file:
                    generation, kept = pickle.load(file)
            except (OSError, ValueError, EOFError, pickle.UnpicklingError):
                generation, kept = None, {}
            self._kept = kept if generation == self.generation else {}
        return self._kept

    def markup(self, docname: str, key: str, render: Callable[[], str]) -> str:
        """The markup kept under *key*, or *render*'s, kept from now on."""
        found = self.kept.get(docname, {}).get(key)
        if found is None:
            found = self.used.get(docname, {}).get(key)
        if found is None:
            found = render()
        self.used.setdefault(docname, {})[key] = found
        return found

    def save(self, found_docs: set[str]) -> None:
        """Keep, for each document written, only what it used; drop documents
        gone from the project."""
        if not self.written and self._kept is None:
            return
        kept = {
            doc: items
            for doc, items in self.kept.items()
            if doc in found_docs and doc not in self.written
        }
        kept.update(
            (doc, items)
            for doc, items in self.used.items()
            if doc in found_docs and items
        )
        if kept == self.kept:
            return
        partial = self.path.with_suffix(".partial")
        with partial.open("wb") as file:
            pickle.dump((self.generation, kept), file, pickle.HIGHEST_PROTOCOL)
        partial.replace(self.path)
        self._kept = kept


_STORES: weakref.WeakKeyDictionary[Builder, Store] = weakref.WeakKeyDictionary()


def store(builder: Builder) -> Store:
    found = _STORES.get(builder)
    if found is None:
        found = _STORES[builder] = Store(builder)
    return found


#: each environment's builder (a transform has only the environment)
_BUILDERS: weakref.WeakKeyDictionary[BuildEnvironment, Builder] = (
    weakref.WeakKeyDictionary()
)


def note_builder(app: Sphinx) -> None:
    """``builder-inited``, after the search module chose Sphinx's index or not."""
    _BUILDERS[app.env] = app.builder


def builder_of(env: BuildEnvironment) -> Builder | None:
    """The builder of *env*'s build (a transform has only the environment)."""
    return _BUILDERS.get(env)


def translates_only(env: BuildEnvironment) -> bool:
    """Whether this build's only use of a list item is its translation."""
    builder = _BUILDERS.get(env)
    return (
        builder is not None
        and builder.format == "html"
        and not getattr(builder, "search", False)
    )


def is_empty_item(node: nodes.Element) -> bool:
    return not node.children and "portfolio_digest" in node


@contextmanager
def filled(
    node: nodes.Element, content: Callable[[], list[nodes.Node]]
) -> Iterator[None]:
    """*node* with its *content* for as long as it is translated, then empty again."""
    node.extend(content())
    try:
        yield
    finally:
        node.clear()


def note_written(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    """``doctree-resolved``: the documents this build writes."""
    if translates_only(app.env):
        store(app.builder).written.add(docname)


def save(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the markup kept for the next build."""
    found = _STORES.pop(app.builder, None)
    if exception is None and found is not None:
        found.save(set(app.env.found_docs))


def setup_rendered(app: Sphinx) -> None:
    app.connect("builder-inited", note_builder, priority=900)
    app.connect("doctree-resolved", note_written)
    app.connect("build-finished", save)
