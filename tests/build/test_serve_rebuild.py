"""`serve` rebuilds: what they reuse from the last rebuild must never change what they write."""

import filecmp
import json
import subprocess
import sys
from pathlib import Path

import pytest
from slidesite.serve.dev_server import MAX_AGE_SECONDS, cache_unchanging_files
from slidesite.serve.memo import BuildMemo

from tests.support.project import deck, make_project

# Rebuilds as `mkdocs serve` runs them, in a process of their own: the config is loaded again for every
# rebuild, the plugin instance stays (MkDocs keeps a plugin that has on_startup). Build to site1, apply
# the edits, build to site2, then forget every reused result and build to site3.
DRIVER = """
import json, logging, sys
from pathlib import Path
from mkdocs.commands.build import build
from mkdocs.config import load_config
from slidesite.site import pipeline
from slidesite.serve import speedups
from slidesite.errors import BuildError
from slidesite.serve.memo import BuildMemo

root, edits, fail_marp, plain = Path(sys.argv[1]), json.loads(sys.argv[2]), sys.argv[3] == "1", sys.argv[4] == "1"
url = "http://127.0.0.1:8000/"
logging.basicConfig(level=logging.INFO)
if plain:  # every dependency at a version no speed-up was tested with: each takes its plain path
    speedups.installed_version = lambda distribution: "99.0"

def rebuild(site):
    config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / site))
    config.site_url = url
    build(config, serve_url=url)

config = load_config(str(root / "mkdocs.yml"), site_dir=str(root / "site1"))
slidesite = config.plugins["slidesite"]
config.plugins.on_startup(command="serve", dirty=False)
rebuild("site1")
for rel, text in edits.items():
    (root / rel).write_text(text, encoding="utf-8")
if fail_marp:
    def failing(*args, **kwargs):
        raise BuildError(root / "slides", "marp-cli failed: simulated")
    pipeline.compile_decks = failing
rebuild("site2")
slidesite.rendered_pages, slidesite.search_entries = BuildMemo(), BuildMemo()
rebuild("site3")
config.plugins.on_shutdown()
"""


def serve_rebuilds(
    root: Path, edits: dict[str, str], *, fail_marp: bool = False, plain: bool = False
) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, str(root), json.dumps(edits), "1" if fail_marp else "0", "1" if plain else "0"],
        cwd=root, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr
    return done


def files_of(site: Path) -> list[str]:
    return sorted(str(p.relative_to(site)) for p in site.rglob("*") if p.is_file())


@pytest.mark.parametrize("plain", [False, True], ids=["speedups", "plain-fallback"])
def test_a_serve_rebuild_writes_what_an_uncached_rebuild_writes(tmp_path, plain):
    root = make_project(tmp_path / "p", {
        "01-a.md": deck("# 最初の題\n\n---\n\n<!-- _header: 本文 -->\n\n初版\n", lecture=1),
        "02-b.md": deck("# 二つ目\n\n---\n\n<!-- _header: 節 -->\n\n変えない\n", lecture=2),
    })
    (root / "docs" / "about.md").write_text("# について\n\n[第一回](lectures/01-a.md)\n", encoding="utf-8")
    done = serve_rebuilds(root, plain=plain, edits={
        "slides/01-a.md": deck("# 新しい題\n\n---\n\n<!-- _header: 新しい節 -->\n\n改訂版\n", title="改題", lecture=1),
        "docs/about.md": "# について\n\n## 追加の見出し\n\n[第一回](lectures/01-a.md)\n",
    })
    site2, site3 = root / "site2", root / "site3"
    assert files_of(site2) == files_of(site3)
    assert [p for p in files_of(site2) if not filecmp.cmp(site2 / p, site3 / p, shallow=False)] == []
    page = (site2 / "lectures" / "01-a" / "index.html").read_text()
    assert "改訂版" in page and "新しい節" in page
    assert "改題" in (site2 / "lectures" / "02-b" / "index.html").read_text()  # nav and prev link of another page
    index = json.loads((site2 / "search" / "search_index.json").read_text())
    assert any("追加の見出し" in doc["title"] for doc in index["docs"])
    assert any("改訂版" in doc["text"] for doc in index["docs"])
    assert "改訂版" in (site2 / "slides" / "01-a" / "index.html").read_text()
    for name in ("use_cached_pages", "use_cached_search", "search_without_math", "cache_templates"):
        assert (f"slidesite: {name} off: " in done.stderr) == plain, name


def test_a_marp_failure_during_serve_keeps_the_last_good_deck_and_shows_the_banner(tmp_path):
    root = make_project(tmp_path / "p", {"01-a.md": deck("# 題\n\n---\n\n<!-- _header: 本文 -->\n\n初版\n", lecture=1)})
    done = serve_rebuilds(root, {"slides/01-a.md": deck("# 題\n\n---\n\n<!-- _header: 本文 -->\n\n改訂版\n", lecture=1)},
                          fail_marp=True)
    assert "marp-cli failed: simulated (still serving the last good build)" in done.stderr
    site = root / "site2"
    assert "初版" in (site / "slides" / "01-a" / "index.html").read_text()
    for page in ("index.html", "lectures/01-a/index.html"):
        assert 'class="slidesite-build-error"' in (site / page).read_text()


def test_build_memo_forgets_what_a_build_did_not_use():
    memo: BuildMemo[int] = BuildMemo()
    memo.put("a", 1)
    memo.put("b", 2)
    memo.next_build()
    assert memo.get("a") == 1
    memo.next_build()
    assert memo.get("a") == 1 and memo.get("b") is None


def test_only_files_that_cannot_change_while_serving_are_cached():
    def app(environ, start_response):
        start_response("404 Not Found" if environ["PATH_INFO"].endswith("missing.js") else "200 OK", [])
        return [b""]

    wrapped = cache_unchanging_files(app, "/")
    for path, cached in [("/assets/fonts/m-plus-1p.css", True), ("/assets/mathjax/tex-mml-chtml.js", True),
                         ("/assets/site/textbook.css", False), ("/assets/livecode/livecode.js", False),
                         ("/slides/01-a/index.html", False), ("/assets/javascripts/missing.js", False)]:
        seen: list[tuple[str, str]] = []
        wrapped({"PATH_INFO": path}, lambda status, headers, exc_info=None, seen=seen: seen.extend(headers))
        assert (("Cache-Control", f"max-age={MAX_AGE_SECONDS}") in seen) == cached, path
