"""Every speed-up that reaches into a dependency's internals, each with a version check and a fallback.

Each one is tried only with the versions of its dependency it was written and tested against
(`SPEEDUPS`); with any other version the plain path runs, which is slower but writes the same site.
The plugin setting `speedups: false` turns them all off.

- poll_often: MkDocs' file watcher (watchdog) polls every 0.1 s instead of 0.5 s (`serve`).
- use_cached_pages: a page whose inputs did not change reuses the last rebuild's HTML (`serve`).
- use_cached_search: Material's search index reuses the entries of an unchanged page (kept on disk).
- search_without_math: Material's search parser skips the insides of formulas drawn as SVG (no text).
- cache_templates: Jinja keeps Material's compiled templates on disk across rebuilds and builds.
- list_theme_files_once: MkDocs lists an installed theme's static files once per `serve`, not per rebuild.
"""

from __future__ import annotations

import importlib.metadata
import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from .files import sha256_of
from .memo import BuildMemo, StoredJSON

log = logging.getLogger("mkdocs.slidesite")


@dataclass(frozen=True)
class Speedup:
    """A speed-up and the versions of the dependency whose internals it uses."""

    distribution: str
    tested: tuple[tuple[int, int], tuple[int, int]]  # (oldest, newest) major.minor, both included
    uses: str  # the internals, for the message when it is off


SPEEDUPS = {
    "poll_often": Speedup("watchdog", ((2, 0), (7, 1)), "the observer's and emitters' `_timeout`"),
    "use_cached_pages": Speedup("mkdocs", ((1, 6), (1, 6)), "Page.render and the attributes it sets"),
    "use_cached_search": Speedup("mkdocs-material", ((9, 5), (9, 8)), "SearchPlugin.search_index, SearchIndex"),
    "search_without_math": Speedup(
        "mkdocs-material", ((9, 5), (9, 8)), "SearchPlugin.search_index, SearchIndex reading page.content"
    ),
    "list_theme_files_once": Speedup("mkdocs", ((1, 6), (1, 6)), "Files.add_files_from_theme"),
    "cache_templates": Speedup("Jinja2", ((3, 0), (3, 1)), "Environment.bytecode_cache set after creation"),
}


def installed_version(distribution: str) -> str:
    return importlib.metadata.version(distribution)


def _major_minor(version: str) -> tuple[int, int] | None:
    parts = version.split(".")
    try:
        return int(parts[0]), int(parts[1]) if len(parts) > 1 else 0
    except ValueError:
        return None


_reported: set[str] = set()


def supported(name: str) -> bool:
    """Whether the installed dependency is one the speed-up was tested with (says so once if not)."""
    speedup = SPEEDUPS[name]
    version = installed_version(speedup.distribution)
    found = _major_minor(version)
    oldest, newest = speedup.tested
    ok = found is not None and oldest <= found <= newest
    if not ok and name not in _reported:
        _reported.add(name)
        tested = ".".join(map(str, oldest)) + "–" + ".".join(map(str, newest))
        log.info(f"slidesite: {name} off: {speedup.distribution} {version} is not the tested {tested} "
                 f"(it uses {speedup.uses}); the build is slower, the site the same")
    return ok


# ------------------------------------------------------------------ watchdog: poll the watched folders often

# MkDocs polls the watched folders every 0.5 s, a quarter of the 2 s an edit may take to show up.
# They hold about a hundred files: a scan costs well under a millisecond.
POLL_SECONDS = 0.1


def poll_often(server: LiveReloadServer, seconds: float = POLL_SECONDS) -> bool:
    """Make the server's file watcher poll every `seconds`, also for folders watched after this call.

    MkDocs offers no setting for it; watchdog keeps the interval in `_timeout`, on the observer
    (copied into each emitter it makes later) and on each emitter already made. False: left as it was.
    """
    observer = server.observer
    if not supported("poll_often") or not hasattr(observer, "_timeout"):
        return False
    emitters = list(observer.emitters)
    if not all(hasattr(e, "_timeout") for e in emitters):
        return False
    observer._timeout = seconds
    for emitter in emitters:
        emitter._timeout = seconds
    return True


# ------------------------------------------------------------------ MkDocs: reuse a page's rendered HTML
#
# MkDocs converts every page again on every rebuild; after a deck edit, all but one are unchanged.
# A page's HTML depends on its Markdown (after our on_page_markdown), its URL, the other files
# (links resolve to their URLs) and mkdocs.yml (extensions and their options); the key covers all four.


@dataclass(frozen=True)
class Rendered:
    content: str
    toc: TableOfContents
    title: str | None
    anchor_ids: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None  # by target src_uri: File objects are new every build


class CachedPage(Page):
    """A Page whose render() is skipped when the same inputs were rendered in the last build."""

    def __init__(
        self, title: str | None, file: File, config: MkDocsConfig, memo: BuildMemo[Rendered], build_key: str
    ) -> None:
        super().__init__(title, file, config)
        self.memo = memo
        self.build_key = build_key  # mkdocs.yml and every file's URL

    def render(self, config: MkDocsConfig, files: Files) -> None:
        key = sha256_of(self.build_key, self.file.src_uri, self.file.url, self.markdown or "")
        hit = self.memo.get(key)
        if hit is None:
            super().render(config, files)
            links = self.links_to_anchors
            self.memo.put(key, Rendered(
                self.content or "", self.toc, self._title_from_render, self.present_anchor_ids,
                None if links is None else {f.src_uri: v for f, v in links.items()},
            ))
            return
        self.content, self.toc, self._title_from_render = hit.content, hit.toc, hit.title
        self.present_anchor_ids = hit.anchor_ids
        if hit.links_to_anchors is not None:
            targets = {files.get_file_from_path(uri): v for uri, v in hit.links_to_anchors.items()}
            self.links_to_anchors = {f: v for f, v in targets.items() if f is not None}


