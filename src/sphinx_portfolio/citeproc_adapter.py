"""Every place this extension relies on citeproc-py's internals, or works around
what it does not implement of CSL.

Read from citeproc-py 0.11.1 (``citeproc/model.py``, ``citeproc/frontend.py``);
``tests/test_citeproc_adapter.py`` pins each assumption against the installed
package, so that an upgrade that changes one fails there, naming it.

- **A style for one work** (:func:`single_work`): a copied citation names one
  work, so the style's citation number ("[1]", "1.") is taken out of its tree;
  CSL 1.0.1's ``initialize="false"`` on ``cs:name`` (write given names out, as
  Chicago and MLA do in a bibliography) is not read by citeproc-py, which
  initializes every name of a style that sets ``initialize-with``: the tree is
  rewritten so that only the names to be initialized carry it.
- **Escaping** (:func:`render`): citeproc-py's HTML formatter escapes the style's
  own text (terms, ``&``) but writes a work's fields as they are: a title
  ``<script>`` was a script. Every field is escaped before it is set (as
  numeric references, which no text case can change).
- **Punctuation in quotes** (:func:`render`): a locale that puts a period or a
  comma inside the closing quote (``punctuation-in-quote``, American English) is
  read by citeproc-py and not applied: Chicago, MLA and IEEE printed
  ``“Title”.`` for ``“Title.”``.
- **Capitalize-first** (:func:`install`): CSL capitalizes the first word "if the
  word is lowercase" (CSL 1.0.2, *Text-case*); citeproc-py capitalizes any word,
  so APA printed "(ArXiv:2411.15708)".
- **Case kept** (:func:`render`'s *keep_case*): the words BibTeX braces
  (``{LLaMA-MoE v2}``) keep their case in a style's title case; citeproc-py has
  no way to mark them (citeproc-js reads ``<span class="nocase">``), so Chicago
  printed "LLaMA-MoE V2".
- **Speed** (:func:`install`): citeproc-py asks the style's tree the same XPath
  questions (a macro by name, an element's ancestors, a term) and whether an
  element calls a variable, thousands of times a work, and the answers never
  change once a style is loaded, and looks a work up in its source about 200
  times a citation. The answers are kept per element and per work: 3.7 times
  faster (60 to 16 ms a work for six styles), the same output (a test compares
  every work in every style with and without).
"""

from __future__ import annotations

import contextvars
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import citeproc.model as _model
import citeproc.source as _source
from citeproc import (
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
    formatter,
)
from citeproc.source.json import CiteProcJSON
from lxml import etree

CSL = "http://purl.org/net/xbiblio/csl"
NS = {"cs": CSL}

__all__ = [
    "CSL",
    "install",
    "installed",
    "render",
    "render_many",
    "single_work",
    "style_from",
]


def single_work(tree: Any) -> Any:
    """*tree* (a parsed style) rewritten for one work's bibliography entry."""
    root = tree.getroot()
    for number in root.xpath("//cs:text[@variable='citation-number']", namespaces=NS):
        number.getparent().remove(number)
    # the value a cs:name inherits in the bibliography (cs:bibliography, then cs:style)
    bibliography = root.find("cs:bibliography", NS)
    inherited = root.get("initialize-with")
    if bibliography is not None:
        inherited = bibliography.get("initialize-with", inherited)
    names = root.xpath("//cs:name", namespaces=NS)
    if any(name.get("initialize") == "false" for name in names):
        for holder in (root, bibliography):
            if holder is not None:
                holder.attrib.pop("initialize-with", None)
        for name in names:
            if name.get("initialize") == "false":
                name.attrib.pop("initialize-with", None)
            elif inherited is not None and name.get("initialize-with") is None:
                name.set("initialize-with", inherited)
    return tree


def style_from(path: Path) -> CitationStylesStyle:
    """The style in the CSL file *path*, for one work (raises ``ValueError`` or
    ``etree.XMLSyntaxError`` for a file that is not a style)."""
    parser = etree.XMLParser(remove_comments=True, no_network=True)
    tree = single_work(etree.parse(str(path), parser))
    if tree.getroot().tag != f"{{{CSL}}}style":
        raise ValueError("its root element is not a CSL <style>")
    return CitationStylesStyle(io.BytesIO(etree.tostring(tree)), validate=False)


#: the words whose case the work being rendered keeps
_KEEP_CASE: contextvars.ContextVar[frozenset[str]] = contextvars.ContextVar(
    "keep_case", default=frozenset()
)


def render(
    style: CitationStylesStyle,
    item: dict[str, Any],
    keep_case: frozenset[str] = frozenset(),
) -> str:
    """*item* (one CSL-JSON work) as *style*'s bibliography entry, in HTML (the
    text escaped by citeproc-py's HTML formatter: ``html.escape``); the words in
    *keep_case* are left as written by a title case."""
    escaped = _escaped(item)
    bibliography = CitationStylesBibliography(
        style, CiteProcJSON([escaped]), formatter.html
    )
    bibliography.register(Citation([CitationItem(escaped["id"])]))
    token = _KEEP_CASE.set(frozenset(_escaped(word) for word in keep_case))
    try:
        text = str(bibliography.bibliography()[0])
    finally:
        _KEEP_CASE.reset(token)
    # 0.11.1: Quoted.quote() reads the option and leaves it unused; the quotes
    # the style adds are marked (install()), those of the text are its own
    if style.root.get_locale_option("punctuation-in-quote").lower() == "true":
        quote = str(style.root.get_single_term("close-quote"))
        mark = re.escape(quote + QUOTED)
        text = re.sub(f"([.,?!]?){mark}([.,])", _inside(quote + QUOTED), text)
    return text.replace(QUOTED, "")


