"""Live cells inside a Marp deck and across MkDocs Material's instant navigation.

The fixtures build their own small deck (marp-cli --html) and MkDocs site, so these run
before the real build pipeline lands. To point them at the real site instead, set
LIVECODE_DECK_URL (a deck whose slide 2 holds cell 1) — see `deck_url`.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Worker
from slidesite.paths import Project

from tests.support import REPO as ROOT
from tests.support.server import StaticServer

from .cells import LOAD, cell, run, wait_state

pytestmark = pytest.mark.browser
MARP = ROOT / "node_modules" / ".bin" / "marp"

DECK = """---
marp: true
paginate: true
---

# 表紙

---

## 勾配降下

<pre class="livecode-source" data-cell="1" data-options="">x = 3.0
for _ in range(100):
    x -= 0.1 * 2 * x
print(x)</pre>

---

## 3 枚目
"""


@pytest.fixture(scope="module")
def deck_site(runtime_assets: Path) -> Path:
    """site/slides/deck/index.html compiled by marp-cli with the runtime's head tags."""
    from slidesite.livecode.assets import runtime_head_tags

    if not MARP.exists():
        pytest.fail("marp-cli not installed: run npm ci")
    out = runtime_assets / "slides" / "deck"
    out.mkdir(parents=True, exist_ok=True)
    (out / "deck.md").write_text(DECK, encoding="utf-8")
    subprocess.run(
        [str(MARP), "--html", "--no-stdin", str(out / "deck.md"), "-o", str(out / "index.html")],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    html = (out / "index.html").read_text(encoding="utf-8")
    html = html.replace("</head>", runtime_head_tags("../../assets", preload="run") + "</head>", 1)
    (out / "index.html").write_text(html, encoding="utf-8")
    return runtime_assets


@pytest.fixture()
def deck_url(deck_site: Path, serve: Callable[..., StaticServer]) -> str:
    if os.environ.get("LIVECODE_DECK_URL"):
        return os.environ["LIVECODE_DECK_URL"]
    return serve(deck_site).url + "/slides/deck/"


ACTIVE = "() => document.querySelector('svg.bespoke-marp-active section').id"


def test_cell_in_deck_runs_and_keys_do_not_change_slide(deck_url: str, page: Page, tmp_path: Path) -> None:
    page.goto(deck_url + "#2")
    page.wait_for_selector(".livecode")
    assert page.evaluate(ACTIVE) == "2"
    page.locator(".livecode .cm-content").click()
    for key in ["ArrowRight", "ArrowDown", "PageDown", "Space", "ArrowLeft", "ArrowUp", "End", "Home", "p", "f"]:
        page.keyboard.press(key)
    page.keyboard.type("# ok")
    page.wait_for_timeout(300)
    assert page.evaluate(ACTIVE) == "2"
    assert len(page.context.pages) == 1  # "p" opened no presenter window
    assert "# ok" in cell(page, 1).locator(".cm-content").inner_text()
    cell(page, 1).locator('[data-action="reset"]').click()
    assert page.evaluate(ACTIVE) == "2"
    page.locator(".livecode .cm-content").click()
    page.keyboard.press("Shift+Enter")
    wait_state(page, 1, ("done", "error"))
    assert cell(page, 1).locator(".livecode-output").inner_text().strip().startswith("6.1111079")
    assert page.evaluate(ACTIVE) == "2"
    # The cell and its output fit inside the 16:9 slide.
    box = page.evaluate(
        "() => { const s = document.querySelector('svg.bespoke-marp-active section').getBoundingClientRect();"
        " const c = document.querySelector('.livecode').getBoundingClientRect();"
        " return [c.bottom <= s.bottom + 1, c.right <= s.right + 1]; }"
    )
    assert box == [True, True]
    page.screenshot(path=str(tmp_path / "deck.png"))
    artifacts = Path(__file__).parent / "artifacts"
    artifacts.mkdir(exist_ok=True)
    shutil.copy(tmp_path / "deck.png", artifacts / "livecode-deck-slide.png")
    # Outside the editor the same key does change the slide (the check above means something).
    page.evaluate("document.activeElement.blur()")
    page.keyboard.press("ArrowRight")
    page.wait_for_function(f"({ACTIVE})() === '3'")


def test_next_slide_preview_starts_no_worker(deck_url: str, page: Page) -> None:
    workers: list[Worker] = []
    page.on("worker", lambda w: workers.append(w))
    page.goto(deck_url + "?view=next#2")
    page.wait_for_selector(".livecode")
    assert cell(page, 1).locator('[data-action="run"]').is_disabled()
    page.wait_for_timeout(3000)
    assert workers == []


def test_presenter_view_runs_cell_and_audience_window_mirrors_it(deck_url: str, page: Page) -> None:
    audience = page.context.new_page()
    audience.goto(deck_url + "#2")
    audience.wait_for_selector(".livecode")
    page.goto(deck_url + "?view=presenter#2")
    page.wait_for_selector("[class*=presenter-container] .livecode")
    # The lecturer edits and runs the cell in the presenter window ...
    page.locator(".livecode .cm-content").click()
    page.keyboard.press("Control+End")
    page.keyboard.type("\nprint('presenter')")
    out = run(page, 1, LOAD)
    assert out.strip().startswith("6.1111079")
    assert out.strip().endswith("presenter")
    # ... and the projector shows the same code, state and output without running Python.
    wait_state(audience, 1, ("done",), timeout=5000)
    assert "print('presenter')" in cell(audience, 1).locator(".cm-content").inner_text()
    assert cell(audience, 1).locator(".livecode-output").inner_text() == out
    assert audience.evaluate("window.__livecode.runtime.starts") == 0
    audience.close()


MKDOCS_YML = """site_name: livecode test
site_url: {url}/
theme:
  name: material
  custom_dir: overrides
  font: false
  features:
    - navigation.instant
nav:
  - index.md
  - b.md
"""

MAIN_HTML = """{{% extends "base.html" %}}
{{% block extrahead %}}{{{{ super() }}}}
{tags}{{% endblock %}}
"""


def _cell(code: str, i: int) -> str:
    import html

    return f'<pre class="livecode-source" data-cell="{i}" data-options="">{html.escape(code)}</pre>'


ISOLATION = {"Cross-Origin-Opener-Policy": "same-origin", "Cross-Origin-Embedder-Policy": "require-corp"}


@pytest.fixture()
def mkdocs_site(runtime_assets: Path, serve: Callable[..., StaticServer], tmp_path: Path) -> StaticServer:
    """A two-page MkDocs Material site with instant navigation and live cells, served."""
    from slidesite.livecode.assets import install_runtime, runtime_head_tags

    project = tmp_path / "proj"
    (project / "docs").mkdir(parents=True)
    (project / "overrides").mkdir()
    site = tmp_path / "site"
    site.mkdir()
    server = serve(site)
    (project / "mkdocs.yml").write_text(MKDOCS_YML.format(url=server.url), encoding="utf-8")
    tags = runtime_head_tags("{{ base_url }}/assets", preload="run")
    (project / "overrides" / "main.html").write_text(MAIN_HTML.format(tags=tags), encoding="utf-8")
    (project / "docs" / "index.md").write_text(
        "# ページ A\n\n"
        + _cell("import numpy as np\nx = np.arange(3)\nprint(x.sum())", 1)
        + "\n\n"
        + _cell("while True:\n    pass", 2)
        + "\n\n[ページ B へ](b.md)\n",
        encoding="utf-8",
    )
    (project / "docs" / "b.md").write_text(
        "# ページ B\n\n" + _cell("print('x' in globals())", 1) + "\n\n" + _cell("import numpy as np\nprint(np.ones(2).sum())", 2) + "\n",
        encoding="utf-8",
    )
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml"), "-d", str(site)],
        check=True,
        capture_output=True,
    )
    repo = Project.at(ROOT)
    install_runtime(site, cache=repo.runtime_cache, node_modules=repo.node_modules)
    return server