def use_cached_pages(files: Files, config: MkDocsConfig, nav: list[Any], memo: BuildMemo[Rendered]) -> bool:
    """Give every Markdown file a CachedPage (MkDocs keeps a page a plugin set), titled as the nav says."""
    if not supported("use_cached_pages"):
        return False
    memo.next_build()
    listing = "\n".join(sorted(f"{f.src_uri} {f.url}" for f in files))
    config_text = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    build_key = sha256_of(config_text, listing)
    titles = nav_titles(nav)
    for file in files.documentation_pages():
        # A nav path written as /page.md may or may not mean this file: leave those pages to MkDocs.
        if file.page is None and f"/{file.src_uri}" not in titles:
            CachedPage(titles.get(file.src_uri), file, config, memo, build_key)
    return True


def nav_titles(nav: list[Any] | dict[str, Any] | str) -> dict[str, str | None]:
    """The title each page path gets in an mkdocs.yml-style nav (None: take it from the page)."""
    found: dict[str, str | None] = {}
    items = nav if isinstance(nav, list) else [nav]
    for item in items:
        if isinstance(item, str):
            found.setdefault(item, None)
        elif isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str):
                    found.setdefault(value, title)
                else:
                    found |= {k: v for k, v in nav_titles(value).items() if k not in found}
    return found


# ------------------------------------------------------------------ Material: reuse a page's search entries
#
# Material's search plugin parses every page's HTML again on every build; this swaps its index
# for one that keeps the entries of a page with the same URL, title, metadata and content on disk
# (the search settings and Material's version in the key), and that hides the paths of formulas
# Marp drew as SVG from its parser: they hold no text, yet they are nine tenths of a lecture page.

MATH_SVG = re.compile(r"(<mjx-container\b[^>]*>)(.*?)(</mjx-container>)", re.S)
SVG_TEXT = re.compile(r"<text\b[^>]*>([^<]*)</text>")  # \text{…} in a formula: drawn as SVG text


def _math_text_only(match: re.Match[str]) -> str:
    return match.group(1) + "".join(SVG_TEXT.findall(match.group(2))) + match.group(3)


def use_lean_search(config: MkDocsConfig, store: StoredJSON) -> bool:
    """Call from on_config, after the search plugin's own on_config made its index."""
    cached = supported("use_cached_search")
    lean = supported("search_without_math")
    if not (cached or lean):
        return False
    from material.plugins.search.plugin import SearchIndex, SearchPlugin

    material = installed_version("mkdocs-material")

    class LeanSearchIndex(SearchIndex):  # type: ignore[misc]  # Material ships no type information
        def add_entry_from_context(self, page: Page) -> None:
            key = sha256_of(material, json.dumps(self.config, sort_keys=True, default=str), page.url,
                            str(page.title), json.dumps(page.meta, sort_keys=True, default=str), str(page.toc),
                            page.content or "")
            found = store.get(key) if cached else None
            if isinstance(found, list):
                self.entries.extend(found)
                return
            start = len(self.entries)
            content = page.content
            if lean and content and "<mjx-container" in content:
                page.content = MATH_SVG.sub(_math_text_only, content)
            try:
                super().add_entry_from_context(page)
            finally:
                page.content = content
            if cached:
                store.put(key, self.entries[start:])

    swapped = False
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin) and type(getattr(plugin, "search_index", None)) is SearchIndex:
            plugin.search_index = LeanSearchIndex(**plugin.config)
            swapped = True
    return swapped


# ------------------------------------------------------------------ MkDocs: an installed theme's files
#
# Every rebuild walks the theme's folders (Material's holds some 14,000 files, its icons included)
# to find the few dozen static files to copy. An installed theme does not change during `serve`.

_theme_files: dict[tuple[object, ...], list[tuple[str, str]]] = {}


def list_theme_files_once() -> bool:
    """From now on, list the static files of themes installed in site-packages once (call from on_serve)."""
    if not supported("list_theme_files_once"):
        return False
    from mkdocs import utils
    from mkdocs.structure.files import Files

    original = Files.add_files_from_theme
    if getattr(original, "slidesite_once", False):
        return True

    def add_files_from_theme(self: Files, env: jinja2.Environment, config: MkDocsConfig) -> None:
        dirs = tuple(config.theme.dirs)
        if not all("site-packages" in Path(d).parts for d in dirs):  # a theme the author may be editing
            original(self, env, config)
            return
        key = (dirs, tuple(config.theme.static_templates), tuple(utils.markdown_extensions))
        if key not in _theme_files:
            every = Files([])
            original(every, env, config)
            _theme_files[key] = [(f.src_uri, f.src_dir) for f in every if f.src_dir]
        for path, folder in _theme_files[key]:
            if self.get_file_from_path(path) is None:  # as MkDocs: a docs file wins over a theme file
                self.append(File(path, folder, config.site_dir, config.use_directory_urls))

    add_files_from_theme.slidesite_once = True  # type: ignore[attr-defined]
    Files.add_files_from_theme = add_files_from_theme  # type: ignore[method-assign]
    return True


# ------------------------------------------------------------------ Jinja: keep compiled templates


def cache_templates(env: jinja2.Environment, folder: Path) -> bool:
    """MkDocs makes a new Jinja environment on every (serve) rebuild; keep Material's compiled templates."""
    if not supported("cache_templates") or env.bytecode_cache is not None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(folder))
    return True
