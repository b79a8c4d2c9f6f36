"""Generated output: a page per paper, and the publication exports.

Each paper page is built from docutils nodes (escaped by Sphinx's HTML
translator) and rendered with the theme's ``page.html``; its ``<head>`` carries the
Highwire tags and the JSON-LD of :mod:`.metadata`, escaped here.  The exports are
``refs.bib`` (the file as written), ``publications.bib`` (without the site's own
fields), ``publications.json`` (CSL-JSON) and one ``.bib`` per paper.
"""

from __future__ import annotations

import hashlib
import html
import json
import posixpath
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes
from sphinx.util.docutils import SphinxDirective
from sphinx.util.osutil import relative_uri

from . import metadata
from .bibdata import Publication, newest_first
from .lists import (
    HTML_ONLY,
    TRANSPARENT,
    add_node,
    docutils_backend,
    generates_pages,
    get_bibdata,
    listing_docs,
    paper_pagename,
)
from .style import format_authors, format_links, format_venue

HERE = Path(__file__).parent

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder
    from sphinx.writers.html5 import HTML5Translator


def page_url(app: Sphinx, pagename: str) -> str:
    """The page's absolute URL under ``html_baseurl``, as Sphinx's canonical link."""
    if not app.config.html_baseurl:
        return ""
    return posixpath.join(app.config.html_baseurl, app.builder.get_target_uri(pagename))


class copy_button(nodes.General, nodes.Inline, nodes.Element):
    """A button that copies the text of the element with id ``target``."""


def visit_copy_button(self: HTML5Translator, node: copy_button) -> None:
    attributes = {"data-copy": node["target"], "hidden": "hidden"}
    button = self.starttag(
        node, "button", "", type="button", CLASS="copy-button", **attributes
    )
    self.body.append(f"{button}Copy</button>")
    raise nodes.SkipNode


class site_file(nodes.Inline, nodes.TextElement):
    """A link to ``file``, a file at the root of the built site (not a document)."""


def visit_site_file(self: HTML5Translator, node: site_file) -> None:
    here = self.builder.get_target_uri(self.builder.current_docname)
    href = relative_uri(here, node["file"])
    self.body.append(
        self.starttag(node, "a", "", href=href, CLASS="reference download")
    )


def depart_site_file(self: HTML5Translator, node: site_file) -> None:
    self.body.append("</a>")


def site_file_link(file: str, label: str) -> site_file:
    node = site_file("", label)
    node["file"] = file
    return node


#: (file, label) of each export, as linked from ``publication-downloads``.
EXPORTS = (
    ("publications.bib", "BibTeX"),
    ("publications.json", "CSL-JSON"),
)


class PublicationDownloadsDirective(SphinxDirective):
    """``publication-downloads``: links to publications.bib, .json and refs.bib."""

    def run(self) -> list[nodes.Node]:
        sources = [Path(name).name for name in self.config.bibtex_bibfiles or ()]
        files = [*EXPORTS, *((name, f"{name} (source)") for name in sources)]
        paragraph = nodes.paragraph(
            "", "Download every work: ", classes=["publication-downloads"]
        )
        for n, (name, label) in enumerate(files):
            if n:
                paragraph += nodes.Text(" · ")
            paragraph += site_file_link(name, label)
        return [paragraph]


def _paragraph(text: Any, classes: list[str]) -> nodes.paragraph:
    backend = docutils_backend()
    return nodes.paragraph("", "", *text.render(backend), classes=classes)


def _section(title: str, ids: str, *children: nodes.Node) -> nodes.section:
    section = nodes.section(ids=[ids])
    section += nodes.title(text=title)
    section.extend(children)
    return section


