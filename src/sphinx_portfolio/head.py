"""What every page's ``<head>`` gets besides the theme's: the touch icon, the
owner's JSON-LD ``Person`` on the home page, a description for generated pages,
scripts deferred; and the addresses the other metadata extensions derive from
``html_baseurl`` (Open Graph, the 404 page), so the site has one.
"""

from __future__ import annotations

import html
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .metadata import script_json
from .profiles import person_json_ld

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


def derive_urls(app: Sphinx, config: Config) -> None:
    """``config-inited`` (after ours picked ``html_baseurl``): the Open Graph site URL
    and the 404 page's link prefix follow it, so the site has one address."""
    base = config.html_baseurl
    if not base:
        return
    if "ogp_site_url" in config and not config.ogp_site_url:
        config.ogp_site_url = base
    if "notfound_urls_prefix" in config:
        config.notfound_urls_prefix = urlsplit(base).path or "/"


def head_tags(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: extra ``<head>`` lines of this page."""
    lines = []
    icon = app.config.portfolio_touch_icon
    if icon:
        href = context["pathto"](f"_static/{icon}", 1)
        lines.append(f'<link rel="apple-touch-icon" href="{html.escape(href)}" />')
    if pagename == app.config.root_doc:
        lines.append(
            '<script type="application/ld+json">'
            + script_json(person_json_ld(app.config))
            + "</script>"
        )
    if doctree is None and not context.get("portfolio_paper"):
        # generated pages (search, index, 404) get the site's description
        title = context.get("title") or templatename.removesuffix(".html")
        text = f"{title}: {app.config.project}"
        lines.append(f'<meta name="description" content="{html.escape(text)}" />')
    context["metatags"] = context.get("metatags", "") + "\n".join(lines) + "\n"


def defer_scripts(
    app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree: Any
) -> None:
    """``html-page-context``: Sphinx's and the theme's scripts load with ``defer``,
    so they no longer block the first paint; deferred scripts still run in order,
    before ``DOMContentLoaded``, which is all they wait for. Inline scripts cannot
    wait, and they set ``DOCUMENTATION_OPTIONS``: its file stays as it is. With
    Pagefind as the search, Sphinx's search helpers are not loaded at all."""
    if templatename == "search.html" and getattr(app.builder, "search", False):
        # Sphinx's own search page (Pagefind is off): its template loads
        # searchtools.js in the body, which needs them now
        return
    scripts = []
    for script in context.get("script_files", []):
        name = str(getattr(script, "filename", script)).split("?")[0]
        if app.config.portfolio_search and name in UNUSED_WITH_PAGEFIND:
            continue
        attributes = getattr(script, "attributes", None)
        if (
            attributes is None
            or {"async", "defer", "body", "type"} & attributes.keys()
            or str(script.filename).endswith("documentation_options.js")
        ):
            scripts.append(script)
            continue
        scripts.append(
            type(script)(
                script.filename, priority=script.priority, **attributes, defer="defer"
            )
        )
    context["script_files"] = scripts


#: Sphinx's scripts for its own search (the results' words highlighted on the
#: page they open, keyboard shortcuts of the basic theme): with Pagefind behind
#: the search, no page uses them (pydata-sphinx-theme has its own shortcuts)
UNUSED_WITH_PAGEFIND = frozenset({"_static/doctools.js", "_static/sphinx_highlight.js"})


def setup_head(app: Sphinx) -> None:
    app.connect("config-inited", derive_urls, priority=800)
    app.connect("html-page-context", head_tags)
    app.connect("html-page-context", defer_scripts, priority=900)
