"""The live preview: ``python -m sphinx_portfolio serve``, rebuilt on every save.

sphinx-autobuild serves the site, injects its reload script and runs each build
in a ``sphinx-build`` process of its own (so conf.py and the extension's own code
are read afresh).  Its watcher is replaced here: given a file (``--watch
refs.bib``), it watches that file's inode, which an editor that saves by
renaming a new file over the old one (vim, JetBrains IDEs, ``sed -i``) replaces,
so every later save went unseen.  This watcher watches folders only:

* the source folder and the extension's package, with every folder below them
  (pages, ``_parts/``, news, conf.py, the site's static files and templates; the
  extension's templates, static files and code);
* the folder of each input that lies outside them (the bib files, a news file, a
  static or templates path elsewhere), on its own, for the names of those inputs
  only, so the rest of the repository (``.nox``, ``.git``) is neither watched nor
  followed;

and it reads conf.py again after each save of it, so a bib file renamed there is
followed from then on.  Each set of watchers is started before the build that
follows it (the first one included): no save falls between a build and the
watching.  Saves made while a build runs start another build as soon as it ends.
Editors' temporary files (``*.swp``, ``*~``, ``4913``, JetBrains'
``___jb_tmp___``) and the build's own output are ignored.

The touch points in sphinx-autobuild (read from 2025.8.25): ``Builder`` (runs one
build, prints its outcome), ``RebuildServer`` (its ``watch`` coroutine, which this
replaces, ``change_callback`` and ``flag``, which tells the pages to reload) and
``JavascriptInjectorMiddleware``.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
#: what an editor writes beside the file it saves, never an input
EDITOR_FILES = re.compile(
    r"(\.sw[a-p]|\.swx|~|\.tmp|___jb_(tmp|old|bak)___|\.orig|\.rej)$|^(4913|\.#.*|#.*#)$"
)
IGNORED_DIRS = frozenset({"__pycache__", ".git", ".hg", ".svn", ".nox", ".tox"})


@dataclass
class Plan:
    """What the preview watches."""

    #: folders watched with every folder below them
    trees: list[Path] = field(default_factory=list)
    #: folders watched on their own, for these file names only
    folders: dict[Path, set[str]] = field(default_factory=dict)
    #: never inputs: the output and build-state folders
    ignored: list[Path] = field(default_factory=list)
    conf: Path | None = None

    def follows(self, path: Path) -> bool:
        """Whether a change of *path* is a change of the site's sources."""
        if EDITOR_FILES.search(path.name) or any(
            part in IGNORED_DIRS for part in path.parts
        ):
            return False
        if any(path == p or p in path.parents for p in self.ignored):
            return False
        if path.parent in self.folders and path.name in self.folders[path.parent]:
            return True
        return any(tree == path or tree in path.parents for tree in self.trees)


def _inside(path: Path, trees: Sequence[Path]) -> bool:
    return any(tree == path or tree in path.parents for tree in trees)


def read_conf(confdir: Path) -> dict[str, Any] | None:
    """The values conf.py sets (as Sphinx evaluates it), or None if it fails."""
    from sphinx.config import eval_config_file
    from sphinx.util.tags import Tags

    conf = confdir / "conf.py"
    try:
        return eval_config_file(conf, Tags())
    except BaseException:
        return None


def plan(srcdir: Path, outdir: Path, doctreedir: Path, confdir: Path) -> Plan:
    """What to watch for the site in *srcdir* (conf.py in *confdir*)."""
    srcdir, confdir = srcdir.resolve(), confdir.resolve()
    result = Plan(
        trees=[srcdir, HERE],
        ignored=[outdir.resolve(), doctreedir.resolve()],
        conf=confdir / "conf.py",
    )
    if not _inside(confdir, result.trees):
        result.folders.setdefault(confdir, set()).add("conf.py")
    values = read_conf(confdir) or {}

    def names(key: str) -> list[str]:
        value = values.get(key) or []
        return [value] if isinstance(value, str) else [str(v) for v in value]

    files = [confdir / name for name in names("bibtex_bibfiles")]
    files += [srcdir / name for name in names("portfolio_news")]
    for path in files:
        path = path.resolve()
        # a folder that does not exist yet cannot be watched (the build says the
        # file is missing); it is once conf.py is saved again
        if not _inside(path, result.trees) and path.parent.is_dir():
            result.folders.setdefault(path.parent, set()).add(path.name)
    for key in ("html_static_path", "templates_path", "html_extra_path"):
        for name in names(key):
            path = (confdir / name).resolve()
            if path.is_dir() and not _inside(path, result.trees):
                result.trees.append(path)
            elif path.is_file() and not _inside(path, result.trees):
                result.folders.setdefault(path.parent, set()).add(path.name)
    return result