def paper_body(
    app: Sphinx, pub: Publication, pagename: str, lists: str | None
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
    if pub.has_equal_contribution:
        legend = nodes.paragraph(classes=["publication-legend"])
        legend += nodes.superscript(text="*")
        legend += nodes.Text(" Equal contribution")
        body += legend
    if pub.abstract:
        body += _section("Abstract", "abstract", nodes.paragraph(text=pub.abstract))
    body += _section(
        "Cite as",
        "cite-as",
        nodes.paragraph(text=metadata.cite_as(pub), classes=["cite-as"]),
    )
    entry = get_bibdata(app.env).data.entries[pub.key]
    bibtex = metadata.clean_bibtex(pub.key, entry)
    block = nodes.literal_block(
        bibtex, bibtex.rstrip("\n"), language="bibtex", ids=["bibtex-source"]
    )
    download = nodes.paragraph()
    download += nodes.reference(
        "", "Download BibTeX", refuri=posixpath.basename(pagename) + ".bib"
    )
    download += copy_button(target="bibtex-source")
    body += _section("BibTeX", "bibtex", block, download)
    if lists:
        back = nodes.paragraph(classes=["publication-back"])
        anchor = f"#pub-{get_bibdata(app.env).slugs[pub.key]}"
        uri = builder.get_relative_uri(pagename, lists) + anchor
        back += nodes.reference("", "All publications", refuri=uri)
        body += back
    return body


def metatags(pub: Publication, url: str) -> str:
    """The Highwire ``<meta>`` tags and the JSON-LD, escaped for HTML."""
    pairs = metadata.highwire(pub)
    if pub.abstract:
        pairs.append(("description", pub.abstract[:300]))
    tags = [
        f'<meta name="{html.escape(name)}" content="{html.escape(value)}" />'
        for name, value in pairs
    ]
    tags.append(
        '<script type="application/ld+json">'
        + metadata.script_json(metadata.json_ld(pub, url))
        + "</script>"
    )
    return "\n".join(tags) + "\n"


def collect_pages(app: Sphinx) -> Iterator[tuple[str, dict[str, Any], str]]:
    """``html-collect-pages``: one page per publication, then the exports."""
    if not generates_pages(app.builder):
        return
    builder = cast("StandaloneHTMLBuilder", app.builder)
    bibdata = get_bibdata(app.env)
    frame = _frame_key(app)
    back = listing_docs(app.env)
    manifest_file = Path(app.doctreedir) / "portfolio-pages.json"
    try:
        previous = json.loads(manifest_file.read_text())
    except (OSError, ValueError):
        previous = {}
    manifest: dict[str, str] = {}
    for pub in newest_first(bibdata.publications.values()):
        pagename = paper_pagename(app.env, pub.key)
        key = hashlib.sha256(
            f"{frame}\n{pub!r}\n{back.get(pub.key)}".encode()
        ).hexdigest()
        manifest[pagename] = key
        if (
            previous.get(pagename) == key
            and builder.get_output_path(pagename).is_file()
        ):
            continue  # unchanged page, unchanged site around it: keep the file
        # the per-document state that write_doc() sets before translating a doc
        builder.current_docname = pagename
        builder.fignumbers = {}
        builder.secnumbers = {}
        body = builder.render_partial(
            paper_body(app, pub, pagename, back.get(pub.key))
        )["fragment"]
        context: dict[str, Any] = {
            "title": html.escape(pub.title),
            # sphinx-book-theme prints this unescaped (its print-only heading)
            "pagetitle": html.escape(pub.title),
            "body": body,
            "metatags": metatags(pub, page_url(app, pagename)),
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
            "portfolio_paper_title": pub.title,
            "portfolio_paper_description": metadata.cite_as(pub),
        }
        yield pagename, context, "page.html"
    manifest_file.write_text(json.dumps(manifest, sort_keys=True))
    write_exports(app)


def _frame_key(app: Sphinx) -> str:
    """What every paper page shares with the rest of the site: a change to any of it
    writes all paper pages again. The sidebar (every document's title and the
    toctree), the HTML configuration and theme options, the extensions' versions,
    and our own static files and templates."""
    env = app.env
    ours = sorted(
        (str(path.relative_to(HERE)), path.read_bytes())
        for folder in ("static", "templates")
        for path in (HERE / folder).rglob("*")
        if path.is_file()
    )
    parts = [
        repr(sorted((doc, title.astext()) for doc, title in env.titles.items())),
        repr(sorted((doc, sorted(i)) for doc, i in env.toctree_includes.items())),
        repr(sorted((name, ext.version) for name, ext in app.extensions.items())),
        repr(getattr(getattr(app.builder, "build_info", None), "config_hash", "")),
        repr(ours),
    ]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()


def write_exports(app: Sphinx) -> None:
    bibdata = get_bibdata(app.env)
    out = Path(app.builder.outdir)
    paper_dir = out / app.config.portfolio_paper_dir
    paper_dir.mkdir(parents=True, exist_ok=True)
    cleaned = []
    for key in bibdata.publications:
        bibtex = metadata.clean_bibtex(key, bibdata.data.entries[key])
        cleaned.append(bibtex)
        (paper_dir / f"{bibdata.slugs[key]}.bib").write_text(bibtex, encoding="utf-8")
    (out / "publications.bib").write_text("\n".join(cleaned), encoding="utf-8")
    items = [metadata.csl(pub) for pub in bibdata.publications.values()]
    (out / "publications.json").write_text(
        json.dumps(items, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    for path in bibdata.files:
        if path.is_file():
            shutil.copyfile(path, out / path.name)


def add_page_assets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: the copy script, on paper pages only."""
    if context.get("portfolio_paper"):
        app.add_js_file("portfolio-copy.js", loading_method="defer")


def setup_pages(app: Sphinx) -> None:
    add_node(app, copy_button, (visit_copy_button, None), HTML_ONLY)
    add_node(app, site_file, (visit_site_file, depart_site_file), TRANSPARENT)
    app.add_directive("publication-downloads", PublicationDownloadsDirective)
    app.connect("html-collect-pages", collect_pages)
    app.connect("html-page-context", add_page_assets)