def test_instant_navigation_keeps_one_worker(mkdocs_site: StaticServer, page: Page) -> None:
    workers: list[Worker] = []
    page.on("worker", lambda w: workers.append(w))
    page.goto(mkdocs_site.url + "/")
    page.wait_for_selector(".livecode")
    assert run(page, 1).strip() == "3"
    page.click("text=ページ B へ")
    page.wait_for_url("**/b/")
    page.wait_for_selector(".livecode")
    assert page.evaluate("window.__livecode.cells.length") == 2
    assert run(page, 1).strip() == "False"  # a fresh namespace on the new page
    assert run(page, 2).strip() == "2.0"  # numpy already loaded in the same worker
    assert len([w for w in workers if "livecode" in w.url]) == 1
    assert page.evaluate("window.__livecode.runtime.starts") == 1


@pytest.mark.parametrize("isolated", [False, True], ids=["plain-host", "cross-origin-isolated"])
def test_leaving_a_page_stops_its_running_cell(mkdocs_site: StaticServer, page: Page, isolated: bool) -> None:
    if isolated:
        mkdocs_site.set_headers(ISOLATION)
    page.goto(mkdocs_site.url + "/")
    assert page.evaluate("crossOriginIsolated") is isolated
    cell(page, 2).locator('[data-action="run"]').click()
    wait_state(page, 2, ("running",))
    page.click("text=ページ B へ")
    page.wait_for_url("**/b/")
    page.wait_for_function("window.__livecode.runtime.current === null", timeout=3000)
    assert run(page, 2).strip() == "2.0"  # the new page's cells run
    # Isolated: the loop was interrupted in the same interpreter; otherwise it was replaced.
    assert page.evaluate("window.__livecode.runtime.starts") == (1 if isolated else 2)
