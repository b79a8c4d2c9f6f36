"""One stylesheet for the whole site, holding only the rules its pages use.

The theme links six stylesheets from every page (pydata-sphinx-theme's alone is
368 KiB, 63 KiB compressed, most of it Bootstrap's and for components this site
never shows), one of which ``@import``\\ s a seventh: seven requests before the first
paint. When the HTML builder has written every page, this module gathers the
words the site's markup uses (tag names, classes, ids, attribute names, from
every page written) and those its scripts may set (every word of the scripts it
ships, Bootstrap's aside, whose dropdown and tooltip states are listed here);
parses each stylesheet the pages link, in their order, with tinycss2, the
``@import`` inlined; and keeps a selector when every class, id, tag and attribute
it requires (outside ``:not()``, ``:is()``, ``:where()``, ``:has()``) is among
those words. Pseudo-classes and pseudo-elements (``:hover``, ``:focus-visible``,
``::before``) require nothing, so every state of a kept element keeps its rules,
as do the colour modes (``html[data-theme=dark]``: ``<html>`` carries
``data-theme``) and every ``@media`` (breakpoints, print) with a rule left; custom
properties, ``@font-face``, ``@keyframes`` and ``@supports`` stay. What is kept is
written minified (comments dropped, whitespace collapsed) to
``_static/portfolio-site.css``, which every page links alone
(``templates/layout.html``).

The file is written again only when its text changed, and its text depends only
on the stylesheets and the words: an incremental build writes the bytes a clean
one does.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import tinycss2

from .state import WEB_BUILDERS

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: where the pages' one stylesheet is written, under the output folder
TARGET = "_static/portfolio-site.css"
#: the theme's own stylesheets, linked by pydata-sphinx-theme's macros before
#: Sphinx's (``webpack-macros.html``); Sphinx's ``css_files`` follow
THEME_FIRST = ("_static/styles/theme.css", "_static/styles/pydata-sphinx-theme.css")
#: the script whose words are not taken (it names every Bootstrap component);
#: what its dropdown (the colour-mode menu) and tooltips set is listed instead
BOOTSTRAP = "bootstrap.js"
BOOTSTRAP_STATES = frozenset(
    {
        "show",
        "showing",
        "fade",
        "tooltip",
        "tooltip-inner",
        "tooltip-arrow",
        "bs-tooltip-auto",
        "bs-tooltip-top",
        "bs-tooltip-bottom",
        "bs-tooltip-start",
        "bs-tooltip-end",
        "dropdown-menu",
        "dropdown-menu-end",
        "data-popper-placement",
        "data-bs-popper",
        "aria-expanded",
        "role",
    }
)
#: attributes a visitor's action sets, with no script: a disclosure or dialog opened
STATES = frozenset({"open"})

_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ATTRIBUTE = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*("[^"]*"|'[^']*'|[^\s>]+))?""")
_WORD = re.compile(r"[A-Za-z_][-A-Za-z0-9_]*")


def enabled(app: Sphinx) -> bool:
    """On for the HTML builders with pydata-sphinx-theme or a theme built on it
    (sphinx-book-theme): ``templates/layout.html`` links the one stylesheet in
    its blocks; another theme keeps its own stylesheets."""
    if not (app.config.portfolio_lean_css and app.builder.name in WEB_BUILDERS):
        return False
    theme = getattr(app.builder, "theme", None)
    dirs: list[Any] = getattr(theme, "get_theme_dirs", list)()
    return any(Path(folder).name == "pydata_sphinx_theme" for folder in dirs)


# -- the words the site uses ----------------------------------------------------------


def markup_words(html: str) -> set[str]:
    """Tag names, attribute names, classes and ids of *html*, each prefixed by
    its kind (``<``, ``@``, ``.``, ``#``); and the scripts it loads (``$`` and
    their address)."""
    words: set[str] = set()
    for tag, attributes in _TAG.findall(html):
        tag = tag.lower()
        words.add("<" + tag)
        for name, value in _ATTRIBUTE.findall(attributes):
            name = name.lower()
            words.add("@" + name)
            value = value.strip("\"'")
            if name == "class":
                words.update("." + part for part in value.split())
            elif name == "id" and value:
                words.add("#" + value)
            elif name == "src" and tag == "script" and value:
                words.add("$" + value.split("?")[0].split("#")[0])
    return words


def script_words(text: str) -> set[str]:
    """Every word of a script, as any kind: what it may set on the page."""
    return {f"{kind}{word}" for word in _WORD.findall(text) for kind in "<@.#"}


