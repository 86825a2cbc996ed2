"""install_runtime / runtime_head_tags: what lands in site/, checksums, speed when cached."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import time
from pathlib import Path

import pytest
from slidesite.livecode import assets as la
from slidesite.paths import Project

from tests.support import REPO

RUNTIME_CACHE = Project.at(REPO).runtime_cache


def test_site_gets_only_what_it_needs(runtime_assets: Path) -> None:
    assets = runtime_assets / "assets"
    assert {p.name for p in (assets / "livecode").iterdir()} >= {"livecode.js", "worker.js", "livecode.css", "ink.js", "ink.css"}
    pyodide = assets / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert lock["info"]["version"] == "0.27.7"
    assert {"numpy", "matplotlib", "pillow", "six"} <= set(lock["packages"])
    assert "scipy" not in lock["packages"] and "pandas" not in lock["packages"]
    wheels = {p.name for p in pyodide.glob("*.whl")}
    assert wheels == {entry["file_name"] for entry in lock["packages"].values()}
    for name in la.CORE_FILES:
        assert (pyodide / name).is_file()
    assert not list(pyodide.glob("*.map"))
    font = pyodide / la.EXTRAS / la.FONT_FILE
    assert font.is_file() and font.stat().st_size < 3_000_000
    assert (pyodide / la.EXTRAS / "IPA_Font_License_Agreement_v1.0.txt").is_file()


def test_served_lock_defers_what_png_figures_never_import(runtime_assets: Path) -> None:
    lock = json.loads((runtime_assets / "assets" / "pyodide" / "pyodide-lock.json").read_text(encoding="utf-8"))
    assert set(la.DEFERRED) <= set(lock["packages"])  # still served, installed when imported
    for entry in lock["packages"].values():
        assert not set(entry["depends"]) & set(la.DEFERRED), entry["name"]
    assert "kiwisolver" in lock["packages"]["matplotlib"]["depends"]


def test_memory_snapshot_is_built(runtime_assets: Path) -> None:
    if shutil.which("node") is None:
        pytest.skip("node not found: the site works without a snapshot")
    snapshot = runtime_assets / "assets" / "pyodide" / la.EXTRAS / "snapshot.bin.gz"
    assert 1_000_000 < snapshot.stat().st_size < 12_000_000


def test_every_wheel_matches_the_lock(runtime_assets: Path) -> None:
    pyodide = runtime_assets / "assets" / "pyodide"
    lock = json.loads((pyodide / "pyodide-lock.json").read_text(encoding="utf-8"))
    for entry in lock["packages"].values():
        assert la._sha256(pyodide / entry["file_name"]) == entry["sha256"], entry["file_name"]


def test_subset_font_is_renamed_and_has_japanese(runtime_assets: Path) -> None:
    from fontTools.ttLib import TTFont

    font = TTFont(runtime_assets / "assets" / "pyodide" / la.EXTRAS / la.FONT_FILE)
    names = {str(n) for n in font["name"].names}
    assert la.FONT_FAMILY in names
    assert not any("IPAex" in n and "subset" not in n for n in names)  # licence: no original name
    cmap = font.getBestCmap()
    for ch in "損失関数の勾配降下アイウ漢字ABC０":
        assert ord(ch) in cmap, ch


def test_cached_install_is_fast_and_hard_links(runtime_assets: Path, tmp_path: Path) -> None:
    la.install_runtime(tmp_path, cache=RUNTIME_CACHE)  # warm (everything is cached already by the session fixture)
    start = time.perf_counter()
    la.install_runtime(tmp_path, cache=RUNTIME_CACHE)
    assert time.perf_counter() - start < 0.5
    wasm = tmp_path / "assets" / "pyodide" / "pyodide.asm.wasm"
    assert wasm.stat().st_nlink >= 2  # a hard link into the cache, not a copy


def test_cdn_mode_installs_no_pyodide_core(runtime_assets: Path, tmp_path: Path) -> None:
    la.install_runtime(tmp_path, cache=RUNTIME_CACHE, pyodide_url=la.CDN_URL)
    assert (tmp_path / "assets" / "livecode" / "livecode.js").is_file()
    assert not (tmp_path / "assets" / "pyodide" / "pyodide.asm.wasm").exists()
    assert (tmp_path / "assets" / "pyodide" / la.EXTRAS / la.FONT_FILE).is_file()
    tags = la.runtime_head_tags("../../assets", la.CDN_URL)
    assert "cdn.jsdelivr.net/pyodide/v0.27.7/full/" in tags


def test_head_tags() -> None:
    tags = la.runtime_head_tags("../../assets")
    assert '"../../assets/livecode/livecode.js"' in tags
    assert 'type="module"' in tags
    assert "pyodideUrl" not in tags
    # The runtime's package list and Pyodide version come from the build (config.js).
    meta = re.search(r'<meta name="livecode-config" content="([^"]*)">', tags)
    assert meta is not None
    cfg = json.loads(html.unescape(meta.group(1)))
    assert cfg["packages"] == list(la.PACKAGES) == ["numpy", "matplotlib"]
    assert cfg["pyodideVersion"] == la.PYODIDE_VERSION


def test_bundle_key_covers_every_source_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # A module added to src/ must make a new bundle (the key hashes the whole folder).
    src = tmp_path / "theme" / "livecode" / "src"
    src.mkdir(parents=True)
    (src / "a.js").write_text("export const a = 1;\n", encoding="utf-8")
    monkeypatch.setattr(la, "LIVECODE_DIR", tmp_path / "theme" / "livecode")
    keys = []
    monkeypatch.setattr(la, "_fingerprint", lambda paths, extra="": keys.append(sorted(p.name for p in paths)) or "k")
    (tmp_path / "cache" / "livecode-bundle-k").mkdir(parents=True)
    la._bundle(tmp_path / "node_modules", tmp_path / "cache")
    (src / "b.js").write_text("export const b = 2;\n", encoding="utf-8")
    la._bundle(tmp_path / "node_modules", tmp_path / "cache")
    assert "b.js" not in keys[0] and "b.js" in keys[1]


def test_checksum_mismatch_names_the_file(runtime_assets: Path, tmp_path: Path) -> None:
    lock = la._lock()
    source = runtime_assets / "assets" / "pyodide"
    packages = tmp_path / "wheels"
    packages.mkdir()
    for name in la.needed_packages(lock):
        file_name = lock["packages"][name]["file_name"]
        os.link(source / file_name, packages / file_name)
    bad = lock["packages"]["cycler"]["file_name"]
    (packages / bad).unlink()
    shutil.copy(source / bad, packages / bad)
    with (packages / bad).open("ab") as f:
        f.write(b"tampered")
    with pytest.raises(la.RuntimeAssetError, match=bad.replace(".", r"\.")):
        la.install_runtime(tmp_path / "site", cache=RUNTIME_CACHE, packages_from=str(packages))
    assert not (tmp_path / "site" / "assets" / "pyodide").exists()