#: what a field's text must not hold in HTML, as numeric character references
_MARKUP = str.maketrans({"&": "&#38;", "<": "&#60;", ">": "&#62;"})


def _escaped(value: Any) -> Any:
    """*value* (a CSL-JSON item, or any part of one) with its text escaped."""
    if isinstance(value, str):
        return value.translate(_MARKUP)
    if isinstance(value, dict):
        return {key: _escaped(part) for key, part in value.items()}
    if isinstance(value, list):
        return [_escaped(part) for part in value]
    return value


def _inside(quote: str) -> Callable[[re.Match[str]], str]:
    def move(match: re.Match[str]) -> str:
        # "Title?". keeps its own mark; "Title". becomes "Title."
        return (match.group(1) or match.group(2)) + quote

    return move


def render_many(jobs: list[tuple[str, dict[str, Any], list[str]]]) -> list[str]:
    """Each job (a style file, an item, the words whose case it keeps) rendered:
    what a process of its own runs (:meth:`.citations.Citations.prepare`)."""
    install()
    done = []
    for path, item, keep in jobs:
        style = _STYLES.get(path)
        if style is None:
            # parsed once a process: the answers kept are the parsed tree's
            style = _STYLES[path] = style_from(Path(path))
        done.append(render(style, item, frozenset(keep)))
    return done


#: the styles :func:`render_many` parsed in this process, by file
_STYLES: dict[str, CitationStylesStyle] = {}


# -- citeproc-py's internals ---------------------------------------------------------

_installed: list[str] = []


def installed() -> bool:
    return bool(_installed)


def install() -> None:
    """Patch citeproc-py's classes once (idempotent): capitalize-first as CSL
    says, the style's quotes marked, and the tree's answers kept."""
    if _installed:
        return
    _installed.append(_model.__name__)
    install_fixes()
    _keep_answers()
    _keep_references()


def install_fixes() -> None:
    _fix_capitalize_first()
    _mark_quotes()


#: follows each closing quote the style adds (a private-use character)
QUOTED = "\ue000"


def _mark_quotes() -> None:
    # 0.11.1: Quoted.quote(self, string) wraps string in the locale's open-quote
    # and close-quote terms when the element says quotes="true"
    original = _model.Quoted.quote

    def quote(self: Any, string: Any) -> Any:
        quoted = original(self, string)
        if self.get("quotes", "false").lower() == "true":
            return quoted + QUOTED
        return quoted

    _model.Quoted.quote = quote


def _fix_capitalize_first() -> None:
    # 0.11.1: TextCased.case(self, text, language=None); text is a citeproc String
    # with words() (a generator); 'capitalize-first' capitalizes whatever the word
    original = _model.TextCased.case

    def case(self: Any, text: Any, language: Any = None) -> Any:
        text_case = self.get("text-case")
        if text_case == "capitalize-first":
            words = text.words() if hasattr(text, "words") else str(text).split()
            first = next(iter(words), None)
            if first is not None and not str(first).islower():
                return text
        cased = original(self, text, language)
        keep = _KEEP_CASE.get()
        if keep and text_case in {"title", "capitalize-all"} and cased != text:
            # 0.11.1: both join text.words() with single spaces, word for word
            before, after = str(text).split(" "), str(cased).split(" ")
            if len(before) == len(after):
                return " ".join(
                    old if old.strip(PUNCTUATION) in keep else new
                    for old, new in zip(before, after, strict=True)
                )
        return cased

    _model.TextCased.case = case


PUNCTUATION = ".,:;!?()[]\"'\u201c\u201d\u2018\u2019"


def _kept(original: Callable[..., Any]) -> Callable[..., Any]:
    """*original*, a method of a parsed style's elements whose answer never changes
    (no tree is changed after it is parsed), answering once an element and
    arguments. The element is kept with its answer, so that the lxml proxy stays
    alive and its id() names it alone."""
    kept: dict[tuple[Any, ...], tuple[Any, Any]] = {}

    def method(self: Any, *args: Any) -> Any:
        key = (id(self), *args)
        found = kept.get(key)
        if found is None:
            found = kept[key] = (self, original(self, *args))
        return found[1]

    return method


def _keep_answers() -> None:
    element = _model.CitationStylesElement
    # 0.11.1: xpath_search(self, expression) runs self.xpath(expression,
    # namespaces=self.nsmap); every expression it is given is structural (macros,
    # ancestors, terms, layout)
    element.xpath_search = _kept(element.xpath_search)
    # 0.11.1: get_root(self) is self.getroottree().getroot(), asked about 400
    # times a citation
    element.get_root = _kept(element.get_root)
    # 0.11.1: calls_variable() is defined on Parent, Text and on these subclasses;
    # it depends on the element and its descendants (and macros) only
    for cls in CALLS_VARIABLE:
        setattr(cls, "calls_variable", _kept(cls.__dict__["calls_variable"]))  # noqa: B010


def _keep_references() -> None:
    # 0.11.1: CitationItem.reference is a property that looks the item up in its
    # citation's bibliography's source, about 200 times a citation; an item
    # belongs to one citation. CitationItem is a dict whose __setattr__ sets keys:
    # the answer goes in the instance's own __dict__.
    original = _source.CitationItem.reference.fget

    def reference(self: Any) -> Any:
        found = self.__dict__.get("_portfolio_reference")
        if found is None:
            found = original(self)
            object.__setattr__(self, "_portfolio_reference", found)
        return found

    _source.CitationItem.reference = property(reference)


#: the classes of citeproc-py 0.11.1 that define calls_variable()
CALLS_VARIABLE = tuple(
    cls
    for cls in vars(_model).values()
    if isinstance(cls, type) and "calls_variable" in cls.__dict__
)
