"""The site offline after one visit, and a first Python download announced on Data Saver.

One Chromium context with Data Saver on (navigator.connection.saveData): a lecture says how much
its first Run downloads; a cell runs; another lecture is visited; the browser goes offline; the
lecture reloads from the service worker's caches, a cell runs (Python from the offline copy, no
size note any more), an exercise is checked, the other visited lecture opens, an unvisited page
says it is not saved. A second test deploys a changed site over the same address: the old cache
goes, the new page shows. The deck's toolbar and the page offer the notebook.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from playwright.sync_api import Browser, Page
from slidesite.site import offline

from tests.support.server import offline_context, static_server

from .helpers import TEST_PORT, screenshot

LOAD = 240_000  # ms: Pyodide's first start on a loaded 2-core machine
LECTURE = "lectures/02-gradient-descent/"
OTHER = "lectures/01-learning/"
DATA_SAVER = "Object.defineProperty(navigator, 'connection', {value: {saveData: true, type: 'wifi'}})"


def run_first_cell(page: Page) -> str:
    cell = page.locator('.livecode:not([data-kind="exercise"])').first
    cell.locator('[data-action="run"]').click()
    page.wait_for_function("() => document.querySelector('.livecode:not([data-kind=exercise])')"
                           ".dataset.state === 'done'", timeout=LOAD)
    return cell.locator(".livecode-output").inner_text()


def caches(page: Page) -> list[str]:
    return list(page.evaluate("caches.keys()"))


def test_a_visited_lecture_runs_offline(browser: Browser, built_site: Path) -> None:
    sizes = json.loads((built_site / offline.SIZES).read_text(encoding="utf-8"))
    with static_server(built_site, port=TEST_PORT) as server, offline_context(browser) as (ctx, _):
        ctx.add_init_script(DATA_SAVER)
        site = server.url + "/"
        page = ctx.new_page()
        page.goto(site + LECTURE)
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        # Data Saver: nothing is downloaded yet, and each cell says what its first Run costs.
        note = page.locator(".livecode-download").first
        note.wait_for(timeout=30_000)
        # The page imports numpy (and matplotlib): at least the core, numpy and its extras, all from this site.
        numpy = [*sizes["core"], sizes["packages"]["numpy"], *sizes["extras"]["numpy"]]
        assert all(size == (built_site / "assets/pyodide" / path).stat().st_size for path, size in numpy)
        assert int(str(note.get_attribute("data-bytes"))) >= sum(size for _, size in numpy) > 20_000_000
        assert "初めて実行すると Python（約" in note.inner_text() and "MB）をダウンロードします" in note.inner_text()
        screenshot(page, "offline-download-note")
        assert not page.evaluate("performance.getEntriesByType('resource').some(e => e.name.includes('pyodide.asm'))")
        # The notebook, beside the deck's buttons.
        link = page.locator('a[data-action="notebook"]')
        assert link.inner_text() == "ノートブック (.ipynb)" and str(link.get_attribute("href")).endswith("notebooks/02-gradient-descent.ipynb")
        online = run_first_cell(page)
        assert online.strip()
        assert page.locator(".livecode-download").count() == 0  # gone once Python started
        page.goto(site + OTHER)
        page.wait_for_selector(".livecode")
        assert any(n.startswith("slidesite-python-") for n in caches(page))

        ctx.set_offline(True)
        page.goto(site + LECTURE)
        assert page.locator(".slidesite-offline").inner_text().startswith("オフライン")
        assert page.locator(".livecode-download").count() == 0  # Python is saved: nothing to announce
        assert run_first_cell(page) == online
        exercise = page.locator('.livecode[data-kind="exercise"]').first
        exercise.scroll_into_view_if_needed()
        exercise.locator('[data-action="check"]').click()
        page.wait_for_function("() => document.querySelector('.livecode[data-kind=exercise]').dataset.result",
                               timeout=LOAD)
        assert exercise.get_attribute("data-result") == "fail"  # the starter, checked offline
        assert "✘" in exercise.locator(".livecode-checks").inner_text()
        screenshot(page, "offline-lecture")
        page.goto(site + OTHER)
        assert "学習" in page.locator("h1").first.inner_text()
        page.locator(".slidesite-offline").wait_for(state="visible")  # the runtime adds it after `load`
        page.goto(site + "about/")
        assert "このページはまだこの端末に保存されていません" in page.locator("body").inner_text()
        # The deck, visited inside the textbook page, opens offline with the notebook in its toolbar.
        ctx.set_offline(False)
        page.goto(site + "slides/02-gradient-descent/")
        ctx.set_offline(True)
        page.reload()
        links = page.locator(".bespoke-marp-osc a.slidesite-deck-download")
        links.last.wait_for(state="attached")  # the runtime adds them after the load event
        assert "ノートブック (.ipynb)" in links.all_inner_texts()
        screenshot(page, "offline-deck-toolbar")


def test_a_new_deploy_replaces_the_old_cache(browser: Browser, built_site: Path, tmp_path: Path) -> None:
    site_dir = tmp_path / "site"
    subprocess.run(["cp", "-al", str(built_site), str(site_dir)], check=True)  # hard links: quick
    with static_server(site_dir, port=TEST_PORT) as server, offline_context(browser) as (ctx, _):
        site = server.url + "/"
        page = ctx.new_page()
        page.goto(site + "about/")
        page.wait_for_function("navigator.serviceWorker.controller !== null", timeout=30_000)
        first = [n for n in caches(page) if n.startswith("slidesite-site-")]
        assert len(first) == 1
        # A new deploy: one page changed (a copy, not the hard-linked file), a new service worker.
        about = site_dir / "about" / "index.html"
        text = about.read_text(encoding="utf-8").replace("</h1>", "（新版）</h1>", 1)
        about.unlink()
        about.write_text(text, encoding="utf-8")
        sw = site_dir / offline.SW_NAME
        sw.unlink()
        offline.install(site_dir)
        page.reload()
        for _ in range(60):  # the browser checks sw.js after the navigation, installs the new one, then it activates
            if first[0] not in caches(page):
                break
            page.wait_for_timeout(500)
        names = [n for n in caches(page) if n.startswith("slidesite-site-")]
        assert len(names) == 1 and names != first
        page.reload()
        assert "（新版）" in page.locator("h1").first.inner_text()
        ctx.set_offline(True)
        page.reload()
        assert "（新版）" in page.locator("h1").first.inner_text()


def test_service_worker_size(built_site: Path) -> None:
    sw = (built_site / offline.SW_NAME).read_bytes()
    assert len(sw) < 8_000, len(sw)
    assert b"__VERSION__" not in sw and b"__SHELL__" not in sw
    shell = offline.shell_files(built_site)
    assert "assets/livecode/livecode.js" in shell and "index.html" in shell
