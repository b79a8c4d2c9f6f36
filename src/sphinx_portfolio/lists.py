"""Publication lists: the ``publications`` and ``publication-filter`` directives.

sphinxcontrib-bibtex selects, sorts and formats the entries of each list (with
our style); the post-transform here turns a bullet-list bibliography into our
markup before sphinxcontrib-bibtex's own transform would: one ``<li>`` per work
carrying its year, kind and topics as ``data-`` attributes for the filter, a
stable ``pub-<key>`` anchor, the title linked to the paper's own page, optional
year groups with their own anchors, and the legend for ``*``.
"""

from __future__ import annotations

import ast
import difflib
import json
import weakref
from collections import Counter
from collections.abc import Callable, Iterable
from itertools import groupby
from typing import TYPE_CHECKING, Any, ClassVar

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from . import bibtex_adapter as adapter
from .bibdata import NO_YEAR, Publication
from .bibtex_adapter import BibliographyDirective, bibliography
from .citations import cite_disclosure
from .diagnostics import PortfolioWarning, display_path
from .rendered import (
    builder_of,
    filled,
    is_empty_item,
    item_digest,
    rich_key,
    store,
    translates_only,
)
from .schema import FIELDS
from .state import (
    HTML_ONLY,
    TRANSPARENT,
    add_node,
    generates_pages,
    get_bibdata,
    paper_pagename,
)
from .style import badges

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment
    from sphinx.writers.html5 import HTML5Translator
    from sphinxcontrib.bibtex.domain import Citation


def item_content(item: nodes.Element) -> list[nodes.Node]:
    """A list item's content: its formatted entry, the title linked to the paper,
    then its badges and its links (as buttons), in the same paragraph (the
    filter's text and the CV's line)."""
    paragraph = adapter.backend("docutils").paragraph(item["portfolio_entry"])
    title = paragraph.next_node(nodes.strong)
    if title is not None:
        link = paper_link("", "", *title.children)
        link["pagename"] = item["pagename"]
        title.children = []
        title += link
    if item.get("badges"):
        row = nodes.inline(classes=["publication-badges"])
        for kind, text in item["badges"]:
            row += nodes.inline("", text, classes=["publication-badge", f"is-{kind}"])
        paragraph += [nodes.Text(" "), row]
    if item.get("links"):
        row = nodes.inline(classes=["publication-links"])
        for n, (label, url) in enumerate(item["links"]):
            if n:
                row += nodes.Text(" ")
            row += nodes.reference("", label, refuri=url, classes=["publication-link"])
        paragraph += [nodes.Text(" "), row]
    if not item.get("cite"):
        return [paragraph]
    return [paragraph, cite_disclosure(pagename=item["pagename"])]


def listing_docs(env: BuildEnvironment) -> dict[str, str]:
    """For each key, the document a paper page links back to: the configured
    publications page when it lists the work, else the page listing most works."""
    keys_by_doc: dict[str, set[str]] = {}
    for citation in adapter.citations(env):
        keys_by_doc.setdefault(citation.bibliography_key.docname, set()).add(
            citation.entry.key
        )
    preferred = env.config.portfolio_publications_page
    ranked = sorted(
        keys_by_doc, key=lambda doc: (doc != preferred, -len(keys_by_doc[doc]), doc)
    )
    result: dict[str, str] = {}
    for doc in ranked:
        for key in keys_by_doc[doc]:
            result.setdefault(key, doc)
    return result


# -- nodes ---------------------------------------------------------------------


class publication_item(nodes.list_item):
    """One work in a list; ``year``, ``kind`` and ``topics`` feed the filter."""


class paper_link(nodes.Inline, nodes.TextElement):
    """A link to the page of paper ``pagename``, where the build has such pages."""


class publication_filter(nodes.General, nodes.Element):
    """The filter form; its choices are filled in from the page's works."""


def visit_publication_item(self: HTML5Translator, node: publication_item) -> None:
    if is_empty_item(node):
        docname = self.builder.current_docname

        def render() -> str:
            start = len(self.body)
            with filled(node, lambda: item_content(node)):
                _open_item(self, node)
                for child in node.children:
                    child.walkabout(self)
                depart_publication_item(self, node)
            markup = "".join(self.body[start:])
            del self.body[start:]
            return markup

        link = paper_uri(self.builder, docname, node["pagename"])
        key = f"html {link} {node['portfolio_digest']}"
        self.body.append(store(self.builder).markup(docname, key, render))
        raise nodes.SkipNode
    _open_item(self, node)


