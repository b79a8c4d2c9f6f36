"""Our configuration values, declared once, validated on ``config-inited``."""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sphinx.config import ENUM
from sphinx.errors import ConfigError

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


#: The builders that write a website: pages, exports, the PDF and the feed are theirs.
WEB_BUILDERS = frozenset({"html", "dirhtml"})


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    rebuild: str
    types: Any
    help: str


OPTIONS = (
    Option(
        "portfolio_owner",
        "",
        "env",
        (str,),
        "The site owner's name as in refs.bib (e.g. 'Daize Dong'); emphasised in "
        "every publication. Matched on parsed names, initials included.",
    ),
    Option(
        "portfolio_owner_aliases",
        [],
        "env",
        (list, tuple),
        "Other spellings of the owner's name that should also be emphasised.",
    ),
    Option(
        "portfolio_paper_dir",
        "publications",
        "html",
        (str,),
        "The folder of the generated page per paper (and its .bib); '' for none.",
    ),
    Option(
        "portfolio_publications_page",
        "publications",
        "html",
        (str,),
        "The document with the full list, which each paper's page links back to.",
    ),
    Option(
        "portfolio_profiles",
        [],
        "env",
        (list, tuple),
        "Profile links, each {'label': ..., 'url': ..., 'text': ...}: shown by "
        "profile-links, and the JSON-LD Person's email and sameAs.",
    ),
    Option(
        "portfolio_person",
        {},
        "html",
        (dict,),
        "More schema.org Person properties for the home page's JSON-LD "
        "(affiliation, alumniOf, ...).",
    ),
    Option(
        "portfolio_touch_icon",
        "",
        "html",
        (str,),
        "A 180x180 PNG in html_static_path, linked as apple-touch-icon.",
    ),
    Option(
        "portfolio_news",
        "",
        "env",
        (str,),
        "A TOML file of [[news]] items (date, text), relative to the source "
        "directory; '' for no news.",
    ),
    Option(
        "portfolio_cv_doc",
        "",
        "html",
        (str,),
        "The document printed to the CV PDF (e.g. 'cv'); '' (default) for no PDF.",
    ),
    Option(
        "portfolio_cv_pdf",
        "cv.pdf",
        "html",
        (str,),
        "The PDF's file name, at the root of the built site.",
    ),
    Option(
        "portfolio_search",
        True,
        "html",
        (bool,),
        "Full-text search with Pagefind (pip install 'pagefind[extended]'), behind "
        "the theme's search box, Ctrl+K and search page.",
    ),
    Option(
        "portfolio_cv_paper",
        "A4",
        "html",
        ENUM("A4", "Letter"),
        "The CV's paper size.",
    ),
)


def setup_config(app: Sphinx) -> None:
    for option in OPTIONS:
        app.add_config_value(
            option.name,
            option.default,
            option.rebuild,  # type: ignore[arg-type]
            types=option.types,
            description=option.help,
        )
    app.connect("config-inited", check_config)


def check_config(app: Sphinx, config: Config) -> None:
    if not config.portfolio_owner.strip():
        msg = "portfolio_owner must name the site's owner, e.g. 'Daize Dong'"
        raise ConfigError(msg)
    if not all(isinstance(name, str) for name in config.portfolio_owner_aliases):
        msg = "portfolio_owner_aliases must be a list of names"
        raise ConfigError(msg)
    for profile in config.portfolio_profiles:
        if not isinstance(profile, dict) or not {"label", "url"} <= profile.keys():
            msg = f"portfolio_profiles: {profile!r} needs a 'label' and a 'url'"
            raise ConfigError(msg)
    if config.portfolio_paper_dir.strip("/") != config.portfolio_paper_dir:
        msg = "portfolio_paper_dir is a folder name such as 'publications'"
        raise ConfigError(msg)
    # On ReadTheDocs, the project's own address is the canonical one.
    canonical = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
    if canonical:
        config.html_baseurl = canonical


def owner_names(config: Config) -> tuple[str, ...]:
    """The owner's name followed by its aliases."""
    return (config.portfolio_owner, *config.portfolio_owner_aliases)
