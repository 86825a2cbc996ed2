"""The MkDocs plugin (`plugins: - slidesite`): decks, textbook pages and live cells in one site.

The one adapter to MkDocs: each event hands MkDocs' objects, as plain paths and text, to a `Build`
(site/pipeline.py), which does the work; what lives across the rebuilds of a `serve` is a `ServeSession`.
"""

from __future__ import annotations

import html
import logging
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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

from .config import SlideSiteConfig, moved_settings
from .marp.emoji import SITE_FOLDER as TWEMOJI_FOLDER
from .marp.emoji import twemoji_in_navigation
from .paths import Project
from .serve.dev_server import cache_unchanging_files
from .serve.memo import BuildMemo, StoredJSON
from .serve.session import ServeSession
from .serve.speedups import (
    Rendered,
    cache_templates,
    list_theme_files_once,
    poll_often,
    use_cached_pages,
    use_lean_search,
)
from .site.pipeline import Build, BuildFailed, Options, SourcePage
from .site.static_assets import KATEX_CSS

log = logging.getLogger("mkdocs.slidesite")


class SlideSitePlugin(BasePlugin[SlideSiteConfig]):
    supports_multiple_instances = False

    def __init__(self) -> None:
        self.session = ServeSession(serving=False)  # lives for a whole `serve`
        self.build: Build | None = None  # one per build, made in on_config
        self.rendered_pages: BuildMemo[Rendered] = BuildMemo()  # serve: pages whose inputs did not change
        self.search_entries: StoredJSON | None = None  # Material's search entries of unchanged pages

    # ------------------------------------------------------------------ events, in lifecycle order

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self.session = ServeSession(serving=command == "serve")

    def on_shutdown(self) -> None:
        self.session.close()

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
        self.session.drop_stale_compile()
        self.build = None
        if not self.config.enabled:
            return config
        moved = moved_settings(dict(config.extra))
        if moved:
            raise PluginError(f"{config.config_file_path}: " + "; ".join(moved))
        # The site ships its own fonts: Material's default would load Roboto from Google's servers.
        config.theme["font"] = False
        if KATEX_CSS not in config.extra_css:  # KaTeX decks' formulas on their pages (Marp's HTML, KaTeX's CSS)
            config.extra_css.append(KATEX_CSS)
        settings = self.config
        project = Project.at(
            Path(config.config_file_path or ".").parent, slides=settings.slides_dir, cache=settings.cache_dir,
            node_modules=settings.node_modules, language=str(config.theme.get("language") or "en"),
        )
        options = Options(
            pdf=settings.pdf, pyodide_url=settings.pyodide_url, pyodide_packages_from=settings.pyodide_packages_from,
            preload_delay_ms=settings.serve_preload_delay_ms if self.session.serving else None,
            site_url=config.site_url or "/", repo_url=config.repo_url,
        )
        self.build = Build(project, options, self.session, log)
        if settings.speedups:
            self.search_entries = StoredJSON(project.cache / "build" / "search")
            use_lean_search(config, self.search_entries)
        return config

    def on_files(self, files: Files, /, *, config: MkDocsConfig) -> Files:
        build = self.build
        if build is None:
            return files
        pages = {f.src_uri: SourcePage(Path(f.abs_src_path), f.url) for f in files.documentation_pages()
                 if not f.generated_by and f.abs_src_path}
        with _stopping():
            generated = build.prepare(pages)
        for page in generated:
            files.append(File.generated(config, page.uri, content=page.markdown))
        config.nav = build.nav(config.nav)
        if self.session.serving and self.config.speedups:
            use_cached_pages(files, config, config.nav, self.rendered_pages)
        return files

    def on_env(self, env: jinja2.Environment, /, *, config: MkDocsConfig, files: Files) -> jinja2.Environment:
        if self.build is not None and self.config.speedups:
            cache_templates(env, self.build.project.cache / "jinja")
        return env

    def on_page_markdown(self, markdown: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.build is None:
            return markdown
        with _stopping():
            return self.build.page_markdown(page.file.src_uri, markdown, page.file.url)

    def on_page_content(self, html_text: str, /, *, page: Page, config: MkDocsConfig, files: Files) -> str:
        if self.build is None:
            return html_text
        with _stopping():
            html_text = self.build.page_content(page.file.src_uri, html_text)
        # Anchors put in after Markdown (cells, exercises, slide bodies) count for MkDocs' link validation.
        add_anchor_ids(page, html_text)
        return html_text

    def on_post_page(self, output: str, /, *, page: Page, config: MkDocsConfig) -> str:
        if self.build is None:
            return output
        assets = get_relative_url("assets", page.url)
        output = twemoji_in_navigation(output, get_relative_url(TWEMOJI_FOLDER, page.url))
        return self.build.page_written(output, Path(page.file.abs_dest_path), assets)

    def on_post_build(self, *, config: MkDocsConfig) -> None:
        if self.build is None:
            return
        with _stopping():
            self.build.finish(Path(config.site_dir))
        if self.search_entries is not None:
            self.search_entries.prune()


ANCHOR_ID = re.compile(r"""<[a-z][^>]*?\s(?:id|name)\s*=\s*(["'])(.*?)\1""", re.I | re.S)


def add_anchor_ids(page: Page, html_text: str) -> None:
    """Record on a MkDocs page the ids its final HTML has, so links to them validate.

    MkDocs collects anchors while converting Markdown; ids the plugin puts in afterwards (cells,
    exercises, slide bodies) would otherwise be reported as missing on every build.
    """
    if page.present_anchor_ids is not None:
        page.present_anchor_ids.update(html.unescape(m.group(2)) for m in ANCHOR_ID.finditer(html_text))


@contextmanager
def _stopping() -> Iterator[None]:
    """A stopped build is a PluginError for MkDocs: one message, non-zero exit."""
    try:
        yield
    except BuildFailed as err:
        raise PluginError(str(err)) from None
