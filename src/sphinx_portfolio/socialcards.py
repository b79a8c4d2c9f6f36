"""sphinxext-opengraph's social cards, drawn beside the build, with matplotlib
loaded only to draw one.

sphinxext-opengraph imports its card module when it is loaded, and that module
imports matplotlib: 0.5 to 0.9 s of every build here, a no-op one included, and of
every rebuild of the preview; an edited work's new card then cost the import again
in the middle of the build.  So, when this extension is loaded first, a stand-in
takes the card module's place in ``sys.modules``:

* its default settings are the module's own, read from its source (not run);
* a card is named by a digest of everything it is drawn from
  (``_images/social_previews/summary_<page>_<digest>.png``): a card whose file
  exists is not drawn again, nor one the user's cache holds (the folder of
  :func:`.citations.shared_folder`, ``cards-<versions>/``, keyed by the same
  digest and the versions of sphinxext-opengraph and matplotlib): a clean build
  copies it;
* a new card is drawn by the module's own function in a process of its own,
  started for the build's first new card, which imports matplotlib while the build
  goes on; the build waits for it at its end, and a card it could not draw is a
  ``portfolio.social-card`` warning.  (A parallel write worker, which ends before
  the build, draws its cards itself.)

Any other use of the module imports the real one.  When matplotlib is missing, or
the module's source is not what the stand-in reads, sphinxext-opengraph is left to
itself.
"""

from __future__ import annotations

import ast
import functools
import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .diagnostics import PortfolioWarning

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MODULE = "sphinxext.opengraph._social_cards"
FOLDER = "_images/social_previews"
#: the drawing process, run by its path (:mod:`.card_drawer`): one card a line of
#: JSON on stdin, drawn by the module's own function, then moved to the name
#: given; one line of outcome per card
DRAWER = Path(__file__).with_name("card_drawer.py")


def _defaults(source: str) -> dict[str, Any] | None:
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign) and [
            getattr(t, "id", None) for t in statement.targets
        ] == ["DEFAULT_SOCIAL_CONFIG"]:
            value = ast.literal_eval(statement.value)
            return value if isinstance(value, dict) else None
    return None


def _digest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> str:
    """What a card is drawn from: the texts and settings, and the images' bytes
    (not where the project or the output folder lie)."""
    config = args[0] if args and isinstance(args[0], dict) else {}
    srcdir = Path(kwargs.get("srcdir", "."))
    images = []
    for name in (
        config.get("image"),
        config.get("image_mini"),
        kwargs.get("html_logo"),
    ):
        path = srcdir / str(name) if name else None
        images.append(
            hashlib.sha256(path.read_bytes()).hexdigest()
            if path is not None and path.is_file()
            else None
        )
    made_of = [args, kwargs.get("html_logo"), images]
    return hashlib.sha256(
        json.dumps(made_of, sort_keys=True, default=str).encode()
    ).hexdigest()[:16]


