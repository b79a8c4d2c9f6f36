"""``python -m sphinx_portfolio new``: the package built as a wheel, installed in an
environment of its own, writes a portfolio for a new researcher that builds strictly
with its CV PDF and search, and whose own tests pass."""

from __future__ import annotations

import ast
import io
import json
import subprocess
import sys
import sysconfig
import tomllib
from contextlib import redirect_stderr
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from pypdf import PdfReader

from sphinx_portfolio import scaffold
from sphinx_portfolio.__main__ import main

ROOT = Path(__file__).resolve().parent.parent
NAME = "Zoë O'Brien-Núñez"
EMAIL = "zoe@example.org"


def run(*command: str | Path, cwd: Path | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], capture_output=True, text=True, cwd=cwd
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def wheel_env(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh environment holding the wheel built from this repository (wheel and
    sdist pass ``twine check``); the
    packages it requires come from the test environment (a path in a .pth file), so
    nothing is downloaded, but sphinx_portfolio is the wheel's."""
    tmp = tmp_path_factory.mktemp("wheel")
    build = "from flit_core import buildapi as b; import sys; out = sys.argv[1]"
    build += "; print(b.build_wheel(out)); print(b.build_sdist(out))"
    wheel, sdist = (
        tmp / name for name in run(sys.executable, "-c", build, tmp, cwd=ROOT).split()
    )
    run(sys.executable, "-m", "twine", "check", "--strict", wheel, sdist)
    env = tmp / "env"
    run(sys.executable, "-m", "venv", "--without-pip", env)
    python = env / "bin" / "python"
    purelib = run(
        python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    )
    Path(purelib.strip(), "test-env.pth").write_text(sysconfig.get_paths()["purelib"])
    run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "-q",
        "--no-deps",
        "--ignore-installed",
        "--no-index",
        wheel,
    )
    where = run(
        python, "-c", "import sphinx_portfolio; print(sphinx_portfolio.__file__)"
    )
    assert Path(where.strip()).is_relative_to(env), where
    return python