def serve(argv: Sequence[str]) -> int:
    """Build, serve on --host:--port, rebuild and reload on every save."""
    import uvicorn
    import watchfiles
    from sphinx_autobuild.build import Builder
    from sphinx_autobuild.middleware import JavascriptInjectorMiddleware
    from sphinx_autobuild.server import RebuildServer
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.routing import Mount, WebSocketRoute
    from starlette.staticfiles import StaticFiles

    parser = argparse.ArgumentParser(
        prog="python -m sphinx_portfolio serve",
        description="Serve the site and rebuild it on every save. Options not "
        "listed here go to sphinx-build (default: -n --keep-going).",
    )
    parser.add_argument("source", nargs="?", default="docs", type=Path)
    parser.add_argument("output", nargs="?", default="docs/_build/html", type=Path)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument(
        "-d",
        dest="doctrees",
        type=Path,
        help="the build state (default: doctrees beside OUTPUT, not in the site)",
    )
    parser.add_argument("-c", dest="confdir", type=Path, help="conf.py's folder")
    args, sphinx_options = parser.parse_known_args(argv)
    if not args.source.is_dir():
        parser.error(f"no source folder {args.source}")
    srcdir, outdir = args.source.resolve(), args.output.resolve()
    confdir = (args.confdir or args.source).resolve()
    doctrees = (args.doctrees or outdir.parent / "doctrees").resolve()
    outdir.mkdir(parents=True, exist_ok=True)
    build_args = [
        *(sphinx_options or ["-n", "--keep-going"]),
        *("-b", "html", "-d", str(doctrees), "-c", str(confdir)),
        *(str(srcdir), str(outdir)),
    ]
    url_host = f"{args.host}:{args.port}"
    builder = Builder(
        build_args, url_host=url_host, pre_build_commands=[], post_build_commands=[]
    )

    def current_plan() -> Plan:
        return plan(srcdir, outdir, doctrees, confdir)

    class Watcher(RebuildServer):  # type: ignore[misc]
        async def watch(self) -> None:
            while True:
                await self._watch_until_conf_changes(current_plan())

        async def _watch_until_conf_changes(self, plan: Plan) -> None:
            """Build once the watchers are up (saves made before are in that
            build, later ones are seen), then on every change, until conf.py
            changed and the plan must be made again."""
            stop = asyncio.Event()
            queue: asyncio.Queue[set[Path]] = asyncio.Queue()
            queue.put_nowait(set())

            async def feed(paths: list[Path], recursive: bool) -> None:
                async for changes in watchfiles.awatch(
                    *paths,
                    watch_filter=lambda _, name: plan.follows(Path(name)),
                    recursive=recursive,
                    stop_event=stop,
                    debounce=400,
                    step=50,
                ):
                    queue.put_nowait({Path(name) for _, name in changes})

            groups = [(plan.trees, True), (list(plan.folders), False)]
            tasks = [
                asyncio.create_task(feed(paths, recursive))
                for paths, recursive in groups
                if paths
            ]
            await asyncio.sleep(0.2)  # the watchers start
            try:
                while True:
                    changed = await queue.get()
                    while not queue.empty():
                        changed |= queue.get_nowait()
                    await asyncio.to_thread(
                        self.change_callback, changed_paths=sorted(changed)
                    )
                    self.flag.set()
                    if plan.conf in changed:
                        return
            finally:
                stop.set()
                for task in tasks:
                    task.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await task

    first = current_plan()
    watcher = Watcher(first.trees, lambda path: not first.follows(Path(path)), builder)
    app = Starlette(
        routes=[
            WebSocketRoute("/websocket-reload", watcher, name="reload"),
            Mount("/", app=StaticFiles(directory=outdir, html=True), name="static"),
        ],
        middleware=[Middleware(JavascriptInjectorMiddleware, ws_url=url_host)],
        lifespan=watcher.lifespan,
    )
    watched = [*first.trees, *(d / n for d, ns in first.folders.items() for n in ns)]
    print("Watching " + ", ".join(str(p) for p in watched), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0
