"""News: dated items in one TOML file, the latest on a page, an Atom feed.

``portfolio_news`` names the file (relative to the source directory)::

    [[news]]
    date = "2025-04"          # YYYY-MM or YYYY-MM-DD
    text = "Will join [Rutgers](https://www.rutgers.edu/) as a Ph.D. student!"

The ``news`` directive lists the newest items (``:limit: N``); every HTML build
writes ``news.xml`` (Atom, absolute links) and links it from every page's head.
"""

from __future__ import annotations

import html
import posixpath
import re
import tomllib
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from docutils.parsers.rst import directives
from markdown_it import MarkdownIt
from sphinx.util.docutils import SphinxDirective

from .bibdata import display_path
from .config import WEB_BUILDERS
from .warnings_ import PortfolioWarning

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

DATE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])(?:-(0[1-9]|[12]\d|3[01]))?$")
FEED = "news.xml"
ATOM = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class NewsItem:
    date: str
    text: str

    @property
    def label(self) -> str:
        """As the page shows it: 2025/04."""
        return self.date.replace("-", "/")

    @property
    def timestamp(self) -> str:
        """RFC 3339, as Atom requires; a month alone counts from its first day."""
        day = self.date if len(self.date) == 10 else f"{self.date}-01"
        return f"{day}T00:00:00Z"


def news_file(config: Config, srcdir: str | Path) -> Path | None:
    return Path(srcdir) / config.portfolio_news if config.portfolio_news else None


def read_news(path: Path) -> tuple[list[NewsItem], list[str]]:
    """The items, newest first, and the problems found (never raising)."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        return [], [f"cannot read the news: {error}"]
    items, problems = [], []
    for n, raw in enumerate(data.get("news", []), start=1):
        date, text = str(raw.get("date", "")), str(raw.get("text", "")).strip()
        if not DATE.match(date):
            problems.append(
                f'news item {n}: date "{date}" is not YYYY-MM or YYYY-MM-DD'
            )
        elif not text:
            problems.append(f"news item {n}: no text")
        else:
            items.append(NewsItem(date, text))
    return sorted(items, key=lambda item: item.date, reverse=True), problems


class NewsDirective(SphinxDirective):
    """``news``: the newest items of ``portfolio_news``, as a list."""

    option_spec = {"limit": directives.positive_int}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        path = news_file(self.config, self.env.srcdir)
        if path is None:
            return []
        self.env.note_dependency(str(path))
        items, problems = read_news(path)
        for problem in problems:
            PortfolioWarning.NEWS.log(problem, f"{display_path(path)}:1")
        listing = nodes.bullet_list(classes=["news"])
        for item in items[: self.options.get("limit")]:
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(text=item.label)
            paragraph += nodes.Text(": ")
            paragraph.extend(self.parse_text_to_nodes(item.text)[0].children)
            listing += nodes.list_item("", paragraph)
        return [listing]


def feed_link(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: every page announces the feed."""
    if app.config.portfolio_news:
        href = html.escape(context["pathto"](FEED, 1))
        title = html.escape(f"{app.config.project}: news")
        context["metatags"] = context.get("metatags", "") + (
            f'<link rel="alternate" type="application/atom+xml" title="{title}" '
            f'href="{href}" />\n'
        )


def write_feed(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: news.xml, Atom 1.0, every link absolute."""
    if exception is not None or app.builder.name not in WEB_BUILDERS:
        return
    path = news_file(app.config, app.srcdir)
    if path is None:
        return
    items, _ = read_news(path)
    base = app.config.html_baseurl or "/"
    home = posixpath.join(base, app.builder.get_target_uri(app.config.root_doc))
    to_html = MarkdownIt("commonmark", {"html": False})
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")

    def add(parent: ET.Element, tag: str, text: str = "", **attrs: str) -> ET.Element:
        element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attrs)
        element.text = text or None
        return element

    add(feed, "title", f"{app.config.project}: news")
    add(feed, "id", posixpath.join(base, FEED))
    add(feed, "link", href=posixpath.join(base, FEED), rel="self")
    add(feed, "link", href=home, rel="alternate")
    add(feed, "updated", items[0].timestamp if items else "1970-01-01T00:00:00Z")
    add(add(feed, "author"), "name", app.config.author)
    for item in items:
        entry = add(feed, "entry")
        plain = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", item.text)
        add(entry, "title", f"{item.label}: {plain}")
        add(entry, "id", f"{home}#news-{item.date}")
        add(entry, "link", href=home, rel="alternate")
        add(entry, "updated", item.timestamp)
        add(entry, "content", to_html.renderInline(item.text), type="html")
    ET.ElementTree(feed).write(
        Path(app.outdir) / FEED, encoding="utf-8", xml_declaration=True
    )


def setup_news(app: Sphinx) -> None:
    app.add_directive("news", NewsDirective)
    app.connect("html-page-context", feed_link)
    app.connect("build-finished", write_feed)
