"""speedups.py: each speed-up runs only with the dependency versions it was tested with, else the plain path.

That a speed-up never changes what a build writes (on, and forced off) is tested in test_serve_rebuild.py.
"""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from mkdocs.livereload import LiveReloadServer
from slidesite import speedups
from slidesite.speedups import POLL_SECONDS, cache_templates, nav_titles, poll_often


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
