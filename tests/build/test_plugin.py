"""The slidesite plugin's settings: typed, checked when mkdocs.yml is loaded, set by `scripts/build`."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from slidesite.build import apply_build_options
from slidesite.config import CDN_PYODIDE
from slidesite.errors import SetupError
from slidesite.plugin import SlideSitePlugin

from tests.support.project import MINIMAL_MKDOCS, make_project


def plugin_of(root: Path) -> SlideSitePlugin:
    config = load_config(str(root / "mkdocs.yml"))
    plugin = config.plugins["slidesite"]
    assert isinstance(plugin, SlideSitePlugin)
    return plugin


@pytest.mark.parametrize(("value", "url"), [
    ("self-hosted", None), ("cdn", CDN_PYODIDE), ("https://example.org/py", "https://example.org/py/"),
])
def test_pyodide_source_becomes_the_url_pages_load_it_from(tmp_path: Path, value: str, url: str | None) -> None:
    root = make_project(tmp_path / "p", {}, mkdocs=MINIMAL_MKDOCS.replace("pyodide: cdn", f"pyodide: {value}"))
    assert plugin_of(root).config.pyodide_url == url


@pytest.mark.parametrize(("option", "message"), [
    ("pyodide: ftp://x", "must be self-hosted, cdn or a URL, not 'ftp://x'"),
    ("pdf: sometimes", "Expected type: <class 'bool'> but received: <class 'str'>"),
    ("pyodid: cdn", "Unrecognised configuration name: pyodid"),
])
def test_a_bad_setting_is_named_when_mkdocs_yml_is_loaded(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, option: str, message: str
) -> None:
    root = make_project(tmp_path / "p", {}, mkdocs=MINIMAL_MKDOCS.replace("pyodide: cdn", option))
    with caplog.at_level(logging.WARNING, logger="mkdocs"), pytest.raises(Abort):
        load_config(str(root / "mkdocs.yml"), strict=True)
    assert any("slidesite" in r.getMessage() and message in r.getMessage() for r in caplog.records), caplog.text


def test_the_old_extra_livecode_setting_says_where_it_moved(tmp_path: Path) -> None:
    mkdocs = MINIMAL_MKDOCS + "extra:\n  livecode:\n    pyodide: cdn\n"
    root = make_project(tmp_path / "p", {}, mkdocs=mkdocs)
    config = load_config(str(root / "mkdocs.yml"))
    with pytest.raises(PluginError, match=r"extra\.livecode\.pyodide moved to the plugin: `plugins: - slidesite"):
        config.plugins.on_config(config)


def test_project_folders_come_from_the_folder_of_mkdocs_yml(tmp_path: Path) -> None:
    mkdocs = MINIMAL_MKDOCS.replace("pyodide: cdn", "pyodide: cdn\n      slides_dir: decks\n      cache_dir: build-cache")
    root = make_project(tmp_path / "p", {}, mkdocs=mkdocs)
    config = load_config(str(root / "mkdocs.yml"))
    config.plugins.on_config(config)
    project = config.plugins["slidesite"].build.project
    assert project is not None
    assert (project.root, project.slides, project.cache, project.node_modules) == (
        root.resolve(), root.resolve() / "decks", root.resolve() / "build-cache", root.resolve() / "node_modules"
    )


def test_build_options_set_the_plugin_settings_for_one_build(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {})
    config = load_config(str(root / "mkdocs.yml"))
    plugin = apply_build_options(config, pdf=True, packages_from="/srv/wheels")
    assert (plugin.config.pdf, plugin.config.pyodide_packages_from) == (True, "/srv/wheels")
    again = load_config(str(root / "mkdocs.yml"))  # the next build reads mkdocs.yml again
    assert again.plugins["slidesite"] is plugin and (plugin.config.pdf, plugin.config.pyodide_packages_from) == (False, None)


def test_a_config_without_the_plugin_says_how_to_add_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {}, mkdocs=MINIMAL_MKDOCS.replace("  - slidesite:\n      pyodide: cdn\n", ""))
    with pytest.raises(SetupError, match="add the slidesite plugin to mkdocs.yml"):
        apply_build_options(load_config(str(root / "mkdocs.yml")), pdf=False, packages_from=None)
