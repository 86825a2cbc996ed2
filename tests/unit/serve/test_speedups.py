"""speedups.py: each speed-up runs only with the dependency versions it was tested with, else the plain path.

That a speed-up never changes what a build writes (on, and forced off) is tested in test_serve_rebuild.py.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from mkdocs.livereload import LiveReloadServer
from slidesite.serve import speedups
from slidesite.serve.speedups import POLL_SECONDS, cache_templates, nav_titles, poll_often

from tests.support import REPO


@pytest.fixture()
def untested_versions(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every dependency at a version no speed-up was tested with."""
    monkeypatch.setattr(speedups, "installed_version", lambda distribution: "99.0")


def server_watching(tmp_path: Path) -> LiveReloadServer:
    server = LiveReloadServer(builder=lambda: None, host="127.0.0.1", port=0, root=str(tmp_path))
    (tmp_path / "docs").mkdir()
    server.watch(str(tmp_path / "docs"))  # MkDocs watches docs_dir before on_serve…
    return server


def test_every_watched_folder_is_polled_at_the_short_interval(tmp_path: Path) -> None:
    server = server_watching(tmp_path)
    assert poll_often(server)
    (tmp_path / "slides").mkdir()
    server.watch(str(tmp_path / "slides"))  # …and mkdocs.yml's `watch:` folders after it
    assert POLL_SECONDS < 0.5
    assert server.observer.timeout == POLL_SECONDS
    assert sorted(e.timeout for e in server.observer.emitters) == [POLL_SECONDS, POLL_SECONDS]


def test_an_untested_watchdog_keeps_its_own_interval(tmp_path: Path, untested_versions: None) -> None:
    server = server_watching(tmp_path)
    default = server.observer.timeout
    assert not poll_often(server)
    assert server.observer.timeout == default != POLL_SECONDS
    assert [e.timeout for e in server.observer.emitters] == [default]


def test_templates_are_cached_on_disk_with_a_tested_jinja(tmp_path: Path) -> None:
    env = jinja2.Environment()
    assert cache_templates(env, tmp_path / "jinja")
    assert isinstance(env.bytecode_cache, jinja2.FileSystemBytecodeCache)


def test_an_untested_jinja_compiles_templates_as_usual(tmp_path: Path, untested_versions: None) -> None:
    env = jinja2.Environment()
    assert not cache_templates(env, tmp_path / "jinja")
    assert env.bytecode_cache is None and not (tmp_path / "jinja").exists()


@pytest.mark.parametrize(("version", "expected"), [("1.6.1", True), ("1.6", True), ("1.5.3", False),
                                                   ("1.7.0", False), ("2.0.0rc1", False), ("dev", False)])
def test_the_version_check_takes_major_and_minor(
    monkeypatch: pytest.MonkeyPatch, version: str, expected: bool
) -> None:
    monkeypatch.setattr(speedups, "installed_version", lambda distribution: version)
    assert speedups.supported("use_cached_pages") is expected


def test_every_speedup_names_an_installed_distribution_within_its_tested_range() -> None:
    """Fails when requirements.txt moves a dependency past what a speed-up was tested with: re-test, then widen."""
    for name in speedups.SPEEDUPS:
        assert speedups.supported(name), (name, speedups.SPEEDUPS[name])


def test_nav_titles_follow_mkdocs_rules() -> None:
    nav = ["index.md", {"使い方": [{"サイト": "guide/a.md"}, "guide/b.md"]}, {"再掲": "guide/a.md"}, {"外": "https://x"}]
    assert nav_titles(nav) == {"index.md": None, "guide/a.md": "サイト", "guide/b.md": None, "https://x": "外"}


