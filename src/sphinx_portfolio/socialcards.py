"""sphinxext-opengraph's social cards, with matplotlib imported only to draw one.

sphinxext-opengraph imports its card module when it is loaded, and that module
imports matplotlib: 0.5 to 0.9 s of every build here, a no-op one included, and of
every rebuild of the preview.  Yet a card is drawn only when its page's title or
description changed; the others are on disk already.  So, when this extension is
loaded first, a stand-in takes the card module's place in ``sys.modules``:

* its default settings are the module's own, read from its source (not run);
* a card asked for with the same arguments as one drawn before is answered from a
  record in the build state (``portfolio-social-cards.json``), while its file is in
  the output folder;
* any other use imports the real module, which draws the card and gives the path
  recorded from then on.

The site is the same either way; when matplotlib is missing, or the module's source
is not what the stand-in reads, sphinxext-opengraph is left to itself.
"""

from __future__ import annotations

import ast
import hashlib
import importlib
import importlib.machinery
import importlib.util
import json
import sys
import types
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

MODULE = "sphinxext.opengraph._social_cards"
RECORD = "portfolio-social-cards.json"


def _defaults(source: str) -> dict[str, Any] | None:
    for statement in ast.parse(source).body:
        if isinstance(statement, ast.Assign) and [
            getattr(t, "id", None) for t in statement.targets
        ] == ["DEFAULT_SOCIAL_CONFIG"]:
            value = ast.literal_eval(statement.value)
            return value if isinstance(value, dict) else None
    return None


class _Record:
    """The cards drawn before, for one build state folder: ``{digest: path}``."""

    def __init__(self, folder: Path) -> None:
        self.path = folder / RECORD
        try:
            self.cards: dict[str, str] = json.loads(self.path.read_text())
        except (OSError, ValueError):
            self.cards = {}
        self.changed = False

    def save(self, outdir: Path | None) -> None:
        """Write the record, without the cards whose file is gone."""
        if outdir is not None:
            kept = {k: v for k, v in self.cards.items() if (outdir / v).is_file()}
            self.changed |= kept != self.cards
            self.cards = kept
        if self.changed:
            self.path.write_text(json.dumps(self.cards, sort_keys=True, indent=0))
            self.changed = False


class StandIn(types.ModuleType):
    def __init__(
        self, spec: importlib.machinery.ModuleSpec, defaults: dict[str, Any]
    ) -> None:
        super().__init__(MODULE)
        self.__spec__ = spec
        self.__file__ = spec.origin
        self.DEFAULT_SOCIAL_CONFIG = defaults
        self._real: types.ModuleType | None = None
        self._records: dict[Path, _Record] = {}

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
        env = kwargs["env"]
        outdir = Path(kwargs["outdir"])
        made_of = [args, sorted((k, str(v)) for k, v in kwargs.items() if k != "env")]
        digest = hashlib.sha256(repr(made_of).encode()).hexdigest()
        record = self._records.get(Path(env.doctreedir))
        if record is None:
            record = self._records[Path(env.doctreedir)] = _Record(Path(env.doctreedir))
        known = record.cards.get(digest)
        if known is not None and (outdir / known).is_file():
            return Path(known)
        path = Path(self._module().create_social_card(*args, **kwargs))
        record.cards[digest] = path.as_posix()
        record.changed = True
        return path

    def save(self, folder: Path, outdir: Path) -> None:
        record = self._records.get(folder)
        if record is not None:
            record.save(outdir)


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


def save_record(app: Sphinx, exception: BaseException | None) -> None:
    """``build-finished``: the cards drawn by this build, for the next."""
    module = sys.modules.get(MODULE)
    if exception is None and isinstance(module, StandIn):
        module.save(Path(app.doctreedir), Path(app.outdir))


def setup_social_cards(app: Sphinx) -> None:
    install()
    app.connect("build-finished", save_record)
