"""Live cells in headless Chromium against a small static site (no build pipeline needed).

Every request that leaves 127.0.0.1 is aborted and fails the test (see conftest.py).
Starting Pyodide takes 3 s on an idle machine and much longer on a busy one, hence the
generous LOAD timeout; the checks that are about time (Stop within 2 s, responsiveness)
measure from the moment the code is running.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Worker

from tests.support.pages import write_page
from tests.support.server import StaticServer

from .cells import cell, run, wait_state

pytestmark = pytest.mark.browser

GRADIENT = """import math
x = 3.0
for _ in range(1000):
    x -= 0.01 * (2 * x - math.exp(-x))
print(round(x, 6))"""

FIGURE = """import numpy as np
import matplotlib.pyplot as plt
t = np.linspace(0, 2 * np.pi, 100)
plt.plot(t, np.sin(t))
plt.title("損失関数の推移")
plt.show()"""


@pytest.fixture()
def site(runtime_assets: Path, serve: Callable[..., StaticServer]) -> tuple[Path, StaticServer]:
    return runtime_assets, serve(runtime_assets)


def test_notebook_semantics_traceback_and_xss(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(
        root,
        "t-basic",
        [
            GRADIENT,
            "y = x * 2\ny",
            "a = 1\nb = 0\nprint(a / b)",
            ("raise ValueError('想定どおり')", "expect-error"),
            "print('<img src=x onerror=\"window.__xss=1\">')\n'<b>bold</b>'",
        ],
    )
    page.goto(server.url + path)
    # Cells render as the DOM contract says, with real buttons and Japanese labels.
    first = cell(page, 1)
    assert first.get_attribute("data-state") == "idle"
    assert first.locator('button[data-action="run"]').inner_text().strip() == "▶ 実行"
    assert first.locator('button[data-action="stop"]').count() == 1
    assert first.locator('button[data-action="reset"]').count() == 1

    assert run(page, 1).strip() == "0.351734"
    assert run(page, 2).strip() == "0.7034674225070955"  # state shared between cells

    out = run(page, 3)
    assert cell(page, 3).get_attribute("data-state") == "error"
    assert 'File "<cell 3>", line 3' in out and "ZeroDivisionError" in out
    assert "slidesite" not in out and "_pyodide" not in out

    out = run(page, 4)
    assert cell(page, 4).get_attribute("data-state") == "error"
    assert "想定どおりのエラー" in cell(page, 4).locator(".livecode-status").inner_text()

    out = run(page, 5)
    assert '<img src=x onerror="window.__xss=1">' in out
    assert "'<b>bold</b>'" in out
    assert cell(page, 5).locator(".livecode-output img, .livecode-output b").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("window.__xss") is None


def test_figure_with_japanese_title(site: tuple[Path, StaticServer], page: Page, tmp_path: Path) -> None:
    root, server = site
    path = write_page(root, "t-figure", [FIGURE, "import matplotlib.pyplot as plt\nplt.plot([1, 3, 2])"])
    page.goto(server.url + path)
    out = run(page, 1)
    assert cell(page, 1).get_attribute("data-state") == "done", out
    img = cell(page, 1).locator(".livecode-output img")
    assert img.count() == 1
    assert img.evaluate("i => i.complete && i.naturalWidth") > 0
    assert (img.get_attribute("src") or "").startswith("data:image/png;base64,")
    assert "missing from font" not in out  # the Japanese title has glyphs
    cell(page, 1).screenshot(path=str(tmp_path / "figure-cell.png"))
    # A figure left open (no plt.show()) is shown too, and figures are closed after each run.
    run(page, 2)
    assert cell(page, 2).locator(".livecode-output img").count() == 1
    artifacts = Path(__file__).parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    (artifacts / "livecode-figure-cell.png").write_bytes((tmp_path / "figure-cell.png").read_bytes())


FRESH = """import os, random, sys
print(random.random(), sys.path.count(""), os.environ["HOME"], os.environ["MPLBACKEND"])"""


def test_snapshot_start_is_fresh_per_interpreter(site: tuple[Path, StaticServer], page: Page) -> None:
    # Python starts from a memory snapshot made at build time: what it froze must not
    # leak into the page (same random numbers on every visit, the build's environment).
    root, server = site
    path = write_page(root, "t-snapshot", [FRESH])
    page.goto(server.url + path)
    first = run(page, 1).split()
    assert page.evaluate("window.__livecode.runtime.timing.snapshot") is True
    assert page.evaluate("window.__livecode.runtime.timing.speedups") == "on"
    patched = "import zipimport\nprint(getattr(zipimport.zipimporter.invalidate_caches, '_livecode', False))"
    page.evaluate("c => { window.__livecode.cells[0].editor.code = c; }", patched)
    assert run(page, 1).strip() == "True"
    page.evaluate("c => { window.__livecode.cells[0].editor.code = c; }", FRESH)
    assert first[1:] == ["1", "/home/pyodide", "module://slidesite.livecode.mpl_backend"], first
    page.evaluate("window.__livecode.runtime.restart()")
    second = run(page, 1).split()
    assert second[1:] == first[1:] and second[0] != first[0]


@pytest.mark.parametrize("switch", ["query", "version"])
def test_plain_path_without_speedups(site: tuple[Path, StaticServer], page: Page, switch: str) -> None:
    # The worker's speed-ups (speedups.js) are skipped when the page turns them off or the
    # build serves another Pyodide than they were written for: cells still run, figures too.
    root, server = site
    # Without the .pyc overlays the first `import matplotlib.pyplot` compiles every module.
    path = write_page(root, f"t-plain-{switch}", [(FIGURE, "timeout=200"), GRADIENT])
    if switch == "version":
        html = (root / f"t-plain-{switch}" / "index.html").read_text(encoding="utf-8")
        declared = "&quot;pyodideVersion&quot;: &quot;0.27.7&quot;"
        assert declared in html
        html = html.replace(declared, "&quot;pyodideVersion&quot;: &quot;0.28.0&quot;")
        (root / f"t-plain-{switch}" / "index.html").write_text(html, encoding="utf-8")
    page.goto(server.url + path + ("?livecode-speedups=off" if switch == "query" else ""))
    out = run(page, 1)
    assert cell(page, 1).get_attribute("data-state") == "done", out
    assert cell(page, 1).locator(".livecode-output img").count() == 1
    assert run(page, 2).strip() == "0.351734"
    timing = page.evaluate("window.__livecode.runtime.timing")
    reason = "turned off" if switch == "query" else "written for Pyodide 0.27.7, not 0.28.0"
    assert timing["speedups"] == f"off: {reason}"
    assert timing["snapshot"] is False
    assert timing["lastRun"]["dynlibs"] == {"precompiled": 0, "reused": 0}
    # Python's zipimport is left alone too (runner.setup(speedups=False)).
    code = "import zipimport\nprint(getattr(zipimport.zipimporter.invalidate_caches, '_livecode', False))"
    page.evaluate("c => { window.__livecode.cells[1].editor.code = c; }", code)
    assert run(page, 2).strip() == "False"


def test_saving_a_pdf_loads_fonttools(site: tuple[Path, StaticServer], page: Page) -> None:
    # The served lock leaves fonttools out of matplotlib's dependencies; saving a figure loads it.
    root, server = site
    code = 'import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.savefig("f.pdf")\nimport os\nprint(os.path.getsize("f.pdf") > 1000)'
    path = write_page(root, "t-pdf", [code])
    page.goto(server.url + path)
    assert run(page, 1).strip() == "True"


def test_stop_infinite_loop_then_next_cell_runs(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-stop", ["while True:\n    pass", "print('after stop')"])
    page.goto(server.url + path)
    cell(page, 1).locator('[data-action="run"]').click()
    wait_state(page, 1, ("running",))
    page.wait_for_timeout(500)
    start = time.monotonic()
    cell(page, 1).locator('[data-action="stop"]').click()
    wait_state(page, 1, ("stopped",), timeout=2000)
    assert time.monotonic() - start < 2.0
    out = cell(page, 1).locator(".livecode-output").inner_text()
    assert "再起動" in out
    assert cell(page, 1).locator('[data-action="rerun-above"]').count() == 0
    assert run(page, 2).strip() == "after stop"


def test_stop_interrupts_when_cross_origin_isolated(runtime_assets: Path, serve: Callable[..., StaticServer], page: Page) -> None:
    headers = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}
    server = serve(runtime_assets, headers)
    path = write_page(runtime_assets, "t-interrupt", ["kept = 42", "while True:\n    pass", "print(kept)"])
    page.goto(server.url + path)
    assert page.evaluate("crossOriginIsolated") is True
    run(page, 1)
    cell(page, 2).locator('[data-action="run"]').click()
    wait_state(page, 2, ("running",))
    start = time.monotonic()
    cell(page, 2).locator('[data-action="stop"]').click()
    wait_state(page, 2, ("stopped",), timeout=2000)
    assert time.monotonic() - start < 2.0
    assert "KeyboardInterrupt" in cell(page, 2).locator(".livecode-output").inner_text()
    assert run(page, 3).strip() == "42"  # same interpreter, state kept
    assert page.evaluate("window.__livecode.runtime.starts") == 1


def test_time_limit_fires(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-timeout", [("import time\nwhile True:\n    time.sleep(0.01)", "timeout=2")])
    page.goto(server.url + path)
    clicked = time.monotonic()  # the 2 s limit starts after the click, so this bounds it from below
    cell(page, 1).locator('[data-action="run"]').click()
    wait_state(page, 1, ("running",))
    seen_running = time.monotonic()  # may be late on a loaded machine, so this bounds it from above
    wait_state(page, 1, ("stopped",), timeout=6000)
    assert time.monotonic() - clicked >= 2.0
    assert time.monotonic() - seen_running < 5
    assert "時間制限 (2 秒)" in cell(page, 1).locator(".livecode-output").inner_text()


def test_million_prints_truncated_and_page_responsive(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-flood", ["for i in range(10**6):\n    print(i)\nprint('end')"])
    page.goto(server.url + path)
    cell(page, 1).locator('[data-action="run"]').click()
    wait_state(page, 1, ("running",))
    # While it runs: the main thread answers quickly and other buttons work.
    lags = []
    for _ in range(5):
        lags.append(page.evaluate("() => new Promise(r => { const t = performance.now(); setTimeout(() => r(performance.now() - t), 0); })"))
        page.click("#other")
    assert int(page.get_attribute("#other", "data-clicks") or 0) == 5
    assert max(lags) < 200, lags
    state = wait_state(page, 1, ("done", "error", "stopped"), timeout=60_000)
    assert state == "done"
    out = cell(page, 1).locator(".livecode-output").inner_text()
    assert "output truncated" in out
    assert out.count("\n") < 1100
    assert "end" not in out.split("output truncated")[-1]


def test_edits_survive_reload_and_reset(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-edit", ["print('author')", "print('second')"])
    page.goto(server.url + path)
    editor = cell(page, 1).locator(".cm-content")
    editor.click()
    page.keyboard.press("End")
    page.keyboard.type("\nprint('edited')")
    page.wait_for_timeout(500)
    page.reload()
    assert "print('edited')" in cell(page, 1).locator(".cm-content").inner_text()
    assert "livecode-edited" in (cell(page, 1).get_attribute("class") or "")
    cell(page, 1).locator('[data-action="reset"]').click()
    assert cell(page, 1).locator(".cm-content").inner_text().strip() == "print('author')"
    page.reload()
    assert cell(page, 1).locator(".cm-content").inner_text().strip() == "print('author')"
    # A save is dropped when the author changes the cell.
    editor = cell(page, 2).locator(".cm-content")
    editor.click()
    page.keyboard.type("# mine ")
    page.wait_for_timeout(500)
    write_page(root, "t-edit", ["print('author')", "print('second, revised')"])
    page.reload()
    assert cell(page, 2).locator(".cm-content").inner_text().strip() == "print('second, revised')"
    # Reset all (page level, in the … menu).
    cell(page, 1).locator(".cm-content").click()
    page.keyboard.type("# x ")
    cell(page, 2).locator("summary").click()
    cell(page, 2).locator('[data-action="reset-all"]').click()
    assert cell(page, 1).locator(".cm-content").inner_text().strip() == "print('author')"


def test_keyboard_run_and_leaving_the_editor(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-keys", ["print(6 * 7)"])
    page.goto(server.url + path)
    cell(page, 1).locator(".cm-content").click()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.keyboard.press("Escape")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.dataset.action") == "run"
    page.keyboard.press("Shift+Tab")
    assert page.evaluate("document.activeElement.classList.contains('cm-content')")
    page.keyboard.press("Control+z")
    page.keyboard.press("Shift+Enter")
    wait_state(page, 1, ("done", "error"))
    assert cell(page, 1).locator(".livecode-output").inner_text().strip() == "42"
    assert cell(page, 1).locator(".livecode-output").get_attribute("aria-live") == "polite"


def test_page_modules_and_autorun(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    (root / "t-mod-src").mkdir(exist_ok=True)
    (root / "t-mod-src" / "helper.py").write_text("def twice(v):\n    return 2 * v\n", encoding="utf-8")
    modules = '<script type="application/json" class="livecode-modules">[{"name": "helper.py", "url": "../t-mod-src/helper.py"}]</script>'
    path = write_page(root, "t-mod", [("import helper\nprint(helper.twice(21))", "autorun")], extra_body=modules)
    page.goto(server.url + path)
    wait_state(page, 1, ("done", "error"))
    assert cell(page, 1).locator(".livecode-output").inner_text().strip() == "42"


def test_load_failure_shows_retry(site: tuple[Path, StaticServer], page: Page) -> None:
    from slidesite.livecode.assets import runtime_head_tags

    root, server = site
    path = write_page(root, "t-fail", ["print(1)"], head_extra="")
    html = (root / "t-fail" / "index.html").read_text(encoding="utf-8")
    broken = runtime_head_tags("../assets", f"{server.url}/no-such-pyodide/", preload="run")
    html = html.replace(runtime_head_tags("../assets", preload="run"), broken)
    (root / "t-fail" / "index.html").write_text(html, encoding="utf-8")
    page.goto(server.url + path)
    state = run(page, 1, timeout=60_000)
    assert cell(page, 1).get_attribute("data-state") == "error"
    assert "読み込めません" in state
    assert cell(page, 1).locator('[data-action="retry"]').is_visible()


def test_idle_preload_starts_worker_only_at_top_level(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-idle", ["print(1)"], preload="idle")
    outer = write_page(root, "t-idle-outer", [], extra_body=f'<iframe src="{path}" width="600" height="400"></iframe>')
    workers: list[Worker] = []
    page.on("worker", lambda w: workers.append(w))
    page.goto(server.url + outer)
    page.wait_for_timeout(4000)
    assert workers == []  # the deck inside the lecture page's iframe waits for Run
    page.goto(server.url + path)
    page.wait_for_function("window.__livecode && window.__livecode.runtime.status !== 'off'", timeout=10_000)
    assert cell(page, 1).get_attribute("data-state") == "idle"


def test_name_error_offers_to_run_the_cells_above(site: tuple[Path, StaticServer], page: Page) -> None:
    root, server = site
    path = write_page(root, "t-nameerror", ["def gd(x):\n    return x / 2", "print('ok')", "print(gd(3.0))"])
    page.goto(server.url + path)
    run(page, 2)
    # An error that is not about a missing name gets no offer, even with cell 1 not run.
    page.evaluate("window.__livecode.cells[2].editor.code = '1/0'")
    assert "ZeroDivisionError" in run(page, 3)
    assert cell(page, 3).locator('[data-action="run-above-first"]').count() == 0
    cell(page, 3).locator('[data-action="reset"]').click()
    out = run(page, 3)  # as if the reader jumped straight to this slide
    assert "NameError: name 'gd' is not defined" in out
    cell(page, 3).locator('[data-action="run-above-first"]').click()
    wait_state(page, 3, ("done", "error"))
    assert cell(page, 3).locator(".livecode-output").inner_text().strip() == "1.5"
    assert page.evaluate("window.__livecode.cells.map(c => c.state)") == ["done", "done", "done"]
