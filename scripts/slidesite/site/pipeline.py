"""One build of the site, step by step (`Build`); what lives across the rebuilds of a `serve` is a
`ServeSession` (serve_session.py).

Nothing here imports MkDocs: the plugin (plugin.py) calls these steps from MkDocs' events, and another
site generator's adapter, or a pre-build step, can call the same ones. A page is named by its `uri`,
its path under the site's sources (`index.md`, `lectures/01-learning.md`).
"""

from __future__ import annotations

import html
import logging
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import BuildError, SetupError
from ..files import mirror, place
from ..livecode import assets as livecode_assets
from ..livecode.cell_html import Frozen, modules_html, put_nested_cells, transform_cells
from ..marp import themes
from ..marp.compile import (
    OUTPUTS_URL,
    SITE_ASSETS_FROM_DECK,
    BuiltDeck,
    compile_decks,
    deck_cells,
    plan_decks,
    read_decks,
)
from ..paths import Project
from ..run.execute import OutputStore, PageCells, PageOutputs, execute
from ..serve.session import ServeSession
from ..source.cells import CellOptionError, find_cells
from ..source.deck import Deck
from ..textbook.page import put_slide_bodies
from . import notebook, offline
from .exercises import (
    EXERCISES_PAGE,
    Exercise,
    deck_labels,
    exercise_page_markdown,
    exercises_of,
    page_labels,
    progress_html,
)
from .lectures import LECTURE_LIST_MARKER, deck_page_uri, lecture_table
from .links import check_site, relative_url
from .static_assets import install_site_assets


class BuildFailed(Exception):
    """A build stopped on bad input or a missing setup step; its message is what the author reads."""


@dataclass(frozen=True)
class Options:
    """What a build is asked for (the plugin's settings, in plain values)."""

    pdf: bool = False
    pyodide_url: str | None = None  # None: Pyodide is self-hosted under assets/pyodide/
    pyodide_packages_from: str | None = None
    preload_delay_ms: int | None = None  # serve: start Python only after the author stayed this long
    site_url: str = "/"  # where the site is published: notebooks fetch their files from there
    repo_url: str | None = None  # a GitHub repository: notebooks get 「Colab で開く」


@dataclass(frozen=True)
class SourcePage:
    """A hand-written page of the site: its file and its URL from the site root (`guide/livecode/`)."""

    path: Path
    url: str


@dataclass(frozen=True)
class GeneratedPage:
    """A page the build adds to the site's sources (a deck's textbook page, the exercises page)."""

    uri: str
    markdown: str