class Words:
    """The words of every page and script in the output folder, each file's
    kept by its size and time (``portfolio-css-words.json``)."""

    FILE = "portfolio-css-words.json"

    def __init__(self, doctreedir: Path) -> None:
        self.path = doctreedir / self.FILE
        try:
            found = json.loads(self.path.read_text("utf-8"))
        except (OSError, ValueError):
            found = {}
        self.kept: dict[str, Any] = found if isinstance(found, dict) else {}
        self.now: dict[str, Any] = {}

    def of(self, path: Path, relative: str) -> set[str]:
        """The words of the file *path* (*relative* to the output folder)."""
        stat = path.stat()
        stamp = [stat.st_size, stat.st_mtime_ns]
        entry = self.kept.get(relative)
        if not (isinstance(entry, list) and len(entry) == 2 and entry[0] == stamp):
            text = path.read_text("utf-8", errors="replace")
            made = markup_words(text) if path.suffix == ".html" else script_words(text)
            entry = [stamp, sorted(made)]
        self.now[relative] = entry
        return set(entry[1])

    def save(self) -> None:
        if self.now != self.kept:
            self.path.write_text(json.dumps(self.now, sort_keys=True), "utf-8")


def site_words(outdir: Path, doctreedir: Path) -> set[str]:
    """The words of every page in *outdir*, and of every script a page loads
    (Bootstrap's aside: :data:`BOOTSTRAP_STATES`)."""
    words = Words(doctreedir)
    found = {"@" + name for name in STATES}
    found |= {f"{kind}{word}" for word in BOOTSTRAP_STATES for kind in "<@.#"}
    scripts: set[str] = set()
    for path in sorted(outdir.rglob("*.html")):
        relative = path.relative_to(outdir).as_posix()
        if relative.startswith("_pagefind/") or not path.is_file():
            continue
        page = words.of(path, relative)
        for word in page:
            if word.startswith("$") and not re.match(r"^\$(?:[a-z]+:|//)", word):
                script = (path.parent / word[1:]).resolve()
                if script.is_relative_to(outdir.resolve()):
                    scripts.add(script.relative_to(outdir.resolve()).as_posix())
        found |= page
    for relative in sorted(scripts):
        path = outdir / relative
        if path.name != BOOTSTRAP and path.is_file():
            found |= words.of(path, relative)
    words.save()
    return found


# -- what a selector requires --------------------------------------------------------

#: functional pseudo-classes whose arguments require nothing of the page
_LENIENT = frozenset({"not", "is", "where", "has", "nth-child", "nth-last-child"})


def _split(tokens: list[Any]) -> Iterator[list[Any]]:
    """A prelude's selectors, at its top-level commas."""
    current: list[Any] = []
    for token in tokens:
        if token.type == "literal" and token.value == ",":
            yield current
            current = []
        else:
            current.append(token)
    yield current


def requirements(selector: list[Any]) -> set[str]:
    """The words *selector* needs on the page: ``.class``, ``#id``, ``<tag``,
    ``@attribute``; pseudo-classes and their arguments need none."""
    needed: set[str] = set()
    previous: Any = None
    after_colon = False
    for token in selector:
        kind = token.type
        if kind == "comment":
            continue
        if after_colon:
            # :hover, ::before, :not(...) and the like
            after_colon = kind == "literal" and token.value == ":"
        elif kind == "literal" and token.value == ":":
            after_colon = True
        elif kind == "hash" and token.is_identifier:
            needed.add("#" + token.value)
        elif kind == "ident":
            if (
                previous is not None
                and previous.type == "literal"
                and (previous.value == ".")
            ):
                needed.add("." + token.value)
            elif (
                previous is None
                or previous.type == "whitespace"
                or (previous.type == "literal" and previous.value in {">", "+", "~"})
            ):
                needed.add("<" + token.value.lower())
        elif kind == "[] block":
            names = [t for t in token.content if t.type == "ident"]
            if names:
                needed.add("@" + names[0].value.lower())
        previous = token
    return needed


# -- reduction and serialisation -----------------------------------------------------


def _text(tokens: Iterable[Any]) -> str:
    """Tokens as minified CSS: comments dropped, whitespace collapsed, and none
    around the characters that never need it."""
    kept = [t for t in tokens if t.type != "comment"]
    text = tinycss2.serialize(kept)
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(r"\s*([{};,>])\s*", r"\1", text)


def _declarations(content: list[Any]) -> str:
    parts = []
    for item in tinycss2.parse_blocks_contents(content):
        if item.type == "declaration":
            value = _text(item.value)
            important = "!important" if item.important else ""
            parts.append(f"{item.name}:{value}{important}")
        elif item.type in {"qualified-rule", "at-rule"}:
            # nested rules (CSS nesting): kept whole
            parts.append(_text([item]))
    return ";".join(parts)


