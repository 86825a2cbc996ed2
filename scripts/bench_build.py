"""Benchmark the build: full build, no-change rebuild, batch vs per-deck marp, and edit → redraw in serve.

Run: `.venv/bin/python scripts/bench_build.py [--runs N]` (scripts/test's setup first).
Prints medians of N runs; timings on a shared 2-core machine are noisy, so compare ratios.
"""

from __future__ import annotations

import argparse
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

from slidesite.marp.compile import _stage_sources, load_decks
from slidesite.marp.worker import run_marp, themes
from slidesite.paths import Project

ROOT = Path(__file__).resolve().parents[1]
PROJECT = Project.at(ROOT)


def median_of(runs: int, step: Callable[[], float]) -> tuple[float, list[float]]:
    times = [step() for _ in range(runs)]
    return statistics.median(times), times


def timed(fn: Callable[[], object]) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def make_copy(dest: Path) -> Path:
    """A project copy sharing npm packages, with its own slides, docs and cache."""
    dest.mkdir(parents=True)
    (dest / "node_modules").symlink_to(ROOT / "node_modules")
    for name in ("slides", "docs"):
        shutil.copytree(ROOT / name, dest / name)
    # The copy has no theme/ or package of its own to watch.
    config = (ROOT / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("watch:\n  - slides\n  - theme\n  - scripts/slidesite\n", "watch:\n  - slides\n")
    (dest / "mkdocs.yml").write_text(config, encoding="utf-8")
    return dest


def build(project: Path) -> None:
    subprocess.run([sys.executable, "-m", "slidesite.build", "--config", str(project / "mkdocs.yml")],
                   check=True, capture_output=True)


def bench_builds(runs: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as tmp:
        project = make_copy(Path(tmp) / "p")

        def full() -> float:
            shutil.rmtree(project / ".cache", ignore_errors=True)
            shutil.rmtree(project / "site", ignore_errors=True)
            return timed(lambda: build(project))

        def cells_cached() -> float:
            # Everything but the cells' outputs rebuilt: what running the cells adds to `full`.
            for item in (project / ".cache" / "build").iterdir():
                if item.name != "outputs":
                    shutil.rmtree(item) if item.is_dir() else item.unlink()
            shutil.rmtree(project / "site", ignore_errors=True)
            return timed(lambda: build(project))

        full_median, _ = median_of(runs, full)
        cached_median, _ = median_of(runs, cells_cached)
        build(project)
        again_median, _ = median_of(runs, lambda: timed(lambda: build(project)))
    return {"full build, empty cache (cells run)": full_median,
            "full build, cell outputs cached": cached_median,
            "no-change rebuild": again_median}


def bench_marp(runs: int) -> dict[str, float]:
    decks = load_decks(ROOT / "slides")
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)
        theme_css = themes.themes_for_marp(cache / "themes", "../../assets/fonts")

        def batch() -> float:
            src = _stage_sources(cache, decks, "src", {}, "")
            return timed(lambda: run_marp(PROJECT, src, cache / "out", theme_css))

        def one_by_one() -> float:
            total = 0.0
            for deck in decks:
                src = _stage_sources(cache, [deck], "src", {}, "")
                total += timed(lambda src=src: run_marp(PROJECT, src, cache / "out", theme_css))
            return total

        results = {}
        for _ in range(runs):  # interleave the two so load changes hit both alike
            results.setdefault("batch", []).append(batch())
            results.setdefault("per-deck", []).append(one_by_one())
    b, p = statistics.median(results["batch"]), statistics.median(results["per-deck"])
    return {f"marp, {len(decks)} decks in one process": b, f"marp, one process per deck ({len(decks)})": p,
            "ratio batch / per-deck": b / p}


# Runs in every document the benchmark page loads: note when the first frame holding the marker
# text (set in sessionStorage before the edit) is drawn. Asking the page from Playwright instead
# measures when the page's scripts (MathJax, Material) let go of the main thread, which is later.
FRAME_PROBE = """
const marker = sessionStorage.getItem("bench-marker");
if (marker) {
  new MutationObserver((records, observer) => {
    const found = records.some((r) => [...r.addedNodes].some((n) => (n.textContent || "").includes(marker)));
    if (!found) return;
    observer.disconnect();
    requestAnimationFrame(() => { window.__benchShownAt = performance.timeOrigin + performance.now(); });
  }).observe(document, { childList: true, subtree: true });
}
"""


def wait_until_up(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except OSError:  # not listening yet (URLError is an OSError)
            if time.monotonic() > deadline:
                raise
            time.sleep(0.5)


def bench_serve(runs: int) -> dict[str, float]:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        project = make_copy(Path(tmp) / "p")
        build(project)  # warm the deck cache as a lecturer's machine would have it
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        proc = subprocess.Popen(
            [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
            cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        try:
            deck = sorted((project / "slides").glob("0*.md"))[1]
            original = deck.read_text(encoding="utf-8")
            drawn: dict[str, list[float]] = {}
            scripted: dict[str, list[float]] = {}
            wait_until_up(f"http://127.0.0.1:{port}/")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu"])
                targets = {  # what a lecturer looks at while editing, one window at a time
                    "deck window": f"http://127.0.0.1:{port}/slides/{deck.stem}/",
                    "textbook page": f"http://127.0.0.1:{port}/lectures/{deck.stem}/",  # deck in an iframe
                }
                edits = {name: lambda marker: deck.write_text(
                    original + f"\n---\n\n<!-- _header: {marker} -->\n\n{marker}\n", encoding="utf-8")
                    for name in targets}
                # One cell of a deck whose cells run in well under a second prints something new.
                small = project / "slides" / "00-overview.md"
                small_text = small.read_text(encoding="utf-8")
                targets["textbook page, one cell edited"] = f"http://127.0.0.1:{port}/lectures/{small.stem}/"

                def edit_cell(marker: str) -> None:  # the marker is in the cell's output only, not in its code
                    cell = f"```python run\nprint('{marker[:3]}' + '{marker[3:]}')\n"
                    small.write_text(small_text.replace("```python run\n", cell, 1), encoding="utf-8")

                edits["textbook page, one cell edited"] = edit_cell
                for name, target in targets.items():
                    context = browser.new_context()
                    context.add_init_script(FRAME_PROBE)
                    page = context.new_page()
                    page.goto(target)
                    drawn[name], scripted[name] = [], []
                    for i in range(runs):
                        marker = f"ベンチマーク{name[0]}{i}号"
                        time.sleep(1.5)
                        page.wait_for_load_state()  # a save seen twice reloads the page twice
                        page.evaluate("m => sessionStorage.setItem('bench-marker', m)", marker)
                        saved_ms, started = time.time() * 1000, time.perf_counter()
                        edits[name](marker)
                        shown = f"() => !!document.body && document.body.textContent.includes('{marker}')"
                        page.wait_for_function(shown, timeout=60000)
                        scripted[name].append(time.perf_counter() - started)
                        page.wait_for_function("() => window.__benchShownAt !== undefined", timeout=30000)
                        drawn[name].append((page.evaluate("window.__benchShownAt") - saved_ms) / 1000)
                    context.close()
                browser.close()
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    rows = {}
    for name in drawn:
        rows[f"serve: save deck → {name} draws the change"] = statistics.median(drawn[name])
        rows[f"serve: save deck → {name}'s scripts done"] = statistics.median(scripted[name])
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--only", choices=["builds", "marp", "serve"])
    args = parser.parse_args()
    rows: dict[str, float] = {}
    if args.only in (None, "builds"):
        rows |= bench_builds(args.runs)
    if args.only in (None, "marp"):
        rows |= bench_marp(args.runs)
    if args.only in (None, "serve"):
        rows |= bench_serve(max(args.runs, 5))
    print(f"| measurement (median of {args.runs}+ runs) | value |\n|---|---|")
    for name, value in rows.items():
        unit = "" if name.startswith("ratio") else " s"
        print(f"| {name} | {value:.2f}{unit} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
