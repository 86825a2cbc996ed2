"""`mkdocs serve` as the lecturer uses it: an edit shows up in the open browser; a bad edit keeps the last good site."""

import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.support.project import deck, make_project

pytestmark = pytest.mark.browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture()
def served(tmp_path: Path):
    root = make_project(tmp_path / "p", {"01-a.md": deck("# 最初の題\n\n---\n\n<!-- _header: 本文 -->\n\n初版\n", lecture=1)})
    port = free_port()
    log = (tmp_path / "serve.log").open("w+")
    proc = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--livereload", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=root, stdout=log, stderr=subprocess.STDOUT, env={"PATH": "/usr/bin:/bin"},
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise AssertionError(Path(log.name).read_text())
    yield root, url, Path(log.name)
    proc.terminate()
    proc.wait(timeout=20)


def test_editing_a_deck_reloads_the_open_page(served, page: Page):
    root, url, _ = served
    page.goto(f"{url}lectures/01-a/")
    expect(page.locator("article")).to_contain_text("初版")
    (root / "slides" / "01-a.md").write_text(deck("# 最初の題\n\n---\n\n<!-- _header: 本文 -->\n\n改訂版\n", lecture=1))
    # No reload from the test: live reload must bring the new text.
    expect(page.locator("article")).to_contain_text("改訂版", timeout=30000)
    frame = page.frame_locator(".deck-embed iframe")
    page.goto(f"{url}slides/01-a/#2")
    expect(page.locator("svg.bespoke-marp-active")).to_contain_text("改訂版")
    del frame


def test_a_bad_edit_shows_the_error_and_keeps_serving_the_last_good_build(served, page: Page):
    root, url, log = served
    page.goto(f"{url}lectures/01-a/")
    expect(page.locator("article")).to_contain_text("初版")
    (root / "slides" / "01-a.md").write_text("---\nmarp: true\ntheme: honwaka\ntitle: [broken\n---\n# x\n")
    deadline = time.time() + 60
    while "broken YAML front matter" not in log.read_text() and time.time() < deadline:
        time.sleep(0.3)
    assert "slides/01-a.md:4: broken YAML front matter" in log.read_text()
    # Live reload brings the error banner to the open page (no reload from the test: it would race it).
    banner = page.locator(".slidesite-build-error")
    expect(banner).to_contain_text("slides/01-a.md:4: broken YAML front matter", timeout=30000)
    expect(page.locator("article")).to_contain_text("初版")
    # A fresh visit gets the same: the last good deck plus the banner.
    page.goto(f"{url}slides/01-a/#2")
    expect(page.locator("svg.bespoke-marp-active")).to_contain_text("初版")
