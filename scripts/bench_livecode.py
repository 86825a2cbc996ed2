"""Benchmark the live-cell runtime in headless Chromium, served from 127.0.0.1.

    .venv/bin/python scripts/bench_livecode.py [--runs 3] [--site DIR]

(a) cold: open the page, click Run at once on a numpy+matplotlib cell → figure shown
    (and the same for a pure-Python cell); (b) the numpy+matplotlib cell after 10 s of
    idle preload; (c) a trivial cell once Python is warm, click → output; (d) load event
    of a page with 5 cells vs the same page without the runtime (at least 15 runs each,
    alternating); (e) bytes downloaded
    before the first Run. Every run uses a new browser context (empty cache). Prints the
    median of --runs runs per measure, and the machine's load average (numbers from a
    busy machine are not comparable with an idle one).
"""

from __future__ import annotations

import argparse
import functools
import html
import http.server
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from slidesite.chromium import CHROMIUM, CHROMIUM_ARGS
from slidesite.livecode.assets import install_runtime, runtime_head_tags
from slidesite.paths import Project

FIGURE = """import numpy as np
import matplotlib.pyplot as plt
x = np.linspace(-2, 2, 200)
plt.plot(x, x**2 + np.exp(-x))
plt.title("損失関数 f(x) = x² + e^(−x)")
plt.show()"""
PURE = "s = sum(i * i for i in range(1000))\nprint(s)"
TRIVIAL = "1 + 1"
FILLER = "<p>" + "本文の段落です。" * 40 + "</p>"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(root: Path) -> tuple[str, Callable[[], None]]:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root)))
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{httpd.server_address[1]}", httpd.shutdown


def write_page(site: Path, name: str, cells: list[str], *, runtime: bool = True, preload: str = "idle") -> str:
    folder = site / "bench" / name
    folder.mkdir(parents=True, exist_ok=True)
    head = runtime_head_tags("../../assets", preload=preload) if runtime else ""
    body = "\n".join(
        f'<h2>例 {i}</h2>{FILLER}\n<pre class="livecode-source" data-cell="{i}" data-options="">{html.escape(c)}</pre>'
        for i, c in enumerate(cells, 1)
    )
    (folder / "index.html").write_text(
        f'<!doctype html><html lang="ja"><head><meta charset="utf-8"><title>{name}</title>{head}</head>'
        f"<body><main><h1>ベンチマーク</h1>{body}</main></body></html>",
        encoding="utf-8",
    )
    return f"/bench/{name}/"


# Click Run on cell i from inside the page and resolve when the cell has finished
# (and, for figures, when the <img> is decoded): the time is measured in the page.
CLICK_AND_WAIT = """async ([i, wantImg]) => {
  const root = document.querySelector(`.livecode[data-cell="${i}"]`);
  const t0 = performance.now();
  root.querySelector('[data-action="run"]').click();
  await new Promise((resolve) => {
    const check = () => {
      const s = root.dataset.state;
      if (s === 'done' || s === 'error' || s === 'stopped') {
        const img = root.querySelector('.livecode-output img');
        if (!wantImg || s !== 'done') return resolve();
        if (img && img.complete && img.naturalWidth > 0) return resolve();
      }
      requestAnimationFrame(check);
    };
    check();
  });
  return [performance.now() - t0, root.dataset.state, root.querySelector('.livecode-output').innerText.slice(0, 200),
          JSON.stringify(window.__livecode.runtime.timing)];
}"""


# The naive way (the baseline): one worker doing core → wheels → import → figure
# in sequence, no prefetch, no .pyc overlays. Run in the same conditions as (a) so that
# a loaded machine shows up in both.
NAIVE_PAGE = """<!doctype html><meta charset="utf-8"><title>naive</title><script type="module">
const base = new URL("../../assets/pyodide/", location.href).href;
const code = `
const { loadPyodide } = await import("${base}pyodide.mjs");
const t0 = performance.now();
const py = await loadPyodide({ indexURL: "${base}", env: { MPLBACKEND: "Agg" } });
const t1 = performance.now();
await py.loadPackage(["numpy", "matplotlib"], { messageCallback: () => {} });
const t2 = performance.now();
py.runPython("import io, numpy as np, matplotlib.pyplot as plt");
py.runPython("plt.plot(np.arange(3)); plt.title('t'); plt.savefig(io.BytesIO(), format='png')");
postMessage([t1 - t0, t2 - t1, performance.now() - t2]);`;
const w = new Worker(URL.createObjectURL(new Blob([code], { type: "text/javascript" })), { type: "module" });
const start = performance.now();
window.result = new Promise((r, reject) => {
  w.onmessage = (e) => r([performance.now() - start, ...e.data]);
  w.onerror = (e) => reject(new Error(e.message));
});
</script>"""