def _open_item(self: HTML5Translator, node: publication_item) -> None:
    attributes = {
        "data-year": node["year"],
        "data-kind": node["kind"],
        # a JSON list: a topic may hold any character, "|" and "," included
        "data-topics": json.dumps(node["topics"], ensure_ascii=False),
    }
    self.body.append(self.starttag(node, "li", "", **attributes))


def depart_publication_item(self: HTML5Translator, node: publication_item) -> None:
    self.body.append("</li>\n")


def paper_uri(builder: Builder, docname: str, pagename: str) -> str | None:
    """The address of paper *pagename* from *docname*, where there are pages."""
    if not generates_pages(builder):
        return None
    return builder.get_relative_uri(docname, pagename)


def visit_paper_link(self: HTML5Translator, node: paper_link) -> None:
    uri = paper_uri(self.builder, self.builder.current_docname, node["pagename"])
    if uri is not None:
        self.body.append(
            self.starttag(node, "a", "", href=uri, CLASS="reference internal")
        )


def depart_paper_link(self: HTML5Translator, node: paper_link) -> None:
    if generates_pages(self.builder):
        self.body.append("</a>")


def _option(self: HTML5Translator, value: str, label: str) -> str:
    return self.starttag(nodes.Element(), "option", "", value=value) + (
        f"{self.encode(label)}</option>"
    )


def visit_publication_filter(self: HTML5Translator, node: publication_filter) -> None:
    add = self.body.append
    # shown by portfolio.css only where scripts run: no layout shift, no dead form
    attributes: dict[str, Any] = {"aria-label": "Filter publications"}
    add(
        self.starttag(
            node, "form", "", CLASS="publication-filter", role="search", **attributes
        )
    )
    for name, label, everything, choices in (
        ("year", "Year", "All years", node["years"]),
        ("kind", "Type", "All types", node["kinds"]),
        ("topic", "Topic", "All topics", node["topics"]),
    ):
        if not choices:
            continue
        add('<div class="publication-filter-field">')
        add(f'<label for="publication-filter-{name}">{label}</label>')
        add(f'<select id="publication-filter-{name}" name="{name}">')
        add(_option(self, "", everything))
        for value, text in choices:
            add(_option(self, value, text))
        add("</select></div>")
    add('<div class="publication-filter-field publication-filter-text">')
    add('<label for="publication-filter-q">Words</label>')
    add(
        '<input id="publication-filter-q" name="q" type="search" '
        'placeholder="Title, author, venue" autocomplete="off" /></div>'
    )
    add('<button type="reset" class="publication-filter-reset">Show all</button>')
    add(
        '<p class="publication-filter-status" role="status" aria-live="polite" '
        f'data-total="{node["total"]}"></p>'
    )
    add("</form>\n")
    raise nodes.SkipNode


def visit_as_list_item(self: Any, node: nodes.Node) -> None:
    self.visit_list_item(node)


def depart_as_list_item(self: Any, node: nodes.Node) -> None:
    self.depart_list_item(node)


# -- directives ----------------------------------------------------------------


