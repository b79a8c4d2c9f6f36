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
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, cast

from docutils import nodes
from markupsafe import escape
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
    """``html-collect-pages``: one page per publication, then the exports.

    Pages whose content hash matches the last build's are not written again."""
    if not generates_pages(app.builder):
        return
    builder = cast("StandaloneHTMLBuilder", app.builder)
    bibdata = get_bibdata(app.env)
    frame = frame_key(app)
    back = listing_docs(app.env)
    manifest_file = Path(app.doctreedir) / "portfolio-pages.json"
    try:
        previous = json.loads(manifest_file.read_text())
    except (OSError, ValueError):
        previous = {}
    manifest: dict[str, str] = {}
    todo = []
    for pub in newest_first(bibdata.publications.values()):
        pagename = paper_pagename(app.env, pub.key)
        key = hashlib.sha256(
            f"{frame}\n{pub!r}\n{back.get(pub.key)}".encode()
        ).hexdigest()
        manifest[pagename] = key
        if (
            previous.get(pagename) != key
            or not builder.get_output_path(pagename).is_file()
        ):
            todo.append((pagename, pub))
    shell = Shell.render(app, app.config.portfolio_paper_dir) if todo else None
    for pagename, pub in todo:
        # the per-document state that write_doc() sets before translating a doc
        builder.current_docname = pagename
        builder.fignumbers = {}
        builder.secnumbers = {}
        body = builder.render_partial(
            paper_body(app, pub, pagename, back.get(pub.key))
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
    exports = _exports_key(app)
    if previous.get(EXPORTS_KEY) != exports or not all(
        path.is_file() for path in export_paths(app)
    ):
        write_exports(app)
    manifest[EXPORTS_KEY] = exports
    manifest_file.write_text(json.dumps(manifest, sort_keys=True))


def frame_key(app: Sphinx) -> str:
    """What every page shares with the rest of the site: a change to any of it
    writes all paper pages and documents again. The sidebar (every document's
    title and the toctree), the HTML configuration and theme options, the
    extensions' versions, and the static files and templates (ours and the
    site's)."""
    env = app.env
    confdir = Path(app.confdir)
    folders = [HERE / "static", HERE / "templates"]
    folders += [confdir / entry for entry in app.config.html_static_path]
    folders += [confdir / entry for entry in app.config.templates_path]
    # pages link static files with a checksum of their content: theirs counts
    ours = sorted(
        (str(path), hashlib.sha256(path.read_bytes()).hexdigest())
        for folder in dict.fromkeys(folders)
        for path in ([folder] if folder.is_file() else folder.rglob("*"))
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


#: the manifest's entry for the exports (not a page name: it has no slash)
EXPORTS_KEY = "(exports)"


def _exports_key(app: Sphinx) -> str:
    """What the exports are written from: the bib files, the owner, our version."""
    bibdata = get_bibdata(app.env)
    version = app.extensions["sphinx_portfolio"].version
    digest = hashlib.sha256(repr((bibdata.owner, version)).encode())
    for path in bibdata.files:
        digest.update(str(path).encode())
        digest.update(path.read_bytes() if path.is_file() else b"")
    return digest.hexdigest()


def export_paths(app: Sphinx) -> list[Path]:
    bibdata = get_bibdata(app.env)
    out = Path(app.builder.outdir)
    paper_dir = out / app.config.portfolio_paper_dir
    return [
        out / "publications.bib",
        out / "publications.json",
        *(out / path.name for path in bibdata.files if path.is_file()),
        *(paper_dir / f"{slug}.bib" for slug in bibdata.slugs.values()),
    ]


def write_exports(app: Sphinx) -> None:
    bibdata = get_bibdata(app.env)
    out = Path(app.builder.outdir)
    paper_dir = out / app.config.portfolio_paper_dir
    paper_dir.mkdir(parents=True, exist_ok=True)
    cleaned = []
    # a paper's .bib is written again only when its text changed: a bib edit at
    # 1,000 works wrote 1,000 files (the digests of the last ones are kept)
    digests_file = Path(app.doctreedir) / "portfolio-exports.json"
    try:
        previous = json.loads(digests_file.read_text())
    except (OSError, ValueError):
        previous = {}
    digests = {}
    # in the lists' order, not the file's: moving an entry changes nothing
    ordered = list(newest_first(bibdata.publications.values()))
    for pub in ordered:
        bibtex = metadata.clean_bibtex(pub.key, bibdata.data.entries[pub.key])
        cleaned.append(bibtex)
        path = paper_dir / f"{bibdata.slugs[pub.key]}.bib"
        data = bibtex.encode("utf-8")
        digest = digests[path.name] = hashlib.sha256(data).hexdigest()
        if previous.get(path.name) != digest or not path.is_file():
            path.write_bytes(data)
    digests_file.write_text(json.dumps(digests))
    (out / "publications.bib").write_text("\n".join(cleaned), encoding="utf-8")
    items = [metadata.csl(pub) for pub in ordered]
    # one work a line: json's C encoder (indent= falls back to the Python one,
    # a third of the exports' time at 1,000 works)
    lines = ",\n".join(json.dumps(item, ensure_ascii=False) for item in items)
    (out / "publications.json").write_text(f"[\n{lines}\n]\n", encoding="utf-8")
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
