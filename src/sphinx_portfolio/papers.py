"""A page per paper.

Each paper page is built from docutils nodes (escaped by Sphinx's HTML
translator) and filled into one rendered shell of the theme's ``page.html``
(:class:`Shell`); its ``<head>`` carries the Highwire tags and the JSON-LD of
:mod:`.metadata`, escaped here.  A page is written only when its content hash
changed (:mod:`.stamps`).
"""

from __future__ import annotations

import html
import posixpath
import re
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from markupsafe import escape

from . import bibtex_adapter as adapter
from . import metadata
from .bibdata import Publication, newest_first
from .citations import Citations, cite_section, copy_button, of_build, styles_key
from .lists import listing_docs
from .stamps import Stamps, digest
from .state import (
    frame_key,
    generates_pages,
    get_bibdata,
    paper_pagename,
)
from .style import format_authors, format_links, format_venue

HERE = Path(__file__).parent

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder


def page_url(app: Sphinx, pagename: str) -> str:
    """The page's absolute URL under ``html_baseurl``, as Sphinx's canonical link."""
    if not app.config.html_baseurl:
        return ""
    return posixpath.join(app.config.html_baseurl, app.builder.get_target_uri(pagename))


def _paragraph(text: Any, classes: list[str]) -> nodes.paragraph:
    backend = adapter.backend("docutils")
    return nodes.paragraph("", "", *text.render(backend), classes=classes)


def _section(title: str, ids: str, *children: nodes.Node) -> nodes.section:
    section = nodes.section(ids=[ids])
    section += nodes.title(text=title)
    section.extend(children)
    return section


#: each paper's files for reference managers, as its page links them
PAPER_DOWNLOADS = ((".bib", "BibTeX"), (".ris", "RIS"), (".enw", "EndNote"))


def paper_body(
    app: Sphinx,
    pub: Publication,
    pagename: str,
    lists: str | None,
    kept: Citations,
) -> nodes.section:
    """The page of *pub*; *lists* is the document it links back to, if any."""
    builder = app.builder
    body = nodes.section(ids=["paper"], classes=["publication-page"])
    body += nodes.title(text=pub.title)
    body += _paragraph(format_authors(pub), ["publication-authors"])
    venue = format_venue(pub)
    if len(venue):
        body += _paragraph(venue, ["publication-venue"])
    if pub.links:
        body += _paragraph(format_links(pub), ["publication-links"])
    if pub.topics:
        topics = nodes.paragraph("", "Topics: ", classes=["publication-topics"])
        topics += nodes.Text(", ".join(pub.topics))
        body += topics
    if pub.has_equal_contribution:
        legend = nodes.paragraph(classes=["publication-legend"])
        legend += nodes.superscript(text="*")
        legend += nodes.Text(" Equal contribution")
        body += legend
    if pub.abstract:
        body += _section("Abstract", "abstract", nodes.paragraph(text=pub.abstract))
    body += cite_section(app, pub, kept)
    entry = get_bibdata(app.env).data.entries[pub.key]
    bibtex = metadata.clean_bibtex(pub.key, entry)
    block = nodes.literal_block(
        bibtex, bibtex.rstrip("\n"), language="bibtex", ids=["bibtex-source"]
    )
    download = nodes.paragraph(classes=["paper-downloads"])
    download += nodes.Text("Download: ")
    slug = posixpath.basename(pagename)
    for n, (suffix, label) in enumerate(PAPER_DOWNLOADS):
        if n:
            download += nodes.Text(" · ")
        download += nodes.reference("", label, refuri=slug + suffix)
    download += copy_button(target="bibtex-source", label="Copy the BibTeX")
    body += _section("BibTeX", "bibtex", block, download)
    if lists:
        back = nodes.paragraph(classes=["publication-back"])
        anchor = f"#pub-{get_bibdata(app.env).slugs[pub.key]}"
        uri = builder.get_relative_uri(pagename, lists) + anchor
        back += nodes.reference("", "All publications", refuri=uri)
        body += back
    return body


def metatags(app: Sphinx, pub: Publication, pagename: str) -> str:
    """The page's own ``<head>`` lines: Highwire tags, description, Open Graph
    (sphinxext-opengraph only sees documents) and JSON-LD, escaped for HTML."""
    url = page_url(app, pagename)
    description = metadata.cite_as(pub)
    pairs = metadata.highwire(pub)
    pairs.append(("description", pub.abstract[:300] if pub.abstract else description))
    tags = [
        f'<meta name="{html.escape(name)}" content="{html.escape(value)}" />'
        for name, value in pairs
    ]
    if url:
        graph = {
            "og:title": pub.title,
            "og:type": "article",
            "og:url": url,
            "og:site_name": app.config.project,
            "og:description": description,
        }
        tags += [
            f'<meta property="{name}" content="{html.escape(value)}" />'
            for name, value in graph.items()
        ]
    tags.append(
        '<script type="application/ld+json">'
        + metadata.script_json(metadata.json_ld(pub, url))
        + "</script>"
    )
    return "\n".join(tags) + "\n"


