"""The Marp themes' Python helpers: theme names, font URLs, font installation (Chromium: tests/browser/)."""

from __future__ import annotations

from pathlib import Path

from slidesite.marp import themes

from tests.support import REPO as ROOT

# ---- Fast checks of the Python helpers ---------------------------------------


def test_known_themes_has_ours_and_marp_builtins() -> None:
    assert themes.known_themes() == {"honwaka", "01dracula", "default", "gaia", "uncover"}


def test_themes_for_marp_rewrites_font_base(tmp_path: Path) -> None:
    written = themes.themes_for_marp(tmp_path, "file:///srv/site/assets/fonts/")
    assert sorted(p.name for p in written) == ["01dracula.css", "honwaka.css"]
    for path in written:
        css = path.read_text(encoding="utf-8")
        assert themes.FONT_URL_BASE not in css
        assert 'url("file:///srv/site/assets/fonts/' in css


def test_install_fonts_keeps_subsets_and_skips_unchanged(tmp_path: Path) -> None:
    themes.install_fonts(tmp_path, ROOT / "node_modules")
    fonts = tmp_path / "assets" / "fonts"
    css = (fonts / "m-plus-1p.css").read_text(encoding="utf-8")
    assert css.count("@font-face") > 100  # one rule per unicode-range subset
    assert ".woff)" not in css and "./files/" not in css
    for package in themes.FONT_PACKAGES:
        assert (fonts / f"{package.name}.css").is_file()
        assert not list((fonts / package.name).glob("*.woff"))
    woff2 = sorted((fonts / "m-plus-1p").glob("*.woff2"))
    mtimes = [p.stat().st_mtime_ns for p in woff2]
    themes.install_fonts(tmp_path, ROOT / "node_modules")
    assert [p.stat().st_mtime_ns for p in woff2] == mtimes
