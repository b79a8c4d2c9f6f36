"""Build speed at scale: the site with N synthetic works, beside the plain stack.

    python benchmarks/build_speed.py [--sizes 10 100 1000 5000] [--no-plain]

For each size, a copy of docs/ gets a synthetic refs.bib of N entries (valid for the
validator, the owner among the authors) and is built: clean, no-op, after editing a
page, and after each edit of refs.bib a researcher makes: a work added at the top
(newest first, the usual order) and at the end, one removed, a key renamed, a field
edited, the whole file reordered. The plain stack is
sphinx-book-theme + sphinxcontrib-bibtex (style ``plain``, every entry on one page)
with the same entries. Each build is a fresh ``sphinx-build`` process, as a user runs
it; peak memory is the highest of its builds. Prints a Markdown table and
writes it to benchmarks/results/build_speed.md.

Targets (2 cores): no-op rebuild at 1,000 entries within 2 s, growing by at most
0.5 ms an entry; one page edited at 1,000 entries within 3 s; a clean build at 1,000
entries within 1.5 times the plain stack's; 5,000 entries cleanly within 90 s, 600 MB;
each edit of refs.bib at 1,000 entries within 3 s and 0.6 times the plain stack's own
no-op rebuild, a work added at the top within 15 % of one added at the end.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
WORDS = [
    "efficient",
    "sparse",
    "mixture",
    "experts",
    "routing",
    "compression",
    "pruning",
    "quantization",
    "distillation",
    "transformer",
    "attention",
    "kernel",
    "inference",
    "training",
    "scaling",
    "graph",
    "representation",
    "adaptation",
    "dynamic",
    "network",
    "language",
    "model",
    "vision",
    "protein",
]
PLAIN_CONF = """\
project = "Plain"
extensions = ["sphinxcontrib.bibtex"]
html_theme = "sphinx_book_theme"
bibtex_bibfiles = ["refs.bib"]
bibtex_default_style = "plain"
"""
PLAIN_INDEX = (
    "Publications\n============\n\n.. bibliography::\n   :all:\n   :list: bullet\n"
)


def entry(n: int, rng: random.Random) -> str:
    title = " ".join(rng.choice(WORDS) for _ in range(7)).capitalize()
    authors = [f"Author{n}x{k} Person{k}" for k in range(rng.randint(1, 5))]
    authors.insert(rng.randint(0, len(authors)), "Daize Dong")
    year = 2000 + n % 26
    return (
        f"@inproceedings{{work{n},\n"
        f"  author = {{{' and '.join(authors)}}},\n"
        f"  title = {{{title} {n}}},\n"
        f"  booktitle = {{Conference on {rng.choice(WORDS).capitalize()}}},\n"
        f"  abbr = {{C{n % 7}}},\n"
        f"  year = {{{year}}},\n"
        f"  eprint = {{{10 + n % 15}{1 + n % 12:02d}.{10000 + n % 90000:05d}}},\n"
        f"  keywords = {{{rng.choice(WORDS)}, {rng.choice(WORDS)}}},\n"
        "}\n"
    )


def entries(count: int) -> list[str]:
    rng = random.Random(count)
    return [entry(n, rng) for n in range(count)]


def bib(count: int) -> str:
    return "\n".join(entries(count))


#: sphinx-build in a process that reports, last on stderr, its peak memory in KiB
BUILD = (
    "import resource, sys\n"
    "from sphinx.cmd.build import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def tree_memory(root: int) -> int:
    """KiB resident in process *root* and its descendants at this moment, from
    /proc (Linux). Pages they share (the interpreter's) are counted in each: a
    bound from above, within a few MB of the proportional sum (Pss), which costs
    too much to sample (it walks every page table)."""
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        try:
            status = Path(f"/proc/{pid}/status").read_text()
            children = Path(f"/proc/{pid}/task/{pid}/children").read_text()
        except OSError:
            continue
        todo += [int(child) for child in children.split()]
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total


def build(
    src: Path, out: Path, *options: str, cache: Path | None = None
) -> tuple[float, int, int]:
    """Seconds; peak resident memory (MiB) of the build process; and the peak of
    the build with its child processes (Typst, Pagefind) at one time, sampled
    every 50 ms. (A child's own ru_maxrss would not do: on Linux it starts from
    its parent's at fork.) *cache*: the user's citation cache (none: no cache)."""
    command = [
        sys.executable,
        "-c",
        BUILD,
        "-q",
        *options,
        "-b",
        "html",
        str(src),
        str(out / "html"),
        "-d",
        str(out / "doctrees"),
    ]
    start = time.perf_counter()
    env = {**os.environ, "SPHINX_PORTFOLIO_CACHE": str(cache) if cache else ""}
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env
    )
    peak = [0]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(0.05):
            peak[0] = max(peak[0], tree_memory(process.pid))

    sampler = threading.Thread(target=sample)
    sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode:
        sys.exit(stderr)
    return elapsed, int(stderr.split()[-1]) // 1024, peak[0] // 1024


def output_facts(html: Path) -> dict[str, str]:
    """Output size, the largest page, and the search index: Pagefind's bundle
    (every file of it, fetched by visitors only in part) or Sphinx's searchindex.js."""
    files = [p for p in html.rglob("*") if p.is_file()]
    pages = [p for p in files if p.suffix == ".html"]
    largest = max(pages, key=lambda p: p.stat().st_size)
    pagefind = html / "_pagefind"
    index = (
        [p for p in files if pagefind in p.parents]
        if pagefind.is_dir()
        else [html / "searchindex.js"]
    )
    return {
        "output MB": f"{sum(p.stat().st_size for p in files) / 1e6:.1f}",
        "largest page": f"{largest.name} {largest.stat().st_size / 1e6:.2f} MB",
        "search index MB": f"{sum(p.stat().st_size for p in index) / 1e6:.2f}",
    }


class Stack:
    """One site's builds: each kept, each figure the median of its repeats."""

    def __init__(self, src: Path, work: Path) -> None:
        self.src, self.work = src, work
        self.runs: dict[str, list[tuple[float, int, int]]] = {}
        self.out = work / "out-0"

    def build(
        self,
        figure: str,
        *options: str,
        fresh: bool = False,
        cache: Path | None = None,
    ) -> None:
        """Build into the kept output, or with *fresh* into a new folder (the previous
        one of this figure removed), which without *options* becomes the kept one;
        *cache* is the user's citation cache."""
        runs = self.runs.setdefault(figure, [])
        out = self.out
        if fresh:
            slug = figure.replace(" ", "-")
            shutil.rmtree(self.work / f"{slug}-{len(runs) - 1}", ignore_errors=True)
            out = self.work / f"{slug}-{len(runs)}"
            if not options:
                self.out = out
        runs.append(build(self.src, out, *options, cache=cache))

    def row(self) -> dict[str, str]:
        row = {
            figure: f"{statistics.median(run[0] for run in runs):.1f}"
            for figure, runs in self.runs.items()
        }
        every = [run for runs in self.runs.values() for run in runs]
        row["peak MB"] = str(max(run[1] for run in every))
        row["with children MB"] = str(max(run[2] for run in every))
        return row | output_facts(self.out / "html")


def measure(count: int, work: Path, repeat: int, plain: bool) -> dict[str, Stack]:
    """Clean builds of both stacks in turn (so that the machine's drift touches
    both alike), then ours rebuilt after each kind of change, then plain's no-op."""
    site = work / "site"
    shutil.copytree(
        ROOT / "docs", site / "docs", ignore=shutil.ignore_patterns("_build")
    )
    (site / "refs.bib").write_text(bib(count))
    stacks = {"ours": Stack(site / "docs", work / "ours")}
    if plain:
        (work / "plain").mkdir()
        (work / "plain" / "conf.py").write_text(PLAIN_CONF)
        (work / "plain" / "index.rst").write_text(PLAIN_INDEX)
        (work / "plain" / "refs.bib").write_text(bib(count))
        stacks["plain"] = Stack(work / "plain", work / "plain-out")
    ours = stacks["ours"]
    # the user's citation cache: empty for each clean build, but for the
    # "citations cached" ones (_build removed, the cache kept), filled by the first
    shared = work / "citation-cache"
    for n in range(repeat):
        for stack in stacks.values():
            stack.build("clean s", fresh=True, cache=shared if n == 0 else None)
        # without the CV PDF: the site's own share of a clean build
        ours.build("clean s (no PDF)", "-D", "portfolio_cv_pdf=", fresh=True)
    for _ in range(repeat):
        ours.build("clean s (citations cached)", fresh=True, cache=shared)
    for _ in range(repeat):
        ours.build("no-op s", cache=shared)
    page = site / "docs" / "awards.md"
    for n in range(repeat):
        page.write_text(page.read_text() + f"\nEdited {n}.\n")
        ours.build("page edited s", cache=shared)
    works = entries(count)
    rng = random.Random(0)
    added = count
    for figure, edit in BIB_EDITS.items():
        for _ in range(repeat):
            added += 1
            edit(works, added, rng)
            (site / "refs.bib").write_text("\n".join(works))
            ours.build(figure, cache=shared)
    if plain:
        for _ in range(repeat):
            stacks["plain"].build("no-op s")
    return stacks


def add_top(works: list[str], n: int, rng: random.Random) -> None:
    works.insert(0, entry(n, rng))


def add_end(works: list[str], n: int, rng: random.Random) -> None:
    works.append(entry(n, rng))


def remove(works: list[str], n: int, rng: random.Random) -> None:
    del works[rng.randrange(len(works))]


def rename_key(works: list[str], n: int, rng: random.Random) -> None:
    i = rng.randrange(len(works))
    works[i] = works[i].replace("{work", f"{{renamed{n}x", 1)


def edit_field(works: list[str], n: int, rng: random.Random) -> None:
    i = rng.randrange(len(works))
    works[i] = works[i].replace("title = {", f"title = {{Edited {n} ", 1)


def reorder(works: list[str], n: int, rng: random.Random) -> None:
    rng.shuffle(works)


#: the edits of refs.bib a researcher makes, each built after it is made
BIB_EDITS = {
    "added at top s": add_top,
    "added at end s": add_end,
    "removed s": remove,
    "key renamed s": rename_key,
    "field edited s": edit_field,
    "reordered s": reorder,
}


#: the issue's targets on this machine, checked on the rows measured
def verdicts(rows: dict[int, dict[str, dict[str, str]]]) -> list[str]:
    def figure(count: int, stack: str, name: str) -> float | None:
        value = rows.get(count, {}).get(stack, {}).get(name)
        return float(value) if value else None

    lines = ["| target | measured | met |", "|---|---|---|"]

    def check(target: str, value: float | None, limit: float, shown: str) -> None:
        if value is not None:
            met = "yes" if value <= limit else "**no**"
            lines.append(f"| {target} | {shown} | {met} |")

    noop = figure(1000, "ours", "no-op s")
    check("no-op rebuild at 1,000 entries ≤ 2 s", noop, 2, f"{noop} s")
    sizes = sorted(n for n in rows if figure(n, "ours", "no-op s") is not None)
    if len(sizes) >= 2 and sizes[-1] > sizes[0]:
        low, high = sizes[0], sizes[-1]
        grown = figure(high, "ours", "no-op s") or 0.0
        slope = (grown - (figure(low, "ours", "no-op s") or 0.0)) / (high - low) * 1000
        check(
            "no-op grows ≤ 0.5 ms an entry",
            slope,
            0.5,
            f"{slope:.2f} ms an entry, {low:,} to {high:,}",
        )
    page = figure(1000, "ours", "page edited s")
    check("one page edited at 1,000 ≤ 3 s", page, 3, f"{page} s")
    clean, plain = figure(1000, "ours", "clean s"), figure(1000, "plain", "clean s")
    if clean is not None and plain:
        ratio = clean / plain
        check(
            "clean build at 1,000 ≤ 1.5 times plain",
            ratio,
            1.5,
            f"{clean} s / {plain} s = {ratio:.2f} times",
        )
    cached = figure(1000, "ours", "clean s (citations cached)")
    if cached is not None and plain:
        ratio = cached / plain
        check(
            "clean build at 1,000, citations cached, ≤ 1.5 times plain",
            ratio,
            1.5,
            f"{cached} s / {plain} s = {ratio:.2f} times",
        )
    plain_noop = figure(1000, "plain", "no-op s")
    for name in BIB_EDITS:
        value = figure(1000, "ours", name)
        check(f"{name.removesuffix(' s')} at 1,000 ≤ 3 s", value, 3, f"{value} s")
        if value is not None and plain_noop:
            ratio = value / plain_noop
            check(
                f"{name.removesuffix(' s')} at 1,000 ≤ 0.6 times plain's no-op",
                ratio,
                0.6,
                f"{value} s / {plain_noop} s = {ratio:.2f} times",
            )
    top, end = (
        figure(1000, "ours", "added at top s"),
        figure(1000, "ours", "added at end s"),
    )
    if top and end:
        apart = abs(top - end) / min(top, end)
        check(
            "added at top and at end at 1,000 within 15 %",
            apart,
            0.15,
            f"{top} s and {end} s: {apart:.0%} apart",
        )
    big = figure(5000, "ours", "clean s")
    check("5,000 entries clean ≤ 90 s", big, 90, f"{big} s")
    for name in ("peak MB", "with children MB"):
        memory = figure(5000, "ours", name)
        check(f"5,000 entries ≤ 600 MB ({name})", memory, 600, f"{memory} MB")
    return lines


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 5000])
    parser.add_argument("--repeat", type=int, default=3, help="builds per figure")
    parser.add_argument("--no-plain", action="store_true")
    args = parser.parse_args()
    columns = [
        "entries",
        "stack",
        "clean s",
        "clean s (no PDF)",
        "clean s (citations cached)",
        "no-op s",
        "page edited s",
        *BIB_EDITS,
        "peak MB",
        "with children MB",
        "output MB",
        "largest page",
        "search index MB",
    ]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    rows: dict[int, dict[str, dict[str, str]]] = {}
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            stacks = measure(count, Path(tmp), args.repeat, not args.no_plain)
            rows[count] = {name: stack.row() for name, stack in stacks.items()}
        for name, row in rows[count].items():
            cells = [str(count), name] + [row.get(c, "") for c in columns[2:]]
            lines.append("| " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    machine = (
        f"{os.cpu_count()} cores, Python {sys.version.split()[0]}, "
        f"median of {args.repeat} builds a figure"
    )
    report = [machine, "", *lines, "", *verdicts(rows)]
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "build_speed.md").write_text("\n".join(report) + "\n")
    print("\n".join(report))


if __name__ == "__main__":
    main()
