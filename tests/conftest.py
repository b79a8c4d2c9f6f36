"""Shared fixtures: Sphinx's test roots, the real site built once, a browser."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import pytest

from .content import Content, edit_sources

pytest_plugins = "sphinx.testing.fixtures"
collect_ignore = ["roots"]

#: no test reads or writes the user's citation cache: every build is clean
#: (tests/test_citations.py tests the cache in folders of its own)
os.environ["SPHINX_PORTFOLIO_CACHE"] = ""

REPO = Path(__file__).resolve().parent.parent
DOCS = REPO / "docs"
REFS = REPO / "refs.bib"

#: Debian's chromium; PORTFOLIO_CHROMIUM points elsewhere (or to "playwright" for
#: Playwright's own downloaded browser).
CHROMIUM = os.environ.get("PORTFOLIO_CHROMIUM", "/usr/bin/chromium")
#: Set by CI: a missing browser fails the browser tests instead of skipping them.
REQUIRE_BROWSER = os.environ.get("PORTFOLIO_REQUIRE_BROWSER") == "1"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def copy_site(root: Path) -> Path:
    """The real site's sources (docs/ without its build, refs.bib) copied into
    *root*, laid out as in the repository; returns *root*."""
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(DOCS, root / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copy(REFS, root / "refs.bib")
    return root


def build_command(root: Path, out: Path, *options: str) -> list[str]:
    """``nox -s docs``'s sphinx-build for the site in *root*, into *out*/html, its
    build state in *out*/doctrees."""
    return [
        *(sys.executable, "-m", "sphinx", *options, "-b", "html"),
        *(str(root / "docs"), str(out / "html"), "-d", str(out / "doctrees")),
    ]


def differing(left: Path, right: Path) -> list[str]:
    """The files that are in one tree only, or whose bytes differ."""

    def files(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}

    ours, theirs = files(left), files(right)
    changed = {
        name
        for name in ours & theirs
        if (left / name).read_bytes() != (right / name).read_bytes()
    }
    return sorted((ours ^ theirs) | changed)


@pytest.fixture
def sphinx_test_tempdir(tmp_path: Path) -> Path:
    """Each test gets its own copy of its test root, output included (Sphinx's
    fixture shares one per root for the session, so a test saw what an earlier
    one built or deleted)."""
    return tmp_path


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return Path(__file__).parent / "roots"


@dataclass(frozen=True)
class Built:
    """A site built as ``nox -s docs`` builds it, with the sources it came from."""

    out: Path
    stderr: str
    content: Content


def build_site(root: Path, out: Path, *options: str) -> Built:
    """The site in *root* built strictly into *out*/html."""
    result = subprocess.run(
        build_command(root, out, "-nW", "--keep-going", *options),
        capture_output=True,
        text=True,
        check=False,
        cwd=root,
    )
    assert result.returncode == 0, result.stderr
    return Built(out / "html", result.stderr, Content(root))


@pytest.fixture(scope="session")
def real_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The real site, from the repository's own sources."""
    return build_site(REPO, tmp_path_factory.mktemp("site"))


@pytest.fixture(scope="session")
def edited_build(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """A copy of the real site after the edits of `content.edit_sources`: works
    added, removed and reordered, news added."""
    root = copy_site(tmp_path_factory.mktemp("edited") / "site")
    edit_sources(root)
    return build_site(root, root / "_build")


@pytest.fixture(scope="session", params=["real", "edited"])
def built(request: pytest.FixtureRequest) -> Built:
    """The site checks run on the real site and on an edited copy of it: what
    they expect comes from the sources, so adding a paper keeps them green."""
    return cast(Built, request.getfixturevalue(f"{request.param}_build"))


@pytest.fixture(scope="session")
def site_build(real_build: Built) -> tuple[Path, str]:
    """The real site; (output dir, stderr)."""
    return real_build.out, real_build.stderr


@pytest.fixture(scope="session")
def site(real_build: Built) -> Path:
    return real_build.out


@pytest.fixture(scope="session")
def content() -> Content:
    """What the real site's sources hold."""
    return Content(REPO)


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextlib.contextmanager
def serve(directory: Path) -> Iterator[str]:
    """*directory* served on 127.0.0.1; yields its base URL."""
    handler = functools.partial(_QuietHandler, directory=str(directory))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


@pytest.fixture(scope="session")
def server(site: Path) -> Iterator[str]:
    """The built site served on 127.0.0.1; yields its base URL."""
    with serve(site) as url:
        yield url


def _unavailable(reason: str) -> None:
    if REQUIRE_BROWSER:
        pytest.fail(f"{reason} (PORTFOLIO_REQUIRE_BROWSER=1 forbids skipping)")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """Headless Chromium through Playwright; skipped with a reason when absent."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        _unavailable("Playwright for Python is not installed")
    use_bundled = CHROMIUM == "playwright"
    if not use_bundled and not shutil.which(CHROMIUM):
        _unavailable(
            f"no Chromium at {CHROMIUM}: install Debian's chromium or set "
            "PORTFOLIO_CHROMIUM"
        )
    with sync_playwright() as playwright:
        try:
            browser = playwright.chromium.launch(
                executable_path=None if use_bundled else CHROMIUM,
                args=CHROMIUM_FLAGS,
            )
        except Error as error:
            _unavailable(f"Chromium did not start: {error}")
        yield browser
        browser.close()


def pages(site: Path) -> list[str]:
    return sorted(
        str(path.relative_to(site))
        for path in site.rglob("*.html")
        # _static/ holds the theme's Jinja macro files, not pages
        if "_static" not in path.relative_to(site).parts
    )


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