class PublicationsDirective(BibliographyDirective):
    """``bibliography`` with our defaults: every work, as a bullet list.

    Extra option ``:group: year`` splits the list into years, each with an anchor.
    """

    option_spec: ClassVar[dict[str, Callable[[str], Any]]] = {
        **BibliographyDirective.option_spec,
        "group": directives.unchanged,
    }
    option_example: ClassVar[dict[str, str]] = {
        "filter": "'selected == \"yes\"'",
        "group": "year",
    }
    #: what each option does (the reference); the others are sphinxcontrib-bibtex's
    option_help: ClassVar[dict[str, str]] = {
        "filter": "which works, e.g. `'selected == \"yes\"'` or `'status not in "
        '{"preprint"}\'`: a Python expression over the fields, `type`, `key` and '
        "`author` (every work without one)",
        "group": "`year`: the list split into years, each with a heading and an anchor",
        "list": "`bullet` (the default) for our list markup; `citation` or "
        "`enumerated` for sphinxcontrib-bibtex's own",
    }

    def run(self) -> list[nodes.Node]:
        self.options.setdefault("list", "bullet")
        if not {"filter", "cited", "notcited", "all"} & self.options.keys():
            self.options["all"] = None
        group = self.options.pop("group", "").strip()
        if group not in {"", "year"}:
            PortfolioWarning.DIRECTIVE.log(
                f'unknown :group: "{group}"; use "year" or leave it out',
                (self.env.docname, self.lineno),
            )
            group = ""
        result = list(super().run())
        for node in result:
            if isinstance(node, bibliography):
                node["portfolio_group"] = group
                self.drop_placeholders(node)
        return result

    def drop_placeholders(self, node: bibliography) -> None:
        """sphinxcontrib-bibtex makes a placeholder node with an id for every entry
        of the bib files, because a ``citation`` list's ids must be known before
        the entries are selected.  A bullet list is never a citation target, and
        our transform anchors its items itself: the placeholders only made every
        page with a list, and the environment, carry one dead node per entry (at
        5,000 entries, 0.4 s to unpickle a page's doctree for its table of
        contents).  Only the id, which its ``env-updated`` reads, is kept."""
        key = adapter.list_key(node)
        if adapter.list_type(self.env, key) == "bullet":
            adapter.drop_placeholders(self.env, key, self.state.document.ids)


class PublicationFilterDirective(SphinxDirective):
    """The filter form for the publication lists of this page."""

    def run(self) -> list[nodes.Node]:
        node = publication_filter()
        self.set_source_info(node)
        return [node]


# -- the transform -----------------------------------------------------------------


def _year_id(label: str) -> str:
    return "unpublished" if label == NO_YEAR else label


class PublicationListTransform(SphinxPostTransform):
    # before sphinxcontrib-bibtex's BibliographyTransform (priority 5)
    default_priority = 4

    def run(self, **kwargs: Any) -> None:
        bibdata = get_bibdata(self.env)
        self.ids = set(self.document.ids)
        for bibnode in list(self.document.findall(bibliography)):
            key = adapter.list_key(bibnode)
            if adapter.list_type(self.env, key) != "bullet":
                continue
            citations = [
                c for c in adapter.citations(self.env) if c.bibliography_key == key
            ]
            pubs = [bibdata.publications[c.entry.key] for c in citations]
            container = nodes.container(classes=["publication-list"])
            if bibnode.get("portfolio_group") == "year":
                prefix = self.section_id(bibnode)
                for label, group in groupby(
                    zip(pubs, citations, strict=True),
                    key=lambda pair: pair[0].year_label,
                ):
                    section = nodes.section(
                        ids=[self.unique(f"{prefix}{_year_id(label)}")],
                        classes=["publication-year"],
                    )
                    section += nodes.title(text=label)
                    section += self.bullet_list(group)
                    container += section
            else:
                container += self.bullet_list(zip(pubs, citations, strict=True))
            if any(pub.has_equal_contribution for pub in pubs):
                legend = nodes.paragraph(classes=["publication-legend"])
                legend += nodes.superscript(text="*")
                legend += nodes.Text(" Equal contribution")
                container += legend
            # not replace_self(): that would copy the node's id onto the container
            bibnode.parent.replace(bibnode, container)

    def section_id(self, node: nodes.Element) -> str:
        parent = node.parent
        while parent is not None and not isinstance(parent, nodes.section):
            parent = parent.parent
        return f"{parent['ids'][0]}-" if parent is not None and parent["ids"] else ""

    def unique(self, wanted: str) -> str:
        candidate, n = wanted, 1
        while candidate in self.ids:
            n += 1
            candidate = f"{wanted}-{n}"
        self.ids.add(candidate)
        return candidate

    def bullet_list(
        self, works: Iterable[tuple[Publication, Citation]]
    ) -> nodes.bullet_list:
        slugs = get_bibdata(self.env).slugs
        empty = translates_only(self.env)
        builder = builder_of(self.env)
        cite = builder is not None and generates_pages(builder)
        listing = nodes.bullet_list(classes=["publications"])
        for pub, citation in works:
            anchor = f"pub-{slugs[pub.key]}"
            item = publication_item(
                ids=[anchor] if anchor not in self.ids else [],
                classes=["publication"],
                year=pub.year or "none",
                kind=pub.kind,
                topics=list(pub.topics),
                pagename=paper_pagename(self.env, pub.key),
                portfolio_entry=citation.formatted_entry,
                cite=cite,
                badges=[list(badge) for badge in badges(pub)],
                links=[[link.label, link.url] for link in pub.links],
            )
            self.ids.add(anchor)
            if empty:
                # filled by the translator, if it has not rendered it before
                item["portfolio_digest"] = item_digest(item, citation.formatted_entry)
            else:
                item.extend(item_content(item))
            listing += item
        return listing


