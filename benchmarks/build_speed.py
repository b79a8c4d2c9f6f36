"""Build speed at scale: the site with N synthetic works, beside the plain stack.

    python benchmarks/build_speed.py [--sizes 10 100 1000 5000] [--no-plain]

For each size, a copy of docs/ gets a synthetic refs.bib of N entries (valid for the
validator, the owner among the authors) and is built: clean, no-op, after editing a
page, after editing an entry, after adding an entry. The plain stack is
sphinx-book-theme + sphinxcontrib-bibtex (style ``plain``, every entry on one page)
with the same entries. Each build is a fresh ``sphinx-build`` process, as a user runs
it; peak memory is the highest of its builds. Prints a Markdown table and
writes it to benchmarks/results/build_speed.md.

Targets (2 cores): no-op rebuild at 1,000 entries within 2 s, growing by at most
0.5 ms an entry; one page edited at 1,000 entries within 3 s; a clean build at 1,000
entries within 1.5 times the plain stack's; 5,000 entries cleanly within 90 s, 600 MB.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
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


def bib(count: int) -> str:
    rng = random.Random(count)
    return "\n".join(entry(n, rng) for n in range(count))


#: sphinx-build in a process that reports, last on stderr, its peak memory in KiB
BUILD = (
    "import resource, sys\n"
    "from sphinx.cmd.build import main\n"
    "code = main(sys.argv[1:])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def tree_memory(root: int) -> int:
    """KiB of memory that process *root* and its descendants hold at this moment:
    the sum of their proportional set sizes (a page that several of them share is
    counted once, in parts), from /proc (Linux)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(stat.parent.name)] = int(fields[1])
    tree, grew = {root}, True
    while grew:
        more = {pid for pid, parent in parents.items() if parent in tree} - tree
        tree |= more
        grew = bool(more)
    total = 0
    for pid in tree:
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            if line.startswith("Pss:"):
                total += int(line.split()[1])
    return total


def build(src: Path, out: Path, *options: str) -> tuple[float, int, int]:
    """Seconds; peak resident memory (MiB) of the build process; and the peak of
    the build with its child processes (Typst, Pagefind) at one time, sampled
    every 50 ms. (A child's own ru_maxrss would not do: on Linux it starts from
    its parent's at fork.)"""
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
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
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


def measure_ours(count: int, work: Path) -> dict[str, str]:
    src = work / "site"
    shutil.copytree(
        ROOT / "docs", src / "docs", ignore=shutil.ignore_patterns("_build")
    )
    (src / "refs.bib").write_text(bib(count))
    docs, out = src / "docs", work / "ours"
    runs: list[tuple[float, int, int]] = []

    def timed(*options: str, into: Path = out) -> str:
        runs.append(build(docs, into, *options))
        return f"{runs[-1][0]:.1f}"

    row: dict[str, str] = {}
    # the same clean build without the CV PDF: the site's own share
    row["clean s (no PDF)"] = timed("-D", "portfolio_cv_pdf=", into=work / "no-pdf")
    row["clean s"] = timed()
    row["no-op s"] = timed()
    page = docs / "awards.md"
    page.write_text(page.read_text() + "\nEdited.\n")
    row["page edited s"] = timed()
    refs = src / "refs.bib"
    refs.write_text(refs.read_text().replace("title = {", "title = {Edited ", 1))
    row["entry edited s"] = timed()
    refs.write_text(refs.read_text() + "\n" + entry(count, random.Random(0)))
    row["entry added s"] = timed()
    # the highest of all these builds
    row["peak MB"] = str(max(run[1] for run in runs))
    row["with children MB"] = str(max(run[2] for run in runs))
    row.update(output_facts(out / "html"))
    return row


def measure_plain(count: int, work: Path) -> dict[str, str]:
    src = work / "plain"
    src.mkdir()
    (src / "conf.py").write_text(PLAIN_CONF)
    (src / "index.rst").write_text(PLAIN_INDEX)
    (src / "refs.bib").write_text(bib(count))
    out = work / "plain-out"
    clean, peak, tree = build(src, out)
    noop = build(src, out)
    return {
        "clean s": f"{clean:.1f}",
        "no-op s": f"{noop[0]:.1f}",
        "peak MB": str(max(peak, noop[1])),
        "with children MB": str(max(tree, noop[2])),
        **output_facts(out / "html"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000, 5000])
    parser.add_argument("--no-plain", action="store_true")
    args = parser.parse_args()
    columns = [
        "entries",
        "stack",
        "clean s",
        "clean s (no PDF)",
        "no-op s",
        "page edited s",
        "entry edited s",
        "entry added s",
        "peak MB",
        "with children MB",
        "output MB",
        "largest page",
        "search index MB",
    ]
    lines = ["| " + " | ".join(columns) + " |", "|" + "---|" * len(columns)]
    for count in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            rows = [("ours", measure_ours(count, Path(tmp)))]
            if not args.no_plain:
                rows.append(("plain", measure_plain(count, Path(tmp))))
        for stack, row in rows:
            cells = [str(count), stack] + [row.get(c, "") for c in columns[2:]]
            lines.append("| " + " | ".join(cells) + " |")
            print(lines[-1], flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    machine = f"{os.cpu_count()} cores, Python {sys.version.split()[0]}"
    (RESULTS / "build_speed.md").write_text(f"{machine}\n\n" + "\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