@pytest.fixture(scope="module")
def new_site(wheel_env: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    site = tmp_path_factory.mktemp("new") / "portfolio"
    run(
        wheel_env,
        "-m",
        "sphinx_portfolio",
        "new",
        site,
        "--name",
        NAME,
        "--email",
        EMAIL,
    )
    return site


@pytest.fixture(scope="module")
def built(wheel_env: Path, new_site: Path) -> Path:
    out = new_site.parent / "out"
    log = run(
        wheel_env,
        "-m",
        "sphinx",
        "-nW",
        "--keep-going",
        "-b",
        "html",
        "-d",
        out / "doctrees",
        new_site / "docs",
        out / "html",
    )
    assert "WARNING" not in log, log
    return out / "html"


def page(built: Path, name: str) -> BeautifulSoup:
    return BeautifulSoup((built / name).read_text(), "html.parser")


def test_new_site_holds_every_file_its_readme_names(new_site: Path) -> None:
    written = {p.relative_to(new_site).as_posix() for p in new_site.rglob("*")}
    for name in (
        "refs.bib",
        "noxfile.py",
        "pyproject.toml",
        ".readthedocs.yaml",
        "README.md",
        "docs/conf.py",
        "docs/news.toml",
        "docs/index.md",
        "docs/cv.md",
        "docs/publications.md",
        "tests/test_site.py",
    ):
        assert name in written
    readme = (new_site / "README.md").read_text()
    docs, tests = "python3 -m nox -s docs", "python3 -m nox -s tests"
    own = (ROOT / "README.md").read_text()
    install = 'python3 -m pip install "nox[uv]" && '
    assert f"{install}{docs} " in own
    for command in docs, tests:
        assert f"{install}{command} " in readme
    groups = tomllib.loads((new_site / "pyproject.toml").read_text())[
        "dependency-groups"
    ]
    assert all("==" in pin or " @ " in pin for pin in groups["docs"])
    assert any(
        pin.startswith("sphinx-portfolio[site] @ file:") for pin in groups["docs"]
    )


def test_new_site_builds_with_its_cv_and_search(built: Path) -> None:
    home = page(built, "index.html")
    # docutils' smart quotes set the apostrophe as a typographer's one
    heading = home.h1.get_text(strip=True) if home.h1 else ""
    assert heading.replace("\N{RIGHT SINGLE QUOTATION MARK}", "'") == NAME
    # Sphinx cloaks addresses: '@' is written '%40' in the link
    links = [unquote(str(a["href"])) for a in home.find_all("a", href=True)]
    assert f"mailto:{EMAIL}" in links
    person = [
        json.loads(tag.string or "")
        for tag in home.find_all("script", type="application/ld+json")
    ]
    assert any(item.get("name") == NAME for item in person)
    cv = PdfReader(built / "cv.pdf")
    assert NAME in "".join(p.extract_text() for p in cv.pages)
    entry = json.loads((built / "_pagefind" / "pagefind-entry.json").read_text())
    assert entry["languages"]
    papers = list((built / "publications").glob("*.html"))
    assert len(papers) == 1
    paper = BeautifulSoup(papers[0].read_text(), "html.parser")
    assert paper.find("meta", attrs={"name": "citation_author"})["content"] == NAME


def test_new_site_passes_its_own_tests(wheel_env: Path, new_site: Path) -> None:
    log = run(
        wheel_env,
        "-m",
        "pytest",
        "-q",
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        new_site / "tests",
        cwd=new_site,
    )
    assert "3 passed" in log


def new(*args: str | Path) -> tuple[int, str]:
    err = io.StringIO()
    with redirect_stderr(err):
        code = main(["new", *map(str, args)])
    return code, err.getvalue()


def test_new_refuses_a_folder_that_is_not_empty(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    code, err = new(tmp_path, "--name", NAME)
    assert code == 2 and f"{tmp_path} is not empty" in err and "--force" in err
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    code, _ = new(tmp_path, "--name", NAME, "--force")
    assert code == 0
    assert (tmp_path / "notes.txt").read_text() == "mine"
    assert (tmp_path / "docs" / "conf.py").is_file()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--name", "  "], "--name is empty"),
        (["--name", "{Ada} Lovelace"], "{ }, which BibTeX reads as markup"),
        (["--name", "Ada \\'Lovelace"], "\\, which BibTeX reads as markup"),
        (["--name", "Ada and Bob"], "cannot be one author in refs.bib"),
        (["--name", "Ada\tLovelace\x07"], "control character"),
        (["--name", "Ada", "--email", "ada at example"], "is not an email address"),
    ],
)
def test_new_refuses_what_it_cannot_write(
    tmp_path: Path, args: list[str], message: str
) -> None:
    code, err = new(tmp_path / "site", *args)
    assert code == 2 and message in err, err
    assert not (tmp_path / "site").exists()


names = st.text(
    st.characters(
        codec="utf-8", exclude_categories=("Cc", "Cs", "Co", "Cn", "Zl", "Zp")
    ),
    min_size=1,
    max_size=30,
)


@settings(deadline=None, max_examples=60)
@given(names)
def test_any_name_it_accepts_reads_back_in_conf_and_markdown(name: str) -> None:
    try:
        files = scaffold.render(name)
    except scaffold.ScaffoldError:
        return
    name = " ".join(name.split())
    conf = ast.parse(files[PurePosixPath("docs/conf.py")])
    values = {
        node.targets[0].id: ast.literal_eval(node.value)
        for node in conf.body
        if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name)
    }
    assert values["project"] == values["portfolio_owner"] == name
    heading = MarkdownIt().parse(files[PurePosixPath("docs/index.md")])[1]
    assert heading.content and MarkdownIt().renderInline(heading.content) == (
        name.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
    )
    news = tomllib.loads(files[PurePosixPath("docs/news.toml")])
    assert news["news"][0]["text"]