class Bench:
    def __init__(self, browser: object, base: str) -> None:
        self.browser = browser
        self.base = base

    def new_page(self, phone: bool = False) -> tuple[object, object, list[str]]:
        # A phone: a touch screen (pointer: coarse), where the runtime loads nothing before a cell is touched.
        options = {"is_mobile": True, "has_touch": True, "viewport": {"width": 390, "height": 844}} if phone else {}
        ctx = self.browser.new_context(**options)  # type: ignore[attr-defined]
        blocked: list[str] = []

        def guard(route: object) -> None:
            url = route.request.url  # type: ignore[attr-defined]
            if urlsplit(url).hostname == "127.0.0.1" or url.startswith("data:"):
                route.continue_()  # type: ignore[attr-defined]
            else:
                blocked.append(url)
                route.abort()  # type: ignore[attr-defined]

        ctx.route("**/*", guard)
        page = ctx.new_page()
        page.set_default_timeout(600_000)
        return ctx, page, blocked

    def click(self, page: object, i: int, img: bool = False) -> float:
        ms, state, out, timing = page.evaluate(CLICK_AND_WAIT, [i, img])  # type: ignore[attr-defined]
        print(f"    cell {i}: {ms:.0f} ms; worker timing (ms) {timing}", file=sys.stderr)
        if state != "done":
            raise RuntimeError(f"cell {i} ended {state}: {out}")
        return ms / 1000

    def cold(self, path: str, i: int, img: bool) -> float:
        ctx, page, _ = self.new_page()
        page.goto(self.base + path)  # type: ignore[attr-defined]
        page.wait_for_selector(f'.livecode[data-cell="{i}"]')  # type: ignore[attr-defined]
        t = self.click(page, i, img)
        ctx.close()  # type: ignore[attr-defined]
        return t

    def naive(self, path: str) -> float:
        ctx, page, _ = self.new_page()
        page.goto(self.base + path)  # type: ignore[attr-defined]
        total, core, wheels, imports = page.evaluate("window.result")  # type: ignore[attr-defined]
        print(f"    naive: core {core:.0f} ms, wheels {wheels:.0f} ms, import+figure {imports:.0f} ms", file=sys.stderr)
        ctx.close()  # type: ignore[attr-defined]
        return total / 1000

    def after_idle(self, path: str, i: int, idle: float) -> float:
        ctx, page, _ = self.new_page()
        page.goto(self.base + path)  # type: ignore[attr-defined]
        page.wait_for_timeout(idle * 1000)  # type: ignore[attr-defined]
        t = self.click(page, i, True)
        ctx.close()  # type: ignore[attr-defined]
        return t

    def warm(self, path: str) -> float:
        ctx, page, _ = self.new_page()
        page.goto(self.base + path)  # type: ignore[attr-defined]
        page.wait_for_selector(".livecode")  # type: ignore[attr-defined]
        self.click(page, 1)
        times = [self.click(page, 1) for _ in range(5)]
        ctx.close()  # type: ignore[attr-defined]
        return statistics.median(times)

    def load_event(self, path: str) -> float:
        ctx, page, _ = self.new_page()
        page.goto(self.base + path, wait_until="load")  # type: ignore[attr-defined]
        ms = page.evaluate("performance.getEntriesByType('navigation')[0].loadEventStart")  # type: ignore[attr-defined]
        ctx.close()  # type: ignore[attr-defined]
        return ms / 1000

    def bytes_before_run(self, path: str, wait: float, phone: bool = False) -> int:
        """Response bytes of everything but the page's HTML, `wait` s after load, no Run."""
        ctx, page, _ = self.new_page(phone)
        sizes: list[int] = []
        page_url = self.base + path

        def done(request: object) -> None:
            if request.url != page_url:  # type: ignore[attr-defined]
                sizes.append(request.sizes()["responseBodySize"])  # type: ignore[attr-defined]

        page.on("requestfinished", done)  # type: ignore[attr-defined]
        page.goto(page_url, wait_until="load")  # type: ignore[attr-defined]
        page.wait_for_timeout(wait * 1000)  # type: ignore[attr-defined]
        ctx.close()  # type: ignore[attr-defined]
        return sum(sizes)


