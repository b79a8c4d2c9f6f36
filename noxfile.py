"""Entry points: ``nox -s docs`` builds the site, ``nox -s tests lowest`` tests it
(at the pinned and at the lowest allowed versions), ``nox -s build`` packages it.

Every session installs the pinned dependency groups of pyproject.toml (``lowest``:
the package's floors instead), so a fresh
machine with Python 3.11+ and nox needs nothing else (the browser tests also want
Chromium: see README.md).
"""

from __future__ import annotations

import os
from pathlib import Path

import nox

nox.options.sessions = ["docs", "tests", "lowest", "build", "lint"]
nox.options.reuse_existing_virtualenvs = True
# uv makes and fills the environments in seconds (`pip install "nox[uv]"`);
# without it, virtualenv and pip do
nox.options.default_venv_backend = "uv|virtualenv"
# uv, unlike pip, does not compile the packages it installs: where Python may not
# write bytecode either (PYTHONDONTWRITEBYTECODE), every build process compiled
# Sphinx and docutils again (a test run 60 % slower)
os.environ.setdefault("UV_COMPILE_BYTECODE", "1")

PYPROJECT = nox.project.load_toml("pyproject.toml")
SOURCE, OUTPUT = "docs", "docs/_build/html"
#: the build state, kept out of the site
DOCTREES = "docs/_build/doctrees"
#: the strict build of the site, as ReadTheDocs runs it
BUILD = ("sphinx-build", "-nW", "--keep-going", "-b", "html", "-d", DOCTREES)


def install(session: nox.Session, *groups: str) -> None:
    for group in groups:
        session.install(*nox.project.dependency_groups(PYPROJECT, group))
    session.install("--no-deps", "-e", ".")


@nox.session
def docs(session: nox.Session) -> None:
    """Build the site strictly: any warning fails the build (nitpicky, -W)."""
    install(session, "docs")
    session.run(*BUILD, SOURCE, OUTPUT, *session.posargs)


@nox.session
def serve(session: nox.Session) -> None:
    """Live preview on http://127.0.0.1:8000, rebuilt and reloaded on every save.

    Follows every input however an editor saves it (sphinx_portfolio/preview.py);
    options go to `python -m sphinx_portfolio serve`, e.g. `-- --port 8001`.
    """
    install(session, "serve")
    session.run(
        "python", "-m", "sphinx_portfolio", "serve", SOURCE, OUTPUT, *session.posargs
    )


@nox.session
def tests(session: nox.Session) -> None:
    """pytest, offline: extension test roots, the real site, headless Chromium.

    On every core (pytest-xdist, work stealing); `-- -n 0` runs them in
    this process, e.g. with `-- -n 0 tests/test_site.py -k metadata`.
    """
    install(session, "test")
    session.run("pytest", *PARALLEL, *session.posargs)


#: pytest on every core; an idle worker takes tests queued for a busy one
PARALLEL = ("-n", "auto", "--dist", "worksteal")
#: what ``nox -s lowest`` runs: the extension's own tests, the checks, the command
#: line and the wheel (the real site's and the browser's need the pinned theme)
LOWEST_TESTS = (
    "tests/test_extension.py",
    "tests/test_validate.py",
    "tests/test_mistakes.py",
    "tests/test_package.py",
    "tests/test_bibtex_adapter.py",
    "tests/test_citeproc_adapter.py",
    "tests/test_reference.py",
    "tests/test_scaffold.py",
)


@nox.session
def lowest(session: nox.Session) -> None:
    """The extension's tests at the lowest versions pyproject.toml allows.

    uv installs the package with its `site` extra, every direct requirement at its
    floor (`--resolution lowest-direct`), beside the pinned test tools.
    """
    session.install(*nox.project.dependency_groups(PYPROJECT, "lowest"))
    python = Path(session.virtualenv.location, "bin", "python")
    session.run(
        *("uv", "pip", "install", "--quiet", "--python", str(python)),
        *("--resolution", "lowest-direct", "--reinstall-package", "sphinx-portfolio"),
        ".[site]",
        *nox.project.dependency_groups(PYPROJECT, "tools"),
    )
    session.run("uv", "pip", "list", "--python", str(python), silent=False)
    session.run("pytest", *PARALLEL, *LOWEST_TESTS, *session.posargs)


@nox.session
def build(session: nox.Session) -> None:
    """The wheel and sdist into dist/, their metadata checked by twine."""
    session.install(*nox.project.dependency_groups(PYPROJECT, "build"))
    out = Path(session.create_tmp(), "dist")
    session.run("python", "-m", "build", "--outdir", str(out))
    session.run("twine", "check", "--strict", *map(str, out.glob("*")))
    Path("dist").mkdir(exist_ok=True)
    for made in out.glob("*"):
        made.replace(Path("dist", made.name))


@nox.session
def lint(session: nox.Session) -> None:
    """ruff (lint and format) and mypy."""
    install(session, "docs", "lint")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("mypy")


@nox.session
def bench(session: nox.Session) -> None:
    """Build speed at 10 to 5,000 synthetic works, beside the plain stack.

    Each figure is the median of three builds: about 25 minutes on 2 cores. Fewer
    sizes or builds as arguments, e.g. `nox -s bench -- --sizes 1000 --repeat 1`.
    The table and the targets met land in benchmarks/results/build_speed.md.
    """
    install(session, "docs")
    session.run("python", "benchmarks/build_speed.py", *session.posargs)


@nox.session(name="bench-search")
def bench_search(session: nox.Session) -> None:
    """Pagefind against Sphinx's own search, same queries, in headless Chromium.

    Needs Chromium (Debian's, or PORTFOLIO_CHROMIUM). The table lands in
    benchmarks/results/search.md.
    """
    install(session, "test")
    session.run("python", "benchmarks/search.py", *session.posargs)


LIGHTHOUSE = "lighthouse@13.5.0"


@nox.session
def audit(session: nox.Session) -> None:
    """Lighthouse (npm) on every page, mobile and desktop, over a gzip server.

    Needs Node.js with npm and Chromium (Debian's, or PORTFOLIO_CHROMIUM). The
    report lands in benchmarks/results/lighthouse/.
    """
    install(session, "docs")
    session.run(*BUILD, SOURCE, OUTPUT)
    prefix = Path(session.virtualenv.location) / "npm"
    session.run(
        "npm",
        "install",
        "--silent",
        "--no-audit",
        "--no-fund",
        "--prefix",
        str(prefix),
        LIGHTHOUSE,
        external=True,
    )
    session.run(
        "python",
        "benchmarks/lighthouse.py",
        "--lighthouse",
        str(prefix / "node_modules" / ".bin" / "lighthouse"),
        *session.posargs,
    )


@nox.session
def linkcheck(session: nox.Session) -> None:
    """Check every external link (needs the network; not part of CI)."""
    install(session, "docs")
    session.run(
        "sphinx-build",
        "-n",
        "--keep-going",
        "-b",
        "linkcheck",
        SOURCE,
        "docs/_build/linkcheck",
        *session.posargs,
    )
