"""What every module reads of a build, in one place: the parsed bib files, whether
this build writes a website and paper pages, a work's page name, the frame every
page shares, and how our nodes are registered for each builder."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from docutils import nodes

from .bibdata import BibData

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

HERE = Path(__file__).parent

#: The builders that write a website: pages, exports, the PDF and the feed are theirs.
WEB_BUILDERS = frozenset({"html", "dirhtml"})


def get_bibdata(env: BuildEnvironment) -> BibData:
    """The build's :class:`BibData`, read by every consumer."""
    found = getattr(env, "portfolio_bibdata", None)
    return BibData() if found is None else cast(BibData, found)


def generates_pages(builder: Builder) -> bool:
    """Whether this build has a page per paper (an HTML build, pages not disabled)."""
    return builder.name in WEB_BUILDERS and bool(builder.config.portfolio_paper_dir)


def paper_pagename(env: BuildEnvironment, key: str) -> str:
    return f"{env.config.portfolio_paper_dir}/{get_bibdata(env).slugs[key]}"


def add_node(app: Sphinx, node: type[nodes.Element], html: Any, others: Any) -> None:
    """Register *node*: *html* visitors for HTML, *others* for every other builder."""
    app.add_node(node, html=html, latex=others, text=others, man=others, texinfo=others)


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


def bib_paths(app: Sphinx) -> list[Path]:
    names = app.config.bibtex_bibfiles or ()
    return [(Path(app.confdir) / name).resolve() for name in names]


def skip(self: Any, node: nodes.Node) -> None:
    raise nodes.SkipNode


def pass_through(self: Any, node: nodes.Node) -> None:
    pass


#: What builders other than HTML do with our nodes.
HTML_ONLY = (skip, None)


TRANSPARENT = (pass_through, pass_through)