def main(argv: list[str]) -> int:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--idle", type=float, default=10.0)
    parser.add_argument("--chromium", default=CHROMIUM)
    args = parser.parse_args(argv)

    site = Path(tempfile.mkdtemp(prefix="bench-livecode-"))
    repo = Project.at(Path(__file__).resolve().parents[1])
    install_runtime(site, cache=repo.runtime_cache, node_modules=repo.node_modules)
    five = [PURE, TRIVIAL, FIGURE, "print('ok')", "x = 1"]
    p_fig = write_page(site, "figure", [FIGURE, PURE], preload="run")
    p_pure = write_page(site, "pure", [PURE], preload="run")
    p_idle = write_page(site, "idle", [FIGURE])
    p_trivial = write_page(site, "trivial", [TRIVIAL], preload="run")
    p_five = write_page(site, "five", five)
    p_none = write_page(site, "none", five, runtime=False)
    p_five_run = write_page(site, "five-run", five, preload="run")
    (site / "bench" / "naive").mkdir(parents=True, exist_ok=True)
    (site / "bench" / "naive" / "index.html").write_text(NAIVE_PAGE, encoding="utf-8")
    p_naive = "/bench/naive/"
    base, stop = serve(site)

    rows: list[tuple[str, str, str]] = []

    def measure(label: str, fn: Callable[[], float], fmt: Callable[[float], str], target: str) -> float:
        values = [fn() for _ in range(args.runs)]
        value = statistics.median(values)
        rows.append((label, fmt(value), target))
        print(f"  {label}: {[round(v, 3) for v in values]}", file=sys.stderr)
        return value

    sec = "{:.2f} s".format
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=args.chromium, headless=True, args=CHROMIUM_ARGS)
        bench = Bench(browser, base)
        measure("(a0) naive sequential baseline, figure", lambda: bench.naive(p_naive), sec, "(reference)")
        measure("(a) cold, numpy+matplotlib figure", lambda: bench.cold(p_fig, 1, True), sec, "≤ 5 s")
        measure("(a) cold, pure-Python cell", lambda: bench.cold(p_pure, 1, False), sec, "≤ 3.5 s")
        measure(
            f"(b) figure after {args.idle:g} s idle preload",
            lambda: bench.after_idle(p_idle, 1, args.idle),
            sec,
            "≤ 0.5 s",
        )
        measure("(c) warm trivial cell", lambda: bench.warm(p_trivial), lambda v: f"{v * 1000:.0f} ms", "≤ 50 ms")
        # A load event takes tens of ms, so noise is as large as the difference: many runs, alternating.
        pairs = [(bench.load_event(p_five), bench.load_event(p_none)) for _ in range(max(15, args.runs))]
        with_rt, without = statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs)
        for label, side, value in (("(d) load event, 5 cells + runtime", 0, with_rt),
                                   ("(d) load event, runtime disabled", 1, without)):
            rows.append((label, f"{value * 1000:.0f} ms", ""))
            print(f"  {label}: {[round(p[side], 3) for p in pairs]}", file=sys.stderr)
        rows.append(("(d) difference", f"{(with_rt / without - 1) * 100:+.1f} %", "within 10 %"))
        def kb(v: float) -> str:
            return f"{v / 1024:.0f} KiB"

        measure(
            "(e) bytes before first Run (preload=run, 3 s)", lambda: bench.bytes_before_run(p_five_run, 3), kb, "≤ 1 MB"
        )
        measure("(e) bytes at load, default preload=idle", lambda: bench.bytes_before_run(p_five, 0), kb, "≤ 1 MB")
        measure(
            "(e') bytes after 10 s idle preload (numpy+mpl page)",
            lambda: bench.bytes_before_run(p_idle, args.idle),
            kb,
            "(informative)",
        )
        measure(
            "(e') … on a phone (touch screen: nothing before a cell is touched)",
            lambda: bench.bytes_before_run(p_idle, args.idle, phone=True),
            kb,
            "(informative)",
        )
        browser.close()
    stop()

    load = os.getloadavg()
    print(f"\nlive-cell benchmark, median of {args.runs} runs; load average {load[0]:.1f} on {os.cpu_count()} cores\n")
    width = max(len(r[0]) for r in rows)
    print(f"{'measure'.ljust(width)}  {'value':>10}  target")
    for label, value, target in rows:
        print(f"{label.ljust(width)}  {value:>10}  {target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