class StandIn(types.ModuleType):
    def __init__(
        self, spec: importlib.machinery.ModuleSpec, defaults: dict[str, Any]
    ) -> None:
        super().__init__(MODULE)
        self.__spec__ = spec
        self.__file__ = spec.origin
        self.DEFAULT_SOCIAL_CONFIG = defaults
        self._real: types.ModuleType | None = None
        #: the process drawing this build's new cards, and how many it was given
        self.drawer: subprocess.Popen[str] | None = None
        self.jobs = 0
        #: the cards it was given: where, and their digest
        self.drawn: list[tuple[Path, str]] = []
        #: the process that started the build (a parallel write worker is another)
        self.main = os.getpid()

    def _module(self) -> types.ModuleType:
        if self._real is None:
            del sys.modules[MODULE]
            try:
                self._real = importlib.import_module(MODULE)
            finally:
                sys.modules[MODULE] = self
        return self._real

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self._module(), name)

    def create_social_card(self, *args: Any, **kwargs: Any) -> Path:
        """The card's path in the output folder; drawn (beside the build) if new."""
        outdir = Path(kwargs["outdir"])
        drawn_from = {k: v for k, v in kwargs.items() if k != "env"}
        digest = _digest(args, kwargs)
        page = str(args[5]).replace("/", "_")
        relative = Path(FOLDER) / f"summary_{page}_{digest}.png"
        target = outdir / relative
        if target.is_file():
            return relative
        target.parent.mkdir(parents=True, exist_ok=True)
        kept = _kept_card(digest)
        if kept is not None and kept.is_file():
            shutil.copyfile(kept, target)
            return relative
        if os.getpid() != self.main:
            drawn = outdir / self._module().create_social_card(*args, **kwargs)
            if drawn != target:
                os.replace(drawn, target)
            keep_card(target, digest)
            return relative
        if self.drawer is None:
            self.drawer = subprocess.Popen(
                [sys.executable, "-P", str(DRAWER)],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
        job = {"args": args, "kwargs": drawn_from, "outdir": str(outdir)}
        self.drawn.append((target, digest))
        stdin = self.drawer.stdin
        if stdin is not None:
            stdin.write(json.dumps({**job, "target": str(target)}, default=str) + "\n")
            stdin.flush()
        self.jobs += 1
        return relative

    def finish(self) -> list[str]:
        """Wait for the drawing process; what it said (sphinxext-opengraph's own
        warnings, such as a missing image) and what it could not draw."""
        drawer, jobs, drawn = self.drawer, self.jobs, self.drawn
        self.drawer, self.jobs, self.drawn = None, 0, []
        if drawer is None:
            return []
        stdout, stderr = drawer.communicate()
        outcomes = [json.loads(line) for line in stdout.splitlines()]
        problems = [
            f"{outcome['page']}: {said}"
            for outcome in outcomes
            for said in outcome["said"]
        ]
        if len(outcomes) < jobs:
            lines = stderr.strip().splitlines() or [f"exit {drawer.returncode}"]
            problems.append(f"the drawing process stopped: {lines[-1]}")
        if not problems:
            # a card drawn with a warning is not kept: the next build says it again
            for target, digest in drawn:
                keep_card(target, digest)
        return problems


@functools.cache
def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        found = [version("sphinxext-opengraph"), version("matplotlib")]
    except PackageNotFoundError:
        return ""
    return hashlib.sha256(" ".join(found).encode()).hexdigest()[:12]


def _kept_card(digest: str) -> Path | None:
    """Where the user's cache keeps the card *digest* (None: no cache)."""
    from .citations import shared_folder

    folder = shared_folder()
    versions = _versions()
    if folder is None or not versions:
        return None
    return folder / f"cards-{versions}" / f"{digest}.png"


def keep_card(target: Path, digest: str) -> None:
    """A card just drawn, kept in the user's cache (whole or not at all)."""
    kept = _kept_card(digest)
    if kept is None or kept.is_file() or not target.is_file():
        return
    try:
        kept.parent.mkdir(parents=True, exist_ok=True)
        part = kept.with_suffix(f".{os.getpid()}.part")
        shutil.copyfile(target, part)
        os.replace(part, kept)
    except OSError:
        pass  # a cache that cannot be written is only slower


def install() -> None:
    """Put the stand-in in place, if sphinxext-opengraph is not loaded yet."""
    if "sphinxext.opengraph" in sys.modules or MODULE in sys.modules:
        return
    try:
        # (not the card module's own spec: finding it would import its package)
        package = importlib.util.find_spec("sphinxext.opengraph")
        drawing = importlib.util.find_spec("matplotlib")
    except (ImportError, ValueError):
        return
    if package is None or drawing is None or not package.submodule_search_locations:
        return
    source = Path(next(iter(package.submodule_search_locations))) / "_social_cards.py"
    try:
        defaults = _defaults(source.read_text(encoding="utf-8"))
    except (OSError, SyntaxError, ValueError):
        return
    spec = importlib.util.spec_from_file_location(MODULE, source)
    if defaults is not None and spec is not None:
        sys.modules[MODULE] = StandIn(spec, defaults)


def note_process(app: Sphinx) -> None:
    """``builder-inited``: the process whose cards are drawn beside it."""
    module = sys.modules.get(MODULE)
    if isinstance(module, StandIn):
        module.main = os.getpid()


def finish_drawing(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: every new card drawn; what went wrong, as warnings."""
    module = sys.modules.get(MODULE)
    if isinstance(module, StandIn):
        for problem in module.finish():
            PortfolioWarning.SOCIAL_CARD.log(f"social card of {problem}", None)


def setup_social_cards(app: Sphinx) -> None:
    install()
    app.connect("builder-inited", note_process)
    # while Pagefind indexes (160 to 900), before the build ends
    app.connect("build-finished", finish_drawing, priority=940)
