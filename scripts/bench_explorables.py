"""Benchmark explorables (`#@param` cells) on a built site: bytes each one sends, and control → output latency.

Run: `.venv/bin/python scripts/bench_explorables.py [--site site] [--swaps 20]` after `scripts/build`.
Bytes: the state data (JSON) plus every distinct figure of its states, per cell and for the site.
Latency: in headless Chromium with Pyodide and every Python file blocked (and no service worker), the
time from a slider's or menu's `input` event until the new state's text is in the output and its figure
is decoded, on each explorable's slide (the first swap also loads the state data; the rest follow a prefetch).
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import re
import statistics
import threading
from pathlib import Path

from playwright.sync_api import Page, sync_playwright
from slidesite.chromium import CHROMIUM, CHROMIUM_ARGS

ROOT = Path(__file__).resolve().parents[1]
SPEC = re.compile(r'<script type="application/json" class="livecode-params">(.*?)</script>')


def explorables(site: Path) -> list[tuple[Path, dict[str, object]]]:
    """Every deck's explorable cells: (deck page, controls spec). Pages repeat the decks' cells."""
    found = []
    for page in sorted((site / "slides").glob("*/index.html")):
        for spec in SPEC.findall(page.read_text(encoding="utf-8")):
            found.append((page, json.loads(spec)))
    return found


def sizes(page: Path, spec: dict[str, object]) -> tuple[int, int, int, int]:
    """(states, JSON bytes, distinct figures, figure bytes) of one explorable."""
    data = (page.parent / str(spec["states"])).resolve()
    states = json.loads(data.read_text(encoding="utf-8"))["states"]
    figures = {data.with_name(t) for s in states for k, t, *_ in s if k == "image"}
    return len(states), data.stat().st_size, len(figures), sum(f.stat().st_size for f in figures)


SWAP = """async ([name, value]) => {
  const input = document.querySelector(`[data-param="${name}"]`);
  const out = input.closest('.livecode').querySelector('.livecode-output');
  const before = out.innerText;
  const t0 = performance.now();
  input.value = value;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  while (out.innerText === before) {
    if (performance.now() - t0 > 5000) return -1;  // never swapped: reported, not waited for
    await new Promise((r) => setTimeout(r, 0));
  }
  const img = out.querySelector('img');
  if (img) await img.decode();
  return performance.now() - t0;
}"""


def swap_times(page: Page, url: str, spec: dict[str, object], swaps: int) -> list[float]:
    param = spec["params"][0]  # type: ignore[index]
    name = param["name"]
    page.goto(url)
    page.wait_for_selector(f'[data-param="{name}"]', state="attached")
    n = page.evaluate(f"""() => 1 + [...document.querySelectorAll('svg[data-marpit-svg]')]
        .findIndex((s) => s.querySelector('[data-param="{name}"]'))""")
    page.goto(f"{url}#{n}")
    page.wait_for_timeout(300)
    values = param["values"]
    at = values.index(param["default"])
    times = []
    step = 1
    for _ in range(swaps):  # walk one step at a time, turning at either end, as a reader drags
        if not 0 <= at + step < len(values):
            step = -step
        at += step
        value = values[at] if param["kind"] != "slider" else str(float(values[at]))
        times.append(page.evaluate(SWAP, [name, value]))
    return times


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, default=ROOT / "site")
    parser.add_argument("--swaps", type=int, default=20)
    args = parser.parse_args()
    found = explorables(args.site)
    total_json = total_figs = 0
    seen: set[str] = set()
    print(f"{'deck':32s} {'control':8s} {'states':>6s} {'JSON':>8s} {'figures':>7s} {'fig bytes':>10s} {'per fig':>8s}")
    for html, spec in found:
        states, json_bytes, figures, fig_bytes = sizes(html, spec)
        name = spec["params"][0]["name"]  # type: ignore[index]
        print(f"{html.parent.name:32s} {name:8s} {states:6d} {json_bytes:8d} {figures:7d} {fig_bytes:10d} "
              f"{fig_bytes // max(figures, 1):8d}")
        if str(spec["states"]) not in seen:
            seen.add(str(spec["states"]))
            total_json += json_bytes
            total_figs += fig_bytes
    print(f"total: {len(found)} explorables, {total_json} bytes of state data + {total_figs} bytes of figures "
          f"= {(total_json + total_figs) / 1024:.0f} KB")
    handler = functools.partial(QuietHandler, directory=str(args.site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_address[1]}/"
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        # No service worker: with Python blocked, its offline copying retries the blocked files and
        # slows every other request of the page (a bench artefact; readers load Python unblocked).
        context = browser.new_context(viewport={"width": 1280, "height": 720}, service_workers="block")
        context.route(re.compile(r".*(/pyodide/|\.py$|\.whl$)"), lambda route: route.abort())
        tab = context.new_page()
        everything: list[float] = []
        for deck, spec in found:
            times = swap_times(tab, base + f"slides/{deck.parent.name}/", spec, args.swaps)
            everything += times[1:]
            print(f"swap {deck.parent.name} {spec['params'][0]['name']}: first {times[0]:.1f} ms, "  # type: ignore[index]
                  f"then median {statistics.median(times[1:]):.1f} ms, max {max(times[1:]):.1f} ms")
        print(f"swap, all explorables after the first touch: median {statistics.median(everything):.1f} ms, "
              f"max {max(everything):.1f} ms")
        browser.close()
    server.shutdown()


if __name__ == "__main__":
    main()
