"""The live preview, started as ``nox -s serve`` starts it, followed through saves
of every kind: in place, and by the renames of vim, JetBrains IDEs and ``sed -i``."""

from __future__ import annotations

import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from sphinx_portfolio.preview import HERE, plan

from .conftest import DOCS, REFS

#: how long one rebuild may take before the preview counts as not following
PATIENCE = 90


def in_place(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def by_rename(path: Path, text: str) -> None:
    """``sed -i``: a new file in the same folder, renamed over the old one."""
    fd, name = tempfile.mkstemp(dir=path.parent, prefix="sed")
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(text)
    os.replace(name, path)


def like_vim(path: Path, text: str) -> None:
    """vim's default: a probe file, the old file renamed to a backup, a new file."""
    probe = path.parent / "4913"
    probe.write_text("")
    probe.unlink()
    backup = path.with_name(path.name + "~")
    os.replace(path, backup)
    path.write_text(text, encoding="utf-8")
    backup.unlink()


def like_jetbrains(path: Path, text: str) -> None:
    """JetBrains' "safe write": a temporary file swapped in, the old one dropped."""
    new = path.with_name(path.name + "___jb_tmp___")
    old = path.with_name(path.name + "___jb_old___")
    new.write_text(text, encoding="utf-8")
    os.replace(path, old)
    os.replace(new, path)
    old.unlink()


SAVES: list[Callable[[Path, str], None]] = [
    in_place,
    by_rename,
    like_vim,
    like_jetbrains,
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def fetch(url: str) -> str:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return str(response.read().decode("utf-8"))
    except (urllib.error.URLError, http.client.HTTPException, OSError):
        return ""  # not served yet, or being written (the file changed under it)


class Preview:
    def __init__(self, root: Path, port: int, log: Path) -> None:
        self.root, self.base, self.log = root, f"http://127.0.0.1:{port}", log

    def shows(self, page: str, text: str, timeout: float = PATIENCE) -> None:
        """Wait until the served *page* holds *text*."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if text in fetch(f"{self.base}/{page}"):
                return
            time.sleep(0.3)
        pytest.fail(
            f"{page} never showed {text!r}; the preview said:\n"
            + self.log.read_text()[-3000:]
        )


@pytest.fixture
def preview(tmp_path: Path) -> Iterator[Preview]:
    root = tmp_path / "site"
    root.mkdir()
    shutil.copytree(DOCS, root / "docs", ignore=shutil.ignore_patterns("_build"))
    shutil.copy(REFS, root / "refs.bib")
    port = free_port()
    log = tmp_path / "preview.log"
    with log.open("w") as out:
        # what `nox -s serve` runs, in the site's folder
        process = subprocess.Popen(
            [
                *(sys.executable, "-m", "sphinx_portfolio", "serve"),
                *("docs", "docs/_build/html", "--port", str(port)),
            ],
            cwd=root,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        running = Preview(root, port, log)
        running.shows("index.html", "Daize Dong")
        yield running
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    said = log.read_text()
    # every build succeeded (the server may log a page that changed while sent)
    # (-15: the build that the end of the test stopped)
    assert not re.search(r"Sphinx exited with exit code: [1-9]", said), said[-3000:]
    assert "Exception occurred" not in said


def test_preview_follows_every_save(preview: Preview) -> None:
    root = preview.root
    bib = root / "refs.bib"
    original = bib.read_text(encoding="utf-8")
    title = "{PAD-Net}: An Efficient Framework for Dynamic Networks"
    # refs.bib, several times in a row, every way of saving, each way twice
    for n, save in enumerate(SAVES * 2):
        new = f"PAD-Net Edited {n} {save.__name__}"
        save(bib, original.replace(title, new))
        preview.shows("publications.html", new)
        preview.shows("publications/he2023padnet.html", new)
    # a page, a part included by two pages, the news
    page = root / "docs" / "projects.md"
    by_rename(page, page.read_text() + "\nA sentence added by rename.\n")
    preview.shows("projects.html", "A sentence added by rename.")
    part = root / "docs" / "_parts" / "awards.md"
    in_place(part, part.read_text() + "\n- An award saved in place\n")
    preview.shows("awards.html", "An award saved in place")
    preview.shows("cv.html", "An award saved in place")
    news = root / "docs" / "news.toml"
    item = '\n[[news]]\ndate = "2026-01"\ntext = "{}"\n'
    like_vim(news, news.read_text() + item.format("News saved by vim"))
    preview.shows("index.html", "News saved by vim")
    in_place(news, news.read_text() + item.format("News saved in place"))
    preview.shows("index.html", "News saved in place")
    # conf.py moves the publications to another file: that file is followed next
    moved = root / "works" / "papers.bib"
    moved.parent.mkdir()
    shutil.copy(bib, moved)
    conf = root / "docs" / "conf.py"
    like_jetbrains(
        conf, conf.read_text().replace('"../refs.bib"', '"../works/papers.bib"')
    )
    preview.shows("publications.html", "PAD-Net Edited 7")
    for n, save in enumerate(SAVES):
        new = f"PAD-Net Moved {n}"
        save(moved, original.replace(title, new))
        preview.shows("publications.html", new)


def test_watch_plan_covers_every_input(tmp_path: Path) -> None:
    docs = tmp_path / "docs"
    shutil.copytree(DOCS, docs, ignore=shutil.ignore_patterns("_build"))
    shutil.copy(REFS, tmp_path / "refs.bib")
    watched = plan(docs, docs / "_build" / "html", docs / "_build" / "doctrees", docs)
    # folders, never a file: an editor's rename replaces a file's inode
    assert all(path.is_dir() for path in [*watched.trees, *watched.folders])
    inputs = [
        tmp_path / "refs.bib",
        docs / "conf.py",
        docs / "news.toml",
        docs / "index.md",
        docs / "_parts" / "interests.md",
        docs / "_static" / "favicon.svg",
        docs / "a-new-page.md",
        HERE / "templates" / "page.html",
        HERE / "static" / "portfolio.css",
        HERE / "pages.py",
    ]
    for path in inputs:
        assert watched.follows(path), path
    not_inputs = [
        docs / "_build" / "html" / "index.html",
        docs / "_build" / "doctrees" / "environment.pickle",
        tmp_path / "noxfile.py",
        tmp_path / ".nox" / "docs" / "x.py",
        docs / "index.md.swp",
        docs / "4913",
        tmp_path / "refs.bib~",
        tmp_path / "refs.bib___jb_tmp___",
        HERE / "__pycache__" / "pages.cpython-311.pyc",
    ]
    for path in not_inputs:
        assert not watched.follows(path), path
    # only the folder of refs.bib itself, not the repository below it
    assert tmp_path not in watched.trees
    assert watched.folders[tmp_path] == {"refs.bib"}