class PublicationFilterTransform(SphinxPostTransform):
    """Fill the filter's choices from the works listed on its page."""

    default_priority = 6

    def run(self, **kwargs: Any) -> None:
        filters = list(self.document.findall(publication_filter))
        if not filters:
            return
        items = list(self.document.findall(publication_item))
        if not items:
            for node in filters:
                PortfolioWarning.DIRECTIVE.log(
                    "publication-filter: this page has no publication list to filter",
                    node,
                )
        years = sorted(
            {i["year"] for i in items}, key=lambda y: (y == "none", y), reverse=True
        )
        kinds = Counter(i["kind"] for i in items)
        topics = Counter(t for i in items for t in i["topics"])
        for node in filters:
            node["years"] = [(y, NO_YEAR if y == "none" else y) for y in years]
            node["kinds"] = [(k, k) for k in sorted(kinds)]
            node["topics"] = [(t, t) for t in sorted(topics)]
            node["total"] = len(items)


#: the applications whose lists must be placed again: a document was read or
#: removed, or the bib files were parsed, since the citations were last placed
_STALE: weakref.WeakSet[Sphinx] = weakref.WeakSet()


def citations_stale(app: Sphinx) -> None:
    _STALE.add(app)


def note_removed(
    app: Sphinx,
    env: BuildEnvironment,
    added: set[str],
    changed: set[str],
    removed: set[str],
) -> list[str]:
    """``env-get-outdated``: a removed document takes its lists with it."""
    if removed:
        citations_stale(app)
    return []


def note_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    """``env-before-read-docs``: a document read again may have changed its lists."""
    if docnames:
        citations_stale(app)


