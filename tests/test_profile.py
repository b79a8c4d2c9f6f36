"""The profile header (issue 16): on the real site, as docs/conf.py sets it; on a
root with every kind of profile, a photo and hostile text; in the CV PDF; in
Chromium at a phone's width and in print."""

from __future__ import annotations

import json
import runpy
import shutil
import struct
import zlib
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup, Tag

from .conftest import Built
from .test_mistakes import build

DOCS = Path(__file__).parents[1] / "docs"
ROOTS = Path(__file__).parent / "roots"
ICONS = json.loads(
    (Path(__file__).parents[1] / "src" / "sphinx_portfolio" / "icons.json").read_text()
)["icons"]
#: the icon each of this site's profiles must show, by its address
SITE_ICONS = {
    "mailto:": "email",
    "https://daizedong.github.io": "homepage",
    "https://scholar.google.com/": "google-scholar",
    "https://github.com/": "github",
    "https://huggingface.co/": "hugging-face",
}
#: the icons that name their link in visible text too
GENERIC = {"email", "homepage", "link"}


def conf() -> dict[str, Any]:
    return runpy.run_path(str(DOCS / "conf.py"))


def text(node: Tag) -> str:
    return " ".join(node.get_text().split())


def shapes(markup: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """The drawing of an icon: its shapes and their attributes, in order."""
    parsed = BeautifulSoup(markup, "html.parser")
    return [(el.name, sorted(el.attrs.items())) for el in parsed.find_all(True)]


def header_of(path: Path) -> Tag:
    page = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    header = page.select_one(".portfolio-profile")
    assert header is not None
    return header


def check_links(header: Tag, profiles: list[dict[str, str]], icons: list[str]) -> None:
    links = header.select(".portfolio-profile-links a")
    assert [unquote(a["href"]) for a in links] == [p["url"] for p in profiles]
    for link, profile, icon in zip(links, profiles, icons, strict=True):
        svg = link.find("svg")
        assert svg is not None and svg["aria-hidden"] == "true", profile
        assert svg.get("focusable") == "false"
        drawing = "".join(str(part) for part in svg.children)
        assert shapes(drawing) == shapes(ICONS[icon]["body"]), (profile, icon)
        shown = profile.get("text") or profile["label"]
        if icon in GENERIC:
            # its text is shown; its name says what it is
            visible = link.select_one(".portfolio-profile-text")
            assert visible is not None and text(visible) == shown
            expected = (
                profile["label"]
                if shown == profile["label"]
                else (f"{profile['label']}: {shown}")
            )
        else:
            # a brand's icon names it for screen readers (and a tooltip)
            assert link.select_one(".portfolio-profile-text") is None
            assert link["title"] == profile["label"]
            expected = profile["label"]
        assert text(link) == expected, profile


# -- the real site --------------------------------------------------------------


@pytest.mark.parametrize("page", ["index", "cv"])
def test_the_site_header_is_the_conf(site: Path, page: str) -> None:
    values = conf()
    header = header_of(site / f"{page}.html")
    title = header.find_previous("h1")
    assert title is not None
    if page == "index":
        assert text(title).removesuffix("#") == values["portfolio_owner"]
    headline = header.select_one(".portfolio-headline")
    assert headline is not None
    assert headline.get_text() == ", ".join(
        [values["portfolio_position"], values["portfolio_affiliation"]]
    )
    profiles = values["portfolio_profiles"]
    icons = [
        next(icon for start, icon in SITE_ICONS.items() if p["url"].startswith(start))
        for p in profiles
    ]
    check_links(header, profiles, icons)
    # this site has no photo, and none is made up
    assert header.find("img") is None


def test_the_cv_pdf_header_has_the_headline_and_the_links(built: Built) -> None:
    from pypdf import PdfReader

    values = conf()
    first = " ".join(PdfReader(built.out / "cv.pdf").pages[0].extract_text().split())
    head = first[: first.upper().find("RESEARCH INTERESTS")]
    assert values["portfolio_owner"] in head
    assert values["portfolio_position"] in head
    assert values["portfolio_affiliation"] in head
    for profile in values["portfolio_profiles"]:
        generic = profile["url"].startswith("mailto:") or profile["label"] == "Homepage"
        shown = profile.get("text", profile["label"]) if generic else profile["label"]
        assert shown in head, profile


# -- a root with every kind of profile --------------------------------------------


def png(width: int, height: int) -> bytes:
    """A blank PNG of *width* x *height*, written by hand."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    raw = b"".join(b"\0" + b"\xff\xff\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


PROFILES = [
    {"label": "E-mail", "url": "mailto:ada@example.org", "text": "ada@example.org"},
    {"label": "ORCID", "url": "https://orcid.org/0000-0002-1825-0097"},
    {"label": "DBLP", "url": "https://dblp.org/pid/00/0000.html"},
    {"label": "Semantic Scholar", "url": "https://www.semanticscholar.org/author/1"},
    {"label": "LinkedIn", "url": "https://www.linkedin.com/in/ada"},
    {"label": "X", "url": "https://x.com/ada"},
    {"label": "Bluesky", "url": "https://bsky.app/profile/ada.bsky.social"},
    {"label": "Mastodon", "url": "https://sigmoid.social/@ada"},
    {"label": "Blog", "url": "https://blog.example.org", "icon": "homepage"},
    {
        "label": "<script>alert(1)</script>",
        "url": "https://example.org/?a=1&b=<2>",
        "text": "A & <b>bold</b> </a>",
    },
]
PROFILE_ICONS = [
    "email",
    "orcid",
    "dblp",
    "semantic-scholar",
    "linkedin",
    "x",
    "bluesky",
    "mastodon",
    "homepage",
    "link",
]


def build_root(tmp_path: Path, **conf: Any) -> tuple[list[str], Path]:
    src = tmp_path / "src"
    shutil.copytree(ROOTS / "test-basic", src, ignore=shutil.ignore_patterns("_build"))
    (src / "me.png").write_bytes(png(40, 30))
    index = src / "index.rst"
    index.write_text(
        "Ada Lovelace\n============\n\n.. profile-header::\n\n" + index.read_text()
    )
    overrides = {
        "portfolio_position": "Analyst <i>of engines</i>",
        "portfolio_affiliation": "A & B University",
        "portfolio_profiles": PROFILES,
        **conf,
    }
    return build(tmp_path, "basic", overrides, src=src)


def test_every_kind_of_profile_its_icon_and_hostile_text_escaped(
    tmp_path: Path,
) -> None:
    warnings, out = build_root(tmp_path)
    assert warnings == []
    markup = (out / "index.html").read_text()
    assert "<script>alert" not in markup and "<b>bold" not in markup
    assert "<i>of engines" not in markup
    header = header_of(out / "index.html")
    headline = header.select_one(".portfolio-headline")
    assert headline is not None
    assert headline.get_text() == "Analyst <i>of engines</i>, A & B University"
    check_links(header, PROFILES, PROFILE_ICONS)
    # the licence Font Awesome's icons ask to be kept with them
    linkedin = header.select(".portfolio-profile-links a")[4]
    assert "fontawesome.com/license/free" in str(linkedin)


def test_a_photo_is_sized_by_its_file_with_its_text(tmp_path: Path) -> None:
    warnings, out = build_root(
        tmp_path, portfolio_photo="me.png", portfolio_photo_alt="Ada at her desk"
    )
    assert warnings == []
    image = header_of(out / "index.html").select_one("img.portfolio-photo")
    assert image is not None
    assert (image["alt"], image["width"], image["height"]) == (
        "Ada at her desk",
        "40",
        "30",
    )
    # the top of the page: not lazily loaded
    assert image.get("loading") != "lazy"
    assert (out / unquote(image["src"])).read_bytes() == png(40, 30)


def test_a_photo_without_its_text_is_named(tmp_path: Path) -> None:
    warnings, out = build_root(tmp_path, portfolio_photo="me.png")
    assert warnings == [
        "WARNING: portfolio_photo_alt must describe the photo for those who cannot "
        "see it, e.g. 'Ada Lovelace in 2024'; found nothing (using 'Daize Dong') "
        "[portfolio.config]"
    ]
    image = header_of(out / "index.html").select_one("img.portfolio-photo")
    assert image is not None and image["alt"] == "Daize Dong"


def test_a_photo_that_is_not_there_is_named(tmp_path: Path) -> None:
    warnings, out = build_root(tmp_path, portfolio_photo="conf.jpg")
    assert warnings == [
        "WARNING: portfolio_photo names no file (relative to the source folder); found "
        "'conf.jpg' (no photo) [portfolio.config]"
    ]
    assert header_of(out / "index.html").find("img") is None


# -- in Chromium ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_header_at_320_px_and_in_print(
    browser: Any, server: str, scheme: str
) -> None:
    context = browser.new_context(
        viewport={"width": 320, "height": 640}, color_scheme=scheme
    )
    page = context.new_page()
    page.goto(f"{server}/index.html", wait_until="load")
    # nothing wider than the phone
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    boxes = page.locator(".portfolio-profile-links a").evaluate_all(
        "links => links.map(a => { const r = a.getBoundingClientRect();"
        " return [r.left, r.right, r.width, r.height]; })"
    )
    assert boxes
    for left, right, width, height in boxes:
        assert left >= 0 and right <= 320
        # a target a finger can hit (WCAG 2.5.8: at least 24 px)
        assert width >= 24 and height >= 24
    # the icons are drawn in the text's colour, whatever the mode
    colours = page.locator(".portfolio-profile-links a").evaluate_all(
        "links => links.map(a => [getComputedStyle(a).color,"
        " getComputedStyle(a.querySelector('svg')).color])"
    )
    assert all(link == icon for link, icon in colours)
    # on paper: no icons; each brand's name and address in words
    page.emulate_media(media="print")
    assert not page.locator(".portfolio-icon").first.is_visible()
    github = page.locator('.portfolio-profile-links a[href*="github.com"]')
    printed = github.evaluate(
        "a => a.innerText + getComputedStyle(a, '::after').content"
    )
    assert "GitHub" in printed and "https://github.com/" in printed
    context.close()
