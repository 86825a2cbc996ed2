"""MkDocs event handlers: a thin adapter from MkDocs to the standalone deck build."""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from pathlib import Path

import jinja2
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.utils import get_relative_url

from . import livecode_assets, marp, themes
from .cells import CellOptionError
from .deck import Deck
from .deckbuild import SITE_ASSETS_FROM_DECK, BuiltDeck, compile_decks, plan_decks
from .dev_server import cache_unchanging_files, poll_often
from .errors import BuildError, SetupError
from .files import mirror
from .lecture_list import LECTURE_LIST_MARKER, lecture_table
from .links import check_site
from .livecode_fence import modules_html, transform_cells
from .options import Options, from_mkdocs
from .page_cache import use_cached_pages
from .search_cache import use_cached_search
from .static_assets import install_site_assets

log = logging.getLogger("mkdocs.slidesite")
_compiler = ThreadPoolExecutor(max_workers=1, thread_name_prefix="slidesite-marp")
# `serve` reloads the page on every save, and starting Python (seconds of CPU) after each reload took
# the cores the next rebuild needed: preload only once the author has stayed on the page this long.
SERVE_PRELOAD_DELAY_MS = 5000


class State:
    """What one build carries from event to event; reset at the start of every build."""

    options: Options | None = None
    decks: list[BuiltDeck] = []
    error: str | None = None  # a bad edit during `serve`, shown on every page until fixed
    compiling: Future[list[BuiltDeck]] | None = None  # `serve`: marp-cli at work while pages render
    written: list[str] = []  # pages written so far, for a banner added after the fact
    # Kept across `serve` rebuilds on purpose: a bad edit keeps the last good decks online.
    serving: bool = False
    last_good: list[BuiltDeck] | None = None


def on_startup(command: str, dirty: bool) -> None:
    State.serving = command == "serve"


def on_shutdown() -> None:
    marp.stop_worker()


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., None]) -> LiveReloadServer:
    server.set_app(cache_unchanging_files(server.get_app(), server.mount_path))
    poll_often(server)
    return server


def on_config(config: MkDocsConfig) -> MkDocsConfig:
    State.options, State.decks, State.error, State.written = None, [], None, []
    try:
        State.options = from_mkdocs(Path(config.config_file_path), config.extra)
    except BuildError as err:
        raise PluginError(str(err)) from None
    if State.serving:
        use_cached_search(config)
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    options = _options()

    def deck_tags(deck: Deck) -> str:
        modules = [(Path(m).name, m) for m in deck.modules]
        return modules_html(modules) + livecode_assets.runtime_head_tags(SITE_ASSETS_FROM_DECK, options.pyodide_url)

    try:
        if State.serving:
            marp.use_worker(options.root)
        if State.compiling is not None:  # left by a rebuild that failed half-way; its outcome is stale
            wait([State.compiling])
            State.compiling = None
        plan = plan_decks(options.root, deck_tags)
        if State.serving and not options.pdf:
            # marp-cli runs in its own process: let it compile while MkDocs renders; on_post_build waits.
            State.compiling = _compiler.submit(
                compile_decks, options.root, plan, pdf=False, head_tags=deck_tags, log=log.info
            )
            if plan.stale:  # textbook pages are made from the slides marp-cli renders: wait for them
                _wait_for_decks()
            else:
                State.decks = plan.built()
        else:
            State.decks = compile_decks(options.root, plan, pdf=options.pdf, head_tags=deck_tags, log=log.info)
            State.last_good = State.decks
    except (BuildError, SetupError) as err:
        _fall_back_to_last_good(err)
    for built in State.decks:
        files.append(File.generated(config, f"lectures/{built.deck.name}.md", content=built.page_markdown()))
    config.nav = _nav_with_decks(config.nav, State.decks)
    if State.serving:
        use_cached_pages(files, config, config.nav)
    return files


def on_env(env: jinja2.Environment, config: MkDocsConfig, files: Files) -> jinja2.Environment:
    # MkDocs makes a new Jinja environment on every (serve) rebuild; keep Material's compiled templates.
    cache = _options().root / ".cache" / "jinja"
    cache.mkdir(parents=True, exist_ok=True)
    env.bytecode_cache = jinja2.FileSystemBytecodeCache(str(cache))
    return env


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    markdown = markdown.replace(LECTURE_LIST_MARKER, lecture_table(State.decks, page.file.src_uri))
    try:
        return transform_cells(markdown)
    except CellOptionError as err:
        # Front matter is already stripped here, so the line is counted from the body.
        message = f"docs/{page.file.src_uri}: {err} (line {err.line} of the page body)"
        if not State.serving:
            raise PluginError(message) from None
        log.error(message)
        State.error = message
        return markdown


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    assets = get_relative_url("assets", page.url)
    tags = livecode_assets.runtime_head_tags(
        assets, _options().pyodide_url, idle_delay_ms=SERVE_PRELOAD_DELAY_MS if State.serving else None
    )
    output = output.replace("</head>", tags + "</head>", 1)
    State.written.append(page.file.abs_dest_path)
    return _with_banner(output, State.error) if State.error else output


def on_post_build(config: MkDocsConfig) -> None:
    options = _options()
    site = Path(config.site_dir)
    try:
        _wait_for_decks()
    except (BuildError, SetupError) as err:
        _fall_back_to_last_good(err)
        for path in State.written:  # already written without it
            page = Path(path)
            page.write_text(_with_banner(page.read_text(encoding="utf-8"), str(err)), encoding="utf-8")
    try:
        for built in State.decks:
            mirror(built.folder, site / "slides" / built.deck.name)
        install_site_assets(options.root, site)
        themes.install_fonts(site)
        livecode_assets.install_runtime(
            site, pyodide_url=options.pyodide_url, packages_from=options.pyodide_packages_from
        )
    except (BuildError, SetupError, livecode_assets.RuntimeAssetError) as err:
        raise PluginError(str(err)) from None
    broken = check_site(site, [Path(p) for p in State.written])
    if broken:
        message = "\n".join(map(str, broken))
        if not State.serving:
            raise PluginError(message)
        log.error(message)


def _wait_for_decks() -> None:
    """Wait for a compile started by on_files; raise its BuildError or SetupError."""
    future, State.compiling = State.compiling, None
    if future is not None:
        State.decks = State.last_good = future.result()


def _fall_back_to_last_good(err: BuildError | SetupError) -> None:
    """In `serve`, keep the last good decks online and report err on every page; otherwise stop."""
    if not (State.serving and State.last_good is not None):
        raise PluginError(str(err)) from None
    log.error(f"{err} (still serving the last good build)")
    State.error, State.decks = str(err), State.last_good


def _with_banner(output: str, error: str) -> str:
    banner = f'<div class="slidesite-build-error" role="alert">ビルドエラー: {html.escape(error)}</div>'
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, output, count=1)


def _options() -> Options:
    if State.options is None:
        raise PluginError("slidesite hook: on_config did not run")
    return State.options


def _nav_with_decks(nav: list | None, decks: list[BuiltDeck]) -> list:
    """Insert one nav section per deck group after the home page (decks come in nav order)."""
    groups: dict[str, list[dict[str, str]]] = {}
    for built in decks:
        groups.setdefault(built.deck.section, []).append({built.deck.title: f"lectures/{built.deck.name}.md"})
    sections = [{name: items} for name, items in groups.items()]
    nav = list(nav or ["index.md"])
    return nav[:1] + sections + nav[1:]