def place_citations(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``, in place of sphinxcontrib-bibtex's own handler, which
    filters, sorts and formats every list again on every build, a no-op one
    included (0.7 s at 5,000 entries in two lists).  Its result is kept in the
    environment, so it is computed again only when an input changed."""
    placed = bool(adapter.citations(env)) or not adapter.list_documents(env)
    if app in _STALE or not placed:
        _STALE.discard(app)
        before = _shown(env)
        written = adapter.run_env_updated(app, env)
        after = _shown(env)
        # a document not read again is written again if what its lists show changed
        written.update(
            doc
            for doc in before.keys() | after.keys()
            if not _same(before.get(doc), after.get(doc))
        )
        return sorted(written)
    return []


def _shown(env: BuildEnvironment) -> dict[str, list[tuple[Any, ...]]]:
    """Each document's lists as what they show: every work placed in them, in
    order, with its entry as read and as formatted."""
    shown: dict[str, list[tuple[Any, ...]]] = {}
    for citation in adapter.citations(env):
        shown.setdefault(citation.bibliography_key.docname, []).append(
            (
                citation.bibliography_key,
                citation.key,
                citation.entry,
                citation.formatted_entry.text,
            )
        )
    return shown


def _same(
    before: list[tuple[Any, ...]] | None, after: list[tuple[Any, ...]] | None
) -> bool:
    """Whether two lists show the same: a work kept from the last parse is the
    same object (quick), another is compared by its content."""
    if before is None or after is None or len(before) != len(after):
        return before is after
    for (bib, key, entry, text), (bib2, key2, entry2, text2) in zip(
        before, after, strict=True
    ):
        if (bib, key) != (bib2, key2):
            return False
        if entry is not entry2 and _entry_content(entry) != _entry_content(entry2):
            return False
        if text is not text2 and rich_key(text) != rich_key(text2):
            return False
    return True


def _entry_content(entry: Any) -> tuple[Any, ...]:
    return (
        entry.type,
        list(entry.fields.items()),
        [(role, [str(p) for p in people]) for role, people in entry.persons.items()],
    )


def replace_bibtex_env_updated(app: Sphinx) -> None:
    adapter.replace_env_updated(app, place_citations)
    app.connect("env-get-outdated", note_removed)
    app.connect("env-before-read-docs", note_read)


def check_listed(app: Sphinx, env: BuildEnvironment) -> list[str]:
    """``env-updated``: every work must appear in some list of the site."""
    listed = {citation.entry.key for citation in adapter.citations(env)}
    for pub in get_bibdata(env).publications.values():
        if pub.key not in listed:
            PortfolioWarning.UNLISTED.log(
                f"{pub.key}: not shown in any publication list of the site "
                "(check the :filter: of your publications directives)",
                f"{display_path(pub.path)}:{pub.line}",
            )
    check_lists(env)
    return []


#: the fields this extension documents for refs.bib, which a filter may name
#: even when no entry has them yet
OUR_FIELDS = frozenset(field.name for field in FIELDS)


def check_lists(env: BuildEnvironment) -> None:
    """Each bullet list's ``:filter:`` names only fields some entry has (or ours)
    and keys that exist; a list that shows no work says so.  On every build, at
    the directive's line, as the bib files may have changed without the page."""
    bibdata = get_bibdata(env)
    entries = bibdata.data.entries
    fields = adapter.FILTER_NAMES | OUR_FIELDS
    fields |= {name.lower() for entry in entries.values() for name in entry.fields}
    keys = {key.lower() for key in entries}
    shown = Counter(citation.bibliography_key for citation in adapter.citations(env))
    for listing in adapter.listings(env):
        if listing.type != "bullet":
            continue
        key = listing.key
        where = (key.docname, listing.line)
        tree = listing.filter
        for name in sorted(
            {node.id for node in ast.walk(tree) if isinstance(node, ast.Name)}
            - fields
            - {"True", "False", "None"}
        ):
            close = difflib.get_close_matches(name, sorted(fields), n=1)
            PortfolioWarning.FILTER.log(
                f':filter: names the field "{name}", which no entry has'
                + (f'; did you mean "{close[0]}"?' if close else ""),
                where,
            )
        for value in sorted({k.lower() for k in listing.keys} - keys):
            PortfolioWarning.FILTER.log(
                f'the list names the key "{value}", which no entry has (renamed or '
                "removed from the bib files?)",
                where,
            )
        for value in sorted(_compared_with_key(tree) - keys):
            PortfolioWarning.FILTER.log(
                f':filter: names the key "{value}", which no entry has (renamed or '
                "removed from the bib files?)",
                where,
            )
        if not shown[key]:
            PortfolioWarning.EMPTY_LIST.log(
                "this publication list shows no work: "
                + (
                    "its :filter: matches none"
                    if entries
                    else "the bib files have no entry"
                ),
                where,
            )


def _compared_with_key(tree: ast.AST) -> set[str]:
    """The strings a filter compares ``key`` with (``key == "x"``, ``key in
    {...}``), lowercased as sphinxcontrib-bibtex compares them."""
    found: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        if any(isinstance(side, ast.Name) and side.id == "key" for side in sides):
            for side in sides:
                for part in ast.walk(side):
                    if isinstance(part, ast.Constant) and isinstance(part.value, str):
                        found.add(part.value.lower())
    return found


def add_filter_script(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    if doctree is None:
        return
    if next(doctree.findall(publication_filter), None):
        app.add_js_file("portfolio-filter.js", loading_method="defer")
    if any(item.get("cite") for item in doctree.findall(publication_item)):
        app.add_js_file("portfolio-cite.js", loading_method="defer")


AS_LIST_ITEM = (visit_as_list_item, depart_as_list_item)


def setup_lists(app: Sphinx) -> None:
    add_node(
        app,
        publication_item,
        (visit_publication_item, depart_publication_item),
        AS_LIST_ITEM,
    )
    add_node(app, paper_link, (visit_paper_link, depart_paper_link), TRANSPARENT)
    add_node(app, publication_filter, (visit_publication_filter, None), HTML_ONLY)
    app.add_directive("publications", PublicationsDirective)
    app.add_directive("publication-filter", PublicationFilterDirective)
    app.add_post_transform(PublicationListTransform)
    app.add_post_transform(PublicationFilterTransform)
    replace_bibtex_env_updated(app)
    # after sphinxcontrib-bibtex's own env-updated handler has placed the citations
    app.connect("env-updated", check_listed, priority=600)
    app.connect("html-page-context", add_filter_script)