@dataclass
class Build:
    """The steps of one build, in order, and what they hand each other."""

    project: Project
    options: Options
    session: ServeSession
    log: logging.Logger
    decks: list[BuiltDeck] = field(default_factory=list)
    error: str | None = None  # in serve: a bad edit, shown on every page until fixed
    outputs: dict[str, PageOutputs] = field(default_factory=dict)  # build-time cell outputs by page uri
    exercises: list[Exercise] = field(default_factory=list)  # every exercise of the site, in nav order
    written: list[Path] = field(default_factory=list)  # pages written so far (a banner may come after)
    _slide_bodies: dict[str, list[str]] = field(default_factory=dict)  # textbook page → its slides' HTML
    _nested_cells: dict[str, dict[str, str]] = field(default_factory=dict)  # page → cells in lists, admonitions
    _notebook_pages: dict[str, notebook.Page] = field(default_factory=dict)  # hand-written pages with cells
    _notebooks: dict[str, notebook.NotebookLinks] = field(default_factory=dict)  # each page's notebook buttons

    # ------------------------------------------------------------------ the one error policy

    def report(self, err: BuildError | SetupError | str) -> None:
        """A build stops (BuildFailed); serve logs the error, shows it on every page and goes on with the
        last good decks and outputs."""
        message = str(err)
        if not self.session.serving:
            raise BuildFailed(message)
        self.log.error(message)
        self.error = message

    # ------------------------------------------------------------------ steps, in order

    def prepare(self, pages: dict[str, SourcePage]) -> list[GeneratedPage]:
        """Run every cell, compile the decks and make their textbook pages and the exercises page.

        pages: the site's hand-written Markdown pages by uri.
        """
        project, session = self.project, self.session
        with_cells: dict[str, PageCells] = {}
        try:
            worker = session.marp_for(project)
            decks = read_decks(project)
            with_cells = _pages_with_cells({uri: page.path for uri, page in pages.items()})
            try:
                ran = execute([deck_cells(d) for d in decks] + list(with_cells.values()), project.cache,
                              session.cells_for(project), self.log.info)
            finally:
                session.cells_done()
            self.outputs = {uri: ran[cells.source] for uri, cells in with_cells.items()}
            self.outputs.update({deck_page_uri(d): ran[d.path] for d in decks})
            session.last_outputs = self.outputs
            plan = plan_decks(project, decks, self.deck_tags, ran)
            if session.serving and not self.options.pdf:
                # marp-cli runs in its own process: let it compile while pages render; finish() waits.
                session.compile_in_background(compile_decks, project, plan, pdf=False, head_tags=self.deck_tags,
                                              log=self.log.info, worker=worker)
                # Textbook pages are made from the slides marp-cli renders: wait for changed decks.
                self.decks = (session.wait_for_compile() or []) if plan.stale else plan.built()
            else:
                self.decks = session.last_good = compile_decks(
                    project, plan, pdf=self.options.pdf, head_tags=self.deck_tags, log=self.log.info)
        except (BuildError, SetupError) as err:
            self._fall_back(err)
        generated = []
        for built in self.decks:
            page = built.textbook_page()
            uri = deck_page_uri(built.deck)
            self._slide_bodies[uri] = page.bodies
            generated.append(GeneratedPage(uri, page.markdown))
        self.exercises = []
        for built in self.decks:
            deck = built.deck
            self.exercises += exercises_of(deck.cells, deck_page_uri(deck), deck.title, deck_labels(deck))
        for uri, cells in with_cells.items():
            text = cells.source.read_text(encoding="utf-8")
            self.exercises += exercises_of(cells.cells, uri, _title_of(text, uri), page_labels(text, cells.cells))
            self._notebook_pages[uri] = notebook.Page(cells.source, pages[uri].url, _title_of(text, uri))
        self._notebooks = notebook.page_links([b.deck for b in self.decks], self._notebook_pages,
                                              self.options.repo_url)
        if self.exercises:
            generated.append(GeneratedPage(EXERCISES_PAGE, exercise_page_markdown(self.exercises)))
        return generated

    def nav(self, nav: list[Any] | None) -> list[Any]:
        """The site's nav with one section per deck group after the home page, and the exercises page."""
        groups: dict[str, list[dict[str, str]]] = {}
        for built in self.decks:
            groups.setdefault(built.deck.section, []).append({built.deck.title: deck_page_uri(built.deck)})
        items = list(nav or ["index.md"])
        items = items[:1] + [{name: entries} for name, entries in groups.items()] + items[1:]
        return [*items, {"演習": EXERCISES_PAGE}] if self.exercises else items

    def deck_tags(self, deck: Deck) -> str:
        """What a deck's <head> gets: its modules and the live-cell runtime."""
        modules = [(Path(m).name, m) for m in deck.modules]
        return (modules_html(modules) + notebook.deck_head_tags(deck.name, self.options.pdf, self.options.repo_url)
                + livecode_assets.runtime_head_tags(SITE_ASSETS_FROM_DECK, self.options.pyodide_url))

    def page_markdown(self, uri: str, markdown: str, page_url: str) -> str:
        """A page's Markdown before the generator renders it: the lecture table, live cells (with their
        build-time outputs), an exercises progress line."""
        markdown = markdown.replace(LECTURE_LIST_MARKER, lecture_table(self.decks, uri))
        if uri in self._notebooks:
            markdown = notebook.with_links(markdown, self._notebooks[uri])
        nested = self._nested_cells[uri] = {}
        found = self.outputs.get(uri)
        frozen = None
        if found is not None:
            figures_url = relative_url(OUTPUTS_URL, page_url).rstrip("/") + "/"
            frozen = Frozen(found, figures_url, OutputStore(self.project.cache).figures)
        mine = [e for e in self.exercises if e.page == uri]
        try:
            labels = page_labels(markdown, find_cells(markdown)) if mine else None
            markdown = transform_cells(markdown, frozen, nested=nested, page=_exercise_page_id(uri), labels=labels)
        except CellOptionError as err:
            # Front matter is already stripped here, so the line is counted from the body.
            self.report(f"docs/{uri}: {err} (line {err.line} of the page body)")
            return markdown
        return progress_html(mine) + "\n\n" + markdown if mine else markdown

    def page_content(self, uri: str, html_text: str) -> str:
        """A page's HTML after Markdown: slide bodies and nested cells put in."""
        bodies = self._slide_bodies.get(uri)
        if bodies:
            html_text = put_slide_bodies(html_text, bodies)
        nested = self._nested_cells.pop(uri, None)
        if not nested:
            return html_text
        try:
            return put_nested_cells(html_text, nested)
        except ValueError as err:
            raise BuildFailed(f"docs/{uri}: {err}") from None

    def page_written(self, output: str, dest: Path, assets_url: str) -> str:
        """A whole page as it is written: the runtime's tags, the error banner in serve."""
        tags = livecode_assets.runtime_head_tags(assets_url, self.options.pyodide_url,
                                                 idle_delay_ms=self.options.preload_delay_ms)
        output = output.replace("</head>", tags + "</head>", 1)
        self.written.append(dest)
        return _with_banner(output, self.error) if self.error else output

    def finish(self, site: Path) -> None:
        """After every page is written: decks, figures, fonts and the runtime into the site; links checked."""
        project = self.project
        try:
            decks = self.session.wait_for_compile()
            if decks is not None:
                self.decks = decks
        except (BuildError, SetupError) as err:
            self._fall_back(err)
            for page in self.written:  # already written without the banner
                page.write_text(_with_banner(page.read_text(encoding="utf-8"), str(err)), encoding="utf-8")
        try:
            for built in self.decks:
                mirror(built.folder, site / "slides" / built.deck.name)
            install_site_assets(site, project.node_modules)
            self._install_figures(site / OUTPUTS_URL)
            notebook.install(site, [b.deck for b in self.decks], self._notebook_pages, self.outputs,
                             self.options.site_url, OutputStore(project.cache).figures,
                             project.cache / "build" / "notebooks")
            themes.install_fonts(site, project.node_modules)
            livecode_assets.install_runtime(
                site, cache=project.runtime_cache, pyodide_url=self.options.pyodide_url,
                packages_from=self.options.pyodide_packages_from, node_modules=project.node_modules,
            )
        except (BuildError, SetupError, livecode_assets.RuntimeAssetError, FileNotFoundError) as err:
            raise BuildFailed(str(err)) from None
        offline.install(site)  # last: its version is a hash of everything above
        broken = check_site(site, self.written)
        if broken:
            self.report("\n".join(map(str, broken)))

    # ------------------------------------------------------------------ helpers

    def _install_figures(self, target: Path) -> None:
        """Place every figure a page of this build shows (and only those) into the site."""
        store = OutputStore(self.project.cache).figures
        names = {name for outputs in self.outputs.values() for result in outputs.results for name in result.files}
        for name in sorted(names):
            place(store / name, target / name)

    def _fall_back(self, err: BuildError | SetupError) -> None:
        """Serve keeps the last good decks and outputs online; a build stops."""
        if self.session.last_good is None:
            raise BuildFailed(str(err)) from None
        self.report(f"{err} (still serving the last good build)")
        self.decks = self.session.last_good
        self.outputs = self.outputs or self.session.last_outputs


def _pages_with_cells(pages: dict[str, Path]) -> dict[str, PageCells]:
    """The hand-written pages that have live cells, by uri."""
    found = {}
    for uri, path in pages.items():
        try:
            cells = find_cells(path.read_text(encoding="utf-8"))
        except CellOptionError as err:
            raise BuildError(path, str(err), err.line) from None
        if cells:
            found[uri] = PageCells(path, cells)
    return found


def _exercise_page_id(uri: str) -> str:
    """How a page's exercises are named in the reader's progress: a deck and its textbook page share it."""
    return uri.removesuffix(".md").removeprefix("lectures/")


def _title_of(text: str, uri: str) -> str:
    """A hand-written page's first heading, else its file name."""
    for line in text.splitlines():
        if line.startswith("# "):
            return line[2:].strip()
    return uri.removesuffix(".md")


def _with_banner(output: str, error: str) -> str:
    banner = f'<div class="slidesite-build-error" role="alert">ビルドエラー: {html.escape(error)}</div>'
    return re.sub(r"(<body[^>]*>)", lambda m: m.group(1) + banner, output, count=1)