def reduce_rules(rules: Iterable[Any], words: set[str], base: Path) -> list[str]:
    """The CSS of *rules* with only the selectors *words* can match."""
    out: list[str] = []
    for rule in rules:
        if rule.type == "qualified-rule":
            selectors = [
                sel for sel in _split(rule.prelude) if requirements(sel) <= words
            ]
            if selectors:
                prelude = ",".join(_text(sel) for sel in selectors)
                out.append(prelude + "{" + _declarations(rule.content or []) + "}")
        elif rule.type == "at-rule":
            name = rule.lower_at_keyword
            if name == "charset":
                continue
            if name == "import":
                out += _imported(rule, words, base)
            elif name in {"media", "supports", "layer", "container"} and (
                rule.content is not None
            ):
                inner = tinycss2.parse_rule_list(
                    rule.content, skip_comments=True, skip_whitespace=True
                )
                kept = reduce_rules(inner, words, base)
                if kept:
                    out.append(f"@{name} {_text(rule.prelude)}{{{''.join(kept)}}}")
            else:
                # @font-face, @keyframes, @page, @property: as they are
                out.append(_text([rule]))
    return out


def _imported(rule: Any, words: set[str], base: Path) -> list[str]:
    tokens = [t for t in rule.prelude if t.type not in {"whitespace", "comment"}]
    if not tokens:
        return []
    first = tokens[0]
    if first.type == "string" or first.type == "url":
        target = first.value
    elif first.type == "function" and first.lower_name == "url":
        target = "".join(t.value for t in first.arguments if t.type == "string")
    else:
        return []
    path = (base / target).resolve()
    kept = reduce_rules(parse(path), words, path.parent)
    media = _text(tokens[1:])
    if media and kept:
        return [f"@media {media}{{{''.join(kept)}}}"]
    return kept


def parse(path: Path) -> list[Any]:
    rules, _ = tinycss2.parse_stylesheet_bytes(
        path.read_bytes(), skip_comments=True, skip_whitespace=True
    )
    return list(rules)


def reduced(sheets: Iterable[Path], words: set[str]) -> str:
    """The stylesheets *sheets*, in order, reduced to what *words* can match."""
    parts: list[str] = []
    for sheet in sheets:
        parts += reduce_rules(parse(sheet), words, sheet.parent)
    return "\n".join(parts) + "\n"


# -- in a build -----------------------------------------------------------------------


def _shared_css(app: Sphinx) -> list[Any]:
    """The stylesheets Sphinx links from every page. Sphinx 8.2 to 9.0 keep them
    in the HTML builder's ``_orig_css_files`` (a copy taken before each page may
    add its own) and ``_css_files``; no public name holds them."""
    builder = app.builder
    found = getattr(builder, "_orig_css_files", None)
    if found is None:
        found = getattr(builder, "_css_files", [])
    return list(found)


def _local(css: Any) -> str | None:
    """The file of a stylesheet in the output folder; None for another site's."""
    filename = str(getattr(css, "filename", css)).split("?")[0]
    remote = re.match(r"^[a-z]+:", filename) or filename.startswith("//")
    return None if remote else filename


def site_sheets(app: Sphinx) -> list[str]:
    """The stylesheets every page links, in their order: the theme's own (before
    Sphinx's, where the theme is pydata-sphinx-theme's kin), then Sphinx's
    ``css_files`` (the theme's stylesheet, Pygments', the extensions' and the
    site's ``html_css_files``) by priority."""
    names = [name for name in THEME_FIRST if (Path(app.outdir) / name).is_file()]
    ordered = sorted(
        enumerate(_shared_css(app)),
        key=lambda item: (getattr(item[1], "priority", 500), item[0]),
    )
    for _, css in ordered:
        name = _local(css)
        if name and name not in names:
            names.append(name)
    return names


def note_stylesheets(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: the page links the site's one stylesheet; a
    stylesheet only this page adds (another extension's) is still linked."""
    if not enabled(app):
        return
    shared = {id(css) for css in _shared_css(app)}
    context["css_files"] = [
        css for css in context.get("css_files", []) if id(css) not in shared
    ]
    context["portfolio_stylesheet"] = TARGET


def write_stylesheet(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: ``portfolio-site.css`` from the stylesheets the pages
    link and the words of the site, written when its text changed."""
    if exception is not None or not enabled(app):
        return
    outdir = Path(app.outdir)
    sheets = [outdir / name for name in site_sheets(app)]
    text = reduced(
        [sheet for sheet in sheets if sheet.is_file()],
        site_words(outdir, Path(app.doctreedir)),
    )
    target = outdir / TARGET
    if not target.is_file() or target.read_text("utf-8") != text:
        target.write_text(text, "utf-8")


def setup_stylesheet(app: Sphinx) -> None:
    app.connect("html-page-context", note_stylesheets, priority=950)
    # after pydata-sphinx-theme writes its pygments.css (at the default, 500)
    app.connect("build-finished", write_stylesheet, priority=600)