class Shell:
    """The HTML every paper page shares, rendered once a build.

    Rendering a page through the theme costs about 10 ms (its sidebar and toctree
    are rendered again for every page), the same for every paper page: they live
    in one folder, outside the toctree. So the theme renders one page whose own
    parts are placeholder words, and each paper page is that text with its own
    parts put in. When a theme or an extension transforms a placeholder (it
    would no longer be found whole), ``render`` returns None and every page is
    rendered by the theme instead.
    """

    TOKENS: ClassVar[dict[str, str]] = {
        "title": "portfolioshelltitle",
        "slug": "portfolioshellslug",
        "head": "portfolioshellhead",
        "body": "portfolioshellbody",
    }

    def __init__(self, parts: list[str]) -> None:
        self.parts = parts  # literal text at even indices, token names at odd

    @classmethod
    def render(cls, app: Sphinx, folder: str) -> Shell | None:
        builder = cast("StandaloneHTMLBuilder", app.builder)
        token = cls.TOKENS
        path = Path(app.doctreedir) / "portfolio-shell.html"
        builder.handle_page(
            f"{folder}/{token['slug']}",
            page_context(token["title"], token["body"], token["head"]),
            "page.html",
            outfilename=path,
        )
        text = path.read_text(encoding=app.config.html_output_encoding)
        path.unlink()
        names = {value: name for name, value in token.items()}
        parts = re.split(f"({'|'.join(token.values())})", text)
        found = [names[part] for part in parts[1::2]]
        whole = {"head": 1, "body": 1}
        if (
            any(found.count(name) != n for name, n in whole.items())
            or "title" not in found
            or "portfolioshell" in "".join(parts[::2])
        ):
            return None
        parts[1::2] = found
        return cls(parts)

    def page(self, values: dict[str, str]) -> str:
        return "".join(
            values[part] if n % 2 else part for n, part in enumerate(self.parts)
        )


def page_context(title: str, body: str, head: str) -> dict[str, Any]:
    """The template context of a paper page; *title* is escaped HTML."""
    return {
        "title": title,
        # sphinx-book-theme prints this unescaped (its print-only heading)
        "pagetitle": title,
        "body": body,
        "metatags": head,
        "parents": [],
        "prev": None,
        "next": None,
        "rellinks": [],
        "sourcename": "",
        "toc": "",
        "display_toc": False,
        "meta": {},
        "page_source_suffix": "",
        "portfolio_paper": True,
    }


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: one page per publication.

    Pages whose content hash matches the last build's are not written again."""
    if not generates_pages(app.builder):
        return
    builder = cast("StandaloneHTMLBuilder", app.builder)
    bibdata = get_bibdata(app.env)
    frame = frame_key(app)
    back = listing_docs(app.env)
    stamps = Stamps(app.doctreedir, "portfolio-pages.json")
    kept = of_build(app)
    cited = styles_key(app)
    todo = []
    for pub in newest_first(bibdata.publications.values()):
        pagename = paper_pagename(app.env, pub.key)
        made_of = digest(frame, cited, repr(pub), str(back.get(pub.key)))
        if not stamps.fresh(pagename, made_of, builder.get_output_path(pagename)):
            todo.append((pagename, pub))
    shell = Shell.render(app, app.config.portfolio_paper_dir) if todo else None
    for pagename, pub in todo:
        # the per-document state that write_doc() sets before translating a doc
        builder.current_docname = pagename
        builder.fignumbers = {}
        builder.secnumbers = {}
        body = builder.render_partial(
            paper_body(app, pub, pagename, back.get(pub.key), kept)
        )["fragment"]
        title = str(escape(pub.title))
        head = metatags(app, pub, pagename)
        if shell is None:
            yield pagename, page_context(title, body, head), "page.html"
            continue
        values = {
            "title": title,
            "slug": posixpath.basename(pagename),
            "head": head,
            "body": body,
        }
        path = builder.get_output_path(pagename)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            shell.page(values),
            encoding=app.config.html_output_encoding,
            errors="xmlcharrefreplace",
        )
    kept.save(bibdata.publications)
    stamps.save()


def add_page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: the citations' script, on paper pages."""
    if context.get("portfolio_paper"):
        app.add_js_file("portfolio-cite.js", loading_method="defer")


def setup_papers(app: Sphinx) -> None:
    app.connect("html-collect-pages", collect_pages)
    app.connect("html-page-context", add_page_assets)
