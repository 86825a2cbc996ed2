"""Explorables on the real site: controls swap in precomputed states with Python blocked, keys stay on
the control, the presenter moves the audience's control, the PDF and the no-JS page show the default
with a caption, and an edited cell runs live from its slider."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from .cells import wait_for_cells

pytestmark = pytest.mark.browser

SWAP_BOUND_MS = 500  # generous: scripts/bench_explorables.py measures the real figure (a few ms)
DECK = "slides/02-gradient-descent/"


def block_python(page: Page) -> list[str]:
    """Abort every request for Pyodide or a Python file; the list of what was asked for."""
    asked: list[str] = []

    def abort(route):  # type: ignore[no-untyped-def]
        asked.append(route.request.url)
        route.abort()

    page.route(re.compile(r".*(/pyodide/|\.py$|\.whl$)"), abort)
    return asked


def slide_with(page: Page, selector: str) -> int:
    return int(page.evaluate(f"""() => 1 + [...document.querySelectorAll('svg[data-marpit-svg]')]
        .findIndex((s) => s.querySelector({json.dumps(selector)}))"""))


def states_of(built_site: Path, html: str, name: str) -> list[list[list[str]]]:
    for spec in re.findall(r'class="livecode-params">(.*?)</script>', html):
        data = json.loads(spec)
        if data["params"][0]["name"] == name:
            path = (built_site / DECK / data["states"]).resolve()
            return json.loads(path.read_text(encoding="utf-8"))["states"]
    raise AssertionError(f"no explorable with {name}")


SWAP_JS = """async () => {
  const input = document.querySelector('input[data-param=eta]');
  const root = input.closest('.livecode');
  const before = root.querySelector('.livecode-output').innerText;
  const t0 = performance.now();
  input.value = String(Number(input.value) + 0.05);
  input.dispatchEvent(new Event('input', {bubbles: true}));
  while (root.querySelector('.livecode-output').innerText === before) await new Promise(requestAnimationFrame);
  const img = root.querySelector('.livecode-output img');
  return {ms: performance.now() - t0, complete: img.complete && img.naturalWidth > 0};
}"""


def test_slider_and_menu_swap_states_with_python_blocked(page: Page, site_url: str, built_site: Path) -> None:
    asked = block_python(page)
    html = (built_site / DECK / "index.html").read_text(encoding="utf-8")
    states = states_of(built_site, html, "eta")
    page.goto(site_url + DECK)
    page.wait_for_selector("input[data-param=eta]", state="attached")
    n = slide_with(page, "[data-param=eta]")
    page.goto(f"{site_url}{DECK}#{n}")
    slider = page.locator("input[type=range][data-param=eta]")
    root = page.locator(".livecode", has=slider)
    slider.focus()
    for step, key in enumerate(["ArrowRight", "ArrowRight", "PageUp", "End", "Home"]):
        slider.press(key)
        want = {"ArrowRight": 2 + step, "PageUp": None, "End": 20, "Home": 0}[key]
        if want is None:  # PageUp moves a range input by a browser-chosen amount: read where it went
            want = round((float(slider.input_value()) - 0.05) / 0.05)
        text = "".join(t for k, t, *_ in states[want] if k != "image")
        page.wait_for_function("([t]) => document.querySelector('input[data-param=eta]').closest('.livecode')"
                               ".querySelector('.livecode-output .livecode-text')?.innerText === t", arg=[text])
        value = ["0.05", "0.1", "0.15", "0.2", "0.25", "0.3"][want] if want < 6 else None
        if value:
            assert f"eta = {value}  #@param" in root.locator(".cm-content").inner_text()
            assert slider.get_attribute("aria-valuetext") == f"eta = {value}"
        figure = next(t for k, t, *_ in states[want] if k == "image")
        assert root.locator(".livecode-output img").get_attribute("src").endswith(figure)
        assert page.evaluate("location.hash") == f"#{n}", f"{key} changed the slide"
    timings = [page.evaluate(SWAP_JS) for _ in range(3)]
    assert all(t["complete"] for t in timings) and max(t["ms"] for t in timings) < SWAP_BOUND_MS, timings
    assert root.get_attribute("data-output") == "build" and "livecode-edited" not in root.get_attribute("class")
    # The optimiser menu in the parameter-optimization deck.
    page.goto(site_url + "slides/parameter-optimization/")
    menu = page.locator("select[data-param=method]")
    menu.wait_for(state="attached")
    page.goto(f"{site_url}slides/parameter-optimization/#{slide_with(page, '[data-param=method]')}")
    menu.select_option(label="Adam")
    box = page.locator(".livecode", has=menu)
    page.wait_for_function("() => document.querySelector('select[data-param=method]').closest('.livecode')"
                           ".querySelector('.livecode-output').innerText.startsWith('Adam: 30 歩後')")
    assert 'method = "Adam"' in box.locator(".cm-content").inner_text()
    assert box.locator(".livecode-output img").evaluate("img => img.complete && img.naturalWidth > 0")
    assert page.evaluate("window.__livecode.runtime.starts") == 0 or all("/pyodide/" in u for u in asked)
    assert not any(u.endswith(".py") for u in asked)


def test_presenter_moves_the_audience_control(page: Page, site_url: str) -> None:
    audience = page.context.new_page()
    audience.goto(site_url + DECK)
    audience.wait_for_selector("input[data-param=eta]", state="attached")
    n = slide_with(audience, "[data-param=eta]")
    audience.goto(f"{site_url}{DECK}#{n}")
    page.goto(f"{site_url}{DECK}?view=presenter#{n}")
    slider = page.locator("[class*=presenter-container] input[data-param=eta]").first
    slider.focus()
    slider.press("ArrowRight")
    audience.wait_for_function("() => document.querySelector('input[data-param=eta]').getAttribute('aria-valuetext')"
                               " === 'eta = 0.15'")
    audience.wait_for_function("() => document.querySelector('input[data-param=eta]').closest('.livecode')"
                               ".querySelector('.livecode-output').innerText.includes('x_1 = 2.1')")
    audience.close()


def test_without_javascript_and_in_the_pdf_the_default_state_has_its_caption(browser: Browser, site_url: str,
                                                                             built_site: Path) -> None:
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(site_url + "lectures/02-gradient-descent/")
        caption = page.locator(".livecode-params-caption").first
        assert caption.is_visible() and "eta: 0.05〜1.05（刻み 0.05）" in caption.inner_text()
        assert "x_1 = 2.4" in caption.locator("xpath=..").inner_text()  # the default, η = 0.1
    finally:
        context.close()
    pdf = built_site / DECK / "02-gradient-descent.pdf"
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = "".join(text.split())
    assert "eta:0.05〜1.05（刻み0.05）" in flat and "x0:-8.0〜8.0（刻み1.0）" in flat


def test_an_edited_cell_runs_live_from_its_slider(page: Page, site_url: str) -> None:
    page.goto(site_url + "lectures/03-autodiff/")
    slider = page.locator("input[data-param=k]")
    slider.wait_for()
    wait_for_cells(page, 2)
    index = int(page.locator(".livecode", has=slider).get_attribute("data-cell"))
    root = page.locator(".livecode", has=slider)
    root.locator(".cm-content").click()
    page.keyboard.press("Control+Home")
    page.keyboard.type("import numpy as np  # 上のセルを実行しなくても動くように\n")
    page.keyboard.type("import matplotlib.pyplot as plt\n")
    page.keyboard.press("Control+End")
    page.keyboard.type("\nprint('編集済み', h)")
    assert "livecode-edited" in root.get_attribute("class")
    slider.focus()
    slider.press("ArrowRight")
    slider.press("ArrowRight")  # debounced: only the latest value runs
    page.wait_for_function(f"() => ['done', 'error', 'stopped'].includes("
                           f"document.querySelector('.livecode[data-cell=\"{index}\"]').dataset.state)", timeout=180_000)
    assert root.get_attribute("data-state") == "done", root.locator(".livecode-output").inner_text()
    out = root.locator(".livecode-output").inner_text()
    assert root.get_attribute("data-output") == "live" and "h = 1e-8:" in out and "編集済み 1e-08" in out
    root.locator("[data-action=reset]").click()
    assert slider.get_attribute("aria-valuetext") == "k = 6" and root.get_attribute("data-output") == "build"
    assert "k = 6  #@param" in root.locator(".cm-content").inner_text()
    # Moved again without an edit: a precomputed state; a cell below that the reader runs sees the value.
    slider.press("ArrowLeft")
    page.wait_for_function(f"() => document.querySelector('.livecode[data-cell=\"{index}\"] .livecode-output')"
                           ".innerText.startsWith('h = 1e-5:')")
    assert root.get_attribute("data-output") == "build"
    below = index + 1
    page.evaluate(f"""() => {{ const c = window.__livecode.cells.find((c) => c.index === {below});
        c.editor.code = 'print("下のセル:", k)'; c.run(); }}""")
    page.wait_for_function(f"() => document.querySelector('.livecode[data-cell=\"{below}\"]').dataset.state === 'done'")
    assert "下のセル: 5" in page.locator(f'.livecode[data-cell="{below}"] .livecode-output').inner_text()
