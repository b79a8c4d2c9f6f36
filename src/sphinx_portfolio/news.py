"""News: dated items in one TOML file, the latest on a page, an Atom feed.

``portfolio_news`` names the file (relative to the source directory)::

    [[news]]
    date = "2025-04"          # YYYY-MM or YYYY-MM-DD
    text = "Will join [Rutgers](https://www.rutgers.edu/) as a Ph.D. student!"

The ``news`` directive lists the newest items (``:limit: N``); every HTML build
writes ``news.xml`` (Atom, absolute links) and links it from every page's head.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
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

from .diagnostics import PortfolioWarning, display_path
from .state import WEB_BUILDERS

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


#: the keys of a news item, and the tables of the file
KEYS = ("date", "text")
TABLES = ("news",)
_TABLE = re.compile(r"^\s*\[\[?\s*([^\]\s]+)\s*\]\]?", re.MULTILINE)
_KEY = re.compile(r"^\s*([A-Za-z0-9_-]+)\s*=", re.MULTILINE)
_AT = re.compile(r"\s*\(at line (\d+), column \d+\)$")


def _closest(name: str, known: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name.lower(), known, n=1, cutoff=0.6)
    return f'; did you mean "{close[0]}"?' if close else ""


def _real_date(value: Any) -> str | None:
    """*value* as YYYY-MM or YYYY-MM-DD, if it is a date of the calendar."""
    if isinstance(value, datetime.date) and not isinstance(value, datetime.datetime):
        return value.isoformat()
    if not isinstance(value, str) or not DATE.match(value):
        return None
    try:
        datetime.date.fromisoformat(value if len(value) == 10 else f"{value}-01")
    except ValueError:
        return None
    return value


def read_news(path: Path) -> tuple[list[NewsItem], list[tuple[int, str]]]:
    """The items, newest first, and the problems found, each with its line (never
    raising): TOML errors, unknown tables and keys (with the closest known name),
    items without a real date or a text."""
    if not path.is_file():
        return [], [
            (0, f'portfolio_news in conf.py names "{path.name}", which does not exist')
        ]
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        line = path.read_bytes()[: error.start].count(b"\n") + 1
        return [], [(line, "not UTF-8: save the file as UTF-8")]
    except OSError as error:
        return [], [(0, f"cannot read the news: {error.strerror}")]
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        message = str(error)
        at = _AT.search(message)
        line = int(at.group(1)) if at else 0
        return [], [(line, f"not valid TOML: {_AT.sub('', message)}")]
    starts = [raw.count("\n", 0, m.start()) + 1 for m in _TABLE.finditer(raw)]
    tables = [m.group(1) for m in _TABLE.finditer(raw)]

    def table_line(name: str) -> int:
        return next((n for n, t in zip(starts, tables, strict=True) if t == name), 1)

    problems: list[tuple[int, str]] = []
    for name in data:
        if name not in TABLES:
            problems.append(
                (
                    table_line(name),
                    f'unknown table "{name}": the items are "[[news]]" tables'
                    + _closest(name, TABLES),
                )
            )
    news = data.get("news", [])
    if not isinstance(news, list) or not all(isinstance(i, dict) for i in news):
        problems.append(
            (table_line("news"), 'each item is a "[[news]]" table (two brackets)')
        )
        news = []
    headers = [n for n, t in zip(starts, tables, strict=True) if t == "news"]
    ends = [*headers[1:], raw.count("\n") + 2]
    lines = raw.splitlines()
    items = []
    for n, item in enumerate(news):
        line = headers[n] if n < len(headers) else 1
        body = lines[line : (ends[n] if n < len(ends) else line) - 1]

        def key_line(key: str, line: int = line, body: list[str] = body) -> int:
            for offset, text in enumerate(body, start=1):
                found = _KEY.match(text)
                if found and found.group(1) == key:
                    return line + offset
            return line

        for key in item:
            if key not in KEYS:
                problems.append(
                    (
                        key_line(key),
                        f'news item {n + 1}: unknown key "{key}"; an item has "date" '
                        'and "text"' + _closest(key, KEYS),
                    )
                )
        date = _real_date(item.get("date"))
        text = item.get("text")
        if date is None:
            problems.append(
                (
                    key_line("date"),
                    f"news item {n + 1}: date {_shown(item.get('date'))} is not a "
                    "date of the calendar as YYYY-MM or YYYY-MM-DD",
                )
            )
        elif not isinstance(text, str) or not text.strip():
            problems.append(
                (
                    key_line("text"),
                    f"news item {n + 1}: text must be a line of Markdown",
                )
            )
        else:
            items.append(NewsItem(date, text.strip()))
    return sorted(items, key=lambda item: item.date, reverse=True), problems


def _shown(value: Any) -> str:
    return '"(none)"' if value is None else f'"{value}"'


#: news text: CommonMark inline markup, raw HTML shown as text, on the page as in
#: the feed
MARKDOWN = MarkdownIt("commonmark", {"html": False})


def inline_nodes(text: str) -> list[nodes.Node]:
    """*text* as inline Markdown: links, emphasis, code; nothing else is markup (a
    leading "1." stays text, ``<b>`` is shown as typed)."""
    root = nodes.inline()
    stack: list[nodes.Element] = [root]
    for token in MARKDOWN.parseInline(text)[0].children or []:
        kind = token.type
        if kind in {"em_open", "strong_open", "link_open"}:
            element: nodes.Element = (
                nodes.emphasis()
                if kind == "em_open"
                else nodes.strong()
                if kind == "strong_open"
                else nodes.reference(refuri=str(token.attrGet("href") or ""))
            )
            stack[-1] += element
            stack.append(element)
        elif kind in {"em_close", "strong_close", "link_close"}:
            if len(stack) > 1:
                stack.pop()
        elif kind == "code_inline":
            stack[-1] += nodes.literal(text=token.content)
        elif kind in {"softbreak", "hardbreak"}:
            stack[-1] += nodes.Text(" ")
        else:  # text, an image's alt text, anything else: text
            stack[-1] += nodes.Text(token.content)
    return list(root.children)


class NewsDirective(SphinxDirective):
    """``news``: the newest items of ``portfolio_news``, as a list."""

    option_spec = {"limit": directives.positive_int}  # noqa: RUF012
    option_help = {"limit": "at most this many items, the newest first"}  # noqa: RUF012
    option_example = {"limit": "5"}  # noqa: RUF012

    def run(self) -> list[nodes.Node]:
        path = news_file(self.config, self.env.srcdir)
        if path is None:
            return []
        self.env.note_dependency(str(path))
        items, _ = read_news(path)  # the problems are reported by `check_news`
        listing = nodes.bullet_list(classes=["news"])
        for item in items[: self.options.get("limit")]:
            paragraph = nodes.paragraph()
            paragraph += nodes.strong(text=item.label)
            paragraph += nodes.Text(": ")
            paragraph.extend(inline_nodes(item.text))
            listing += nodes.list_item("", paragraph)
        return [listing]


def check_news(app: Sphinx, env: Any) -> list[str]:
    """``env-updated``: the news file's problems, on every build (whether or not
    a page shows the news: the feed has them all)."""
    path = news_file(app.config, app.srcdir)
    if path is not None:
        for line, problem in read_news(path)[1]:
            # line 0: the file as a whole (conf.py names it), no line to point at
            where = f"{display_path(path)}:{line}" if line else None
            PortfolioWarning.NEWS.log(problem, where)
    return []


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
        # its own id, kept while its date and text are: two items of a month differ
        digest = hashlib.sha256(item.text.encode()).hexdigest()[:12]
        add(entry, "id", f"{home}#news-{item.date}-{digest}")
        add(entry, "link", href=home, rel="alternate")
        add(entry, "updated", item.timestamp)
        add(entry, "content", MARKDOWN.renderInline(item.text), type="html")
    ET.ElementTree(feed).write(
        Path(app.outdir) / FEED, encoding="utf-8", xml_declaration=True
    )


def setup_news(app: Sphinx) -> None:
    app.add_directive("news", NewsDirective)
    app.connect("env-updated", check_news)
    app.connect("html-page-context", feed_link)
    app.connect("build-finished", write_feed)
