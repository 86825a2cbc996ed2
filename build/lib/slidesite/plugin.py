"""The MkDocs plugin (`plugins: - slidesite`): decks, textbook pages and live cells in one site.

A thin adapter from MkDocs' events to the standalone deck build (deckbuild.py). Everything a build
carries from event to event lives on the plugin instance, which MkDocs keeps for a whole `serve`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import livecode_assets, themes
from .cells import CellOptionError, find_cells
from .config import SlideSiteConfig, moved_settings
from .deck import Deck
from .deckbuild import (
    OUTPUTS_URL,
    SITE_ASSETS_FROM_DECK,
    BuiltDeck,
    compile_decks,
    deck_cells,
    plan_decks,
    read_decks,
)
from .dev_server import cache_unchanging_files
from .errors import BuildError, SetupError
from .execute import CellProcesses, OutputStore, PageCells, PageOutputs, execute
from .exercise_list import (
    EXERCISES_PAGE,
    Exercise,
    deck_labels,
    exercise_page_markdown,
    exercises_of,
    page_labels,
    progress_html,
)
from .files import mirror, place
from .lecture_list import LECTURE_LIST_MARKER, lecture_table
from .links import check_site
from .livecode_assets import figure_font_path
from .livecode_fence import Frozen, modules_html, put_nested_cells, transform_cells
from .marp import MarpWorker
from .memo import BuildMemo, StoredJSON
from .paths import Project
from .speedups import (
    Rendered,
    cache_templates,
    list_theme_files_once,
    poll_often,
    use_cached_pages,
    use_lean_search,
)
from .static_assets import install_site_assets
from .textbook import put_slide_bodies

log = logging.getLogger("mkdocs.slidesite")


class SlideSitePlugin(BasePlugin[SlideSiteConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        # Kept across `serve` rebuilds on purpose.
        self.serving = False
        self.last_good: list[BuiltDeck] | None = None  # a bad edit keeps the last good decks online
        self.last_outputs: dict[str, PageOutputs] = {}  # … and the last good cell outputs
        self.marp_worker: MarpWorker | None = None  # one marp-cli process for every rebuild
        self.compiler: ThreadPoolExecutor | None = None  # marp-cli at work while MkDocs renders pages
        self.rendered_pages: BuildMemo[Rendered] = BuildMemo()
        self.cell_processes: CellProcesses | None = None  # cells run here; kept warm in serve
        self._reset()

    def _reset(self) -> None:
        """What one build carries from event to event; reset at the start of every build."""
        self.project: Project | None = None
        self.decks: list[BuiltDeck] = []
        self.error: str | None = None  # a bad edit during `serve`, shown on every page until fixed
        self.compiling: Future[list[BuiltDeck]] | None = None
        self.written: list[str] = []  # pages written so far, for a banner added after the fact
        self.nested_cells: dict[str, dict[str, str]] = {}  # page → cells inside lists or admonitions
        self.slide_bodies: dict[str, list[str]] = {}  # textbook page → its slides' HTML (put in after Markdown)
        self.outputs: dict[str, PageOutputs] = {}  # build-time cell outputs by page src_uri
        self.exercises: list[Exercise] = []  # every exercise of the site, in nav order
        self.search_entries: StoredJSON | None = None  # Material's search entries of unchanged pages

    # ------------------------------------------------------------------ events, in lifecycle order

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.serving = command == "serve"

    def on_shutdown(self) -> None:
        if self.marp_worker is not None:
            self.marp_worker.stop()
            self.marp_worker = None
        if self.compiler is not None:
            self.compiler.shutdown(wait=True)
            self.compiler = None

    def on_serve(
        self, server: LiveReloadServer, /, *, config: MkDocsConfig, builder: Callable[..., Any]
    ) -> LiveReloadServer:
        if not self.config.enabled:
            return server
        app = server.get_app()
        if app is not None:
            server.set_app(cache_unchanging_files(app, server.mount_path))
        if self.config.speedups:
            poll_often(server)
            list_theme_files_once()
        return server

    # After the search plugin's on_config (default priority, listed first): it makes the index we wrap.
    @event_priority(-50)
    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if self.compiling is not None:  # left by a rebuild that failed half-way; its outcome is stale
            wait([self.compiling])
        self._reset()
        if not self.config.enabled:
            return config
        moved = moved_settings(dict(config.extra))
        if moved:
            raise PluginError(f"{config.config_file_path}: " + "; ".join(moved))
        settings = self.config
        self.project = Project.at(
            Path(config.config_file_path or ".").parent, slides=settings.slides_dir, cache=settings.cache_dir,
            node_modules=settings.node_modules,
        )
        if settings.speedups:
            self.search_entries = StoredJSON(self.project.cache / "build" / "search")
            use_lean_search(config, self.search_entries)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        if not self.config.enabled:
            return files
        project = self._project()
        settings = self.config

        def deck_tags(deck: Deck) -> str:
            modules = [(Path(m).name, m) for m in deck.modules]
            return modules_html(modules) + livecode_assets.runtime_head_tags(
                SITE_ASSETS_FROM_DECK, settings.pyodide_url
            )

        pages: dict[str, PageCells] = {}
        try:
            if self.serving and (self.marp_worker is None or not self.marp_worker.alive()
                                 or self.marp_worker.project != project):
                self.marp_worker = MarpWorker(project)
            decks = read_decks(project)
            pages = _pages_with_cells(files)
            if self.cell_processes is None:
                self.cell_processes = CellProcesses(figure_font_path(project.runtime_cache))
            try:
                outputs = execute([deck_cells(d) for d in decks] + list(pages.values()), project.cache,
                                  self.cell_processes, log.info)
            finally:
                if not self.serving:
                    self.cell_processes.close()
                    self.cell_processes = None
            self.outputs = {uri: outputs[page.source] for uri, page in pages.items()}
            self.outputs.update({f"lectures/{d.name}.md": outputs[d.path] for d in decks})
            self.last_outputs = self.outputs
            plan = plan_decks(project, decks, deck_tags, outputs)
            if self.serving and not settings.pdf:
                # marp-cli runs in its own process: let it compile while MkDocs renders; on_post_build waits.
                if self.compiler is None:
                    self.compiler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slidesite-marp")
                self.compiling = self.compiler.submit(
                    compile_decks, project, plan, pdf=False, head_tags=deck_tags, log=log.info,
                    worker=self.marp_worker,
                )
                if plan.stale:  # textbook pages are made from the slides marp-cli renders: wait for them
                    self._wait_for_decks()
                else:
                    self.decks = plan.built()
            else:
                self.decks = compile_decks(project, plan, pdf=settings.pdf, head_tags=deck_tags, log=log.info)
                self.last_good = self.decks
        except (BuildError, SetupError) as err:
            self._fall_back_to_last_good(err)
        for built in self.decks:
            page = built.textbook_page()
            uri = f"lectures/{built.deck.name}.md"
            self.slide_bodies[uri] = page.bodies
            files.append(File.generated(config, uri, content=page.markdown))
        config.nav = _nav_with_decks(config.nav, self.decks)
        self.exercises = []
        for built in self.decks:
            deck = built.deck
            self.exercises += exercises_of(deck.cells, f"lectures/{deck.name}.md", deck.title, deck_labels(deck))
        for uri, page_cells in pages.items():
            labels = page_labels(page_cells.source.read_text(encoding="utf-8"), page_cells.cells)
            self.exercises += exercises_of(page_cells.cells, uri, _title_of(page_cells.source, uri), labels)
        if self.exercises:
            files.append(File.generated(config, EXERCISES_PAGE, content=exercise_page_markdown(self.exercises)))
            config.nav = [*config.nav, {"演習": EXERCISES_PAGE}]
        if self.serving and settings.speedups:
            use_cached_pages(files, config, config.nav, self.rendered_pages)
        return files

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.config.enabled and self.config.speedups:
            cache_templates(env, self._project().cache / "jinja")
        return env

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if not self.config.enabled:
            return markdown
        markdown = markdown.replace(LECTURE_LIST_MARKER, lecture_table(self.decks, page.file.src_uri))
        nested = self.nested_cells[page.file.src_uri] = {}
        found = self.outputs.get(page.file.src_uri)
        frozen = None
        if found is not None:
            figures_url = get_relative_url(OUTPUTS_URL, page.file.url).rstrip("/") + "/"
            frozen = Frozen(found, figures_url, OutputStore(self._project().cache).figures)
        try:
            uri = page.file.src_uri
            mine = [e for e in self.exercises if e.page == uri]
            labels = page_labels(markdown, find_cells(markdown)) if mine else None
            markdown = transform_cells(markdown, frozen, nested=nested, page=_exercise_page_id(uri), labels=labels)
            return progress_html(mine) + "\n\n" + markdown if mine else markdown
        except CellOptionError as err:
            # Front matter is already stripped here, so the line is counted from the body.
            message = f"docs/{page.file.src_uri}: {err} (line {err.line} of the page body)"
            if not self.serving:
                raise PluginError(message) from None
            log.error(message)
            self.error = message
            return markdown

    def on_page_content(self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        bodies = self.slide_bodies.get(page.file.src_uri)
        if bodies:
            html_text = put_slide_bodies(html_text, bodies)
        nested = self.nested_cells.pop(page.file.src_uri, None)
        if not nested:
            return html_text
        try:
            return put_nested_cells(html_text, nested)
        except ValueError as err:
            raise PluginError(f"docs/{page.file.src_uri}: {err}") from None

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if not self.config.enabled:
            return output
        assets = get_relative_url("assets", page.url)
        delay = self.config.serve_preload_delay_ms if self.serving else None
        tags = livecode_assets.runtime_head_tags(assets, self.config.pyodide_url, idle_delay_ms=delay)
        output = output.replace("</head>", tags + "</head>", 1)
        self.written.append(page.file.abs_dest_path)
        return _with_banner(output, self.error) if self.error else output

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if not self.config.enabled:
            return
        project = self._project()
        site = Path(config.site_dir)
        try:
            self._wait_for_decks()
        except (BuildError, SetupError) as err:
            self._fall_back_to_last_good(err)
            for path in self.written:  # already written without it
                page = Path(path)
                page.write_text(_with_banner(page.read_text(encoding="utf-8"), str(err)), encoding="utf-8")
        try:
            for built in self.decks:
                mirror(built.folder, site / "slides" / built.deck.name)
            install_site_assets(site, project.node_modules)
            self._install_figures(site / OUTPUTS_URL)
            themes.install_fonts(site, project.node_modules)
            livecode_assets.install_runtime(
                site, cache=project.runtime_cache, pyodide_url=self.config.pyodide_url,
                packages_from=self.config.pyodide_packages_from, node_modules=project.node_modules,
            )
        except (BuildError, SetupError, livecode_assets.RuntimeAssetError, FileNotFoundError) as err:
            raise PluginError(str(err)) from None
        if self.search_entries is not None:
            self.search_entries.prune()
        broken = check_site(site, [Path(p) for p in self.written])
        if broken:
            message = "\n".join(map(str, broken))
            if not self.serving:
                raise PluginError(message)
            log.error(message)

    # ------------------------------------------------------------------ helpers

    def _project(self) -> Project:
        if self.project is None:
            raise PluginError("slidesite: on_config did not run")
        return self.project

    def _install_figures(self, target: Path) -> None:
        """Place every figure a page of this build shows (and only those) into the site."""
        store = OutputStore(self._project().cache).figures
        names = {name for outputs in self.outputs.values() for result in outputs.results for name in result.figures}
        for name in sorted(names):
            place(store / name, target / name)

    def _wait_for_decks(self) -> None:
        """Wait for a compile started by on_files; raise its BuildError or SetupError."""
        future, self.compiling = self.compiling, None
        if future is not None:
            self.decks = self.last_good = future.result()

    def _fall_back_to_last_good(self, err: BuildError | SetupError) -> None:
        """In `serve`, keep the last good decks online and report err on every page; otherwise stop."""
        if not (self.serving and self.last_good is not None):
            raise PluginError(str(err)) from None
        log.error(f"{err} (still serving the last good build)")
        self.error, self.decks = str(err), self.last_good
        self.outputs = self.outputs or self.last_outputs


def _pages_with_cells(files: Files) -> dict[str, PageCells]:
    """The hand-written pages that have live cells, by src_uri."""
    pages = {}
    for file in files.documentation_pages():
        if file.generated_by or not file.abs_src_path:
            continue
        path = Path(file.abs_src_path)
        try:
            cells = find_cells(path.read_text(encoding="utf-8"))
        except CellOptionError as err:
            raise BuildError(path, str(err), err.line) from None
        if cells:
            pages[file.src_uri] = PageCells(path, cells)
    return pages


def _exercise_page_id(src_uri: str) -> str:
    """How a page's exercises are named in the reader's progress: a deck and its textbook page share it."""
    name = src_uri.removesuffix(".md")
    return name.removeprefix("lectures/")


def _title_of(path: Path, uri: str) -> str:
    """A hand-written page's first heading, else its file name."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return uri.removesuffix(".md")


def _with_banner(output: str, error: str) -> str:
    banner = f'<div class="slidesite-build-error" role="alert">ビルドエラー: {html.escape(error)}</div>'
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, output, count=1)


def _nav_with_decks(nav: list[Any] | None, decks: list[BuiltDeck]) -> list[Any]:
    """Insert one nav section per deck group after the home page (decks come in nav order)."""
    groups: dict[str, list[dict[str, str]]] = {}
    for built in decks:
        groups.setdefault(built.deck.section, []).append({built.deck.title: f"lectures/{built.deck.name}.md"})
    sections = [{name: items} for name, items in groups.items()]
    nav = list(nav or ["index.md"])
    return nav[:1] + sections + nav[1:]