def search_entries(tmp_path: Path, content: str, *, lean: bool) -> list[dict[str, object]]:
    """Material's entries for one page, from its own index or from the lean one."""
    from material.plugins.search.plugin import SearchIndex, SearchPlugin
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.structure.files import File
    from mkdocs.structure.pages import Page
    from mkdocs.structure.toc import get_toc
    from slidesite.serve.memo import StoredJSON

    search = SearchPlugin()
    search.load_config({})
    search.search_index = SearchIndex(**search.config)
    config = MkDocsConfig()
    config.load_dict({"site_name": "t", "docs_dir": str(tmp_path)})
    config.plugins = {"search": search}  # type: ignore[assignment]
    if lean:
        assert speedups.use_lean_search(config, StoredJSON(tmp_path / "store"))
    page = Page("題", File("a.md", str(tmp_path), str(tmp_path / "site"), False), config)
    page.content, page.toc, page.meta = content, get_toc([]), {}
    search.search_index.add_entry_from_context(page)
    assert page.content == content  # the page keeps its formulas
    entries: list[dict[str, object]] = search.search_index.entries
    return entries


MATH_PAGE = (
    '<h2 id="s">節</h2><p>売上 <mjx-container class="MathJax" jax="SVG"><svg viewBox="0 0 1 1"><g>'
    '<path d="M0 0L1 1"/><svg data-table="true"><text data-variant="normal">気温</text></svg>'
    '<path d="M1 0"/></g></svg></mjx-container> の関数</p>'
)


def test_the_lean_search_index_writes_the_entries_material_writes(tmp_path: Path) -> None:
    plain = search_entries(tmp_path / "plain", MATH_PAGE, lean=False)
    lean = search_entries(tmp_path / "lean", MATH_PAGE, lean=True)
    assert lean == plain and any("気温" in str(e["text"]) for e in lean)
    again = search_entries(tmp_path / "lean", MATH_PAGE, lean=True)  # from the store this time
    assert again == plain and len(list((tmp_path / "lean" / "store").iterdir())) == 1


def test_an_untested_material_keeps_its_own_search_index(tmp_path: Path, untested_versions: None) -> None:
    from material.plugins.search.plugin import SearchIndex, SearchPlugin
    from mkdocs.config.defaults import MkDocsConfig
    from slidesite.serve.memo import StoredJSON

    search = SearchPlugin()
    search.load_config({})
    search.search_index = SearchIndex(**search.config)
    config = MkDocsConfig()
    config.plugins = {"search": search}  # type: ignore[assignment]
    assert not speedups.use_lean_search(config, StoredJSON(tmp_path))
    assert type(search.search_index) is SearchIndex


def test_a_stored_value_not_asked_for_by_a_completed_build_is_pruned(tmp_path: Path) -> None:
    from slidesite.serve.memo import StoredJSON

    first = StoredJSON(tmp_path)
    first.put("a", [1])
    first.put("b", [2])
    first.prune()
    second = StoredJSON(tmp_path)
    assert second.get("a") == [1]
    second.prune()
    assert StoredJSON(tmp_path).get("a") == [1] and StoredJSON(tmp_path).get("b") is None


def test_theme_files_listed_once_are_the_files_mkdocs_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    from mkdocs.config import load_config
    from mkdocs.structure.files import File, Files

    monkeypatch.setattr(Files, "add_files_from_theme", Files.add_files_from_theme)  # restored after the test
    config = load_config(str(REPO / "mkdocs.yml"))
    env = config.theme.get_env()
    plain = Files([])
    plain.add_files_from_theme(env, config)
    assert speedups.list_theme_files_once()
    first = next(iter(plain)).src_uri
    docs_file = File(first, "/docs", config.site_dir, True)  # a docs file shadows the theme's
    for _ in range(2):  # the second time from the listing
        listed = Files([docs_file])
        listed.add_files_from_theme(env, config)
        assert sorted(f.src_uri for f in listed) == sorted(f.src_uri for f in plain)
        assert listed.get_file_from_path(first) is docs_file


def test_an_untested_mkdocs_lists_theme_files_every_time(monkeypatch: pytest.MonkeyPatch, untested_versions: None) -> None:
    from mkdocs.structure.files import Files

    monkeypatch.setattr(Files, "add_files_from_theme", Files.add_files_from_theme)
    before = Files.add_files_from_theme
    assert not speedups.list_theme_files_once()
    assert Files.add_files_from_theme is before
