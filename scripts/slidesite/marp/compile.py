"""Compile every deck with one marp-cli run and derive its textbook page.

The standalone step the MkDocs plugin calls: it reads `slides/`, recompiles only decks
whose source, referenced files, themes or runtime tags changed (cached in `.cache/build/`),
and returns what the site needs.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path, PurePosixPath

from ..errors import BuildError
from ..files import mirror, place, sha256_of
from ..livecode.cell_html import Frozen, modules_html, transform_cells
from ..paths import Project, package_version
from ..run.execute import OutputStore, PageCells, PageOutputs
from ..site.exercises import deck_labels
from ..site.static_assets import KATEX_FOLDER, install_katex
from ..source.deck import Deck, deck_names, read_deck
from ..source.front_matter import key_line
from ..textbook.page import FORMAT as TEXTBOOK_FORMAT
from ..textbook.page import PageLinks, TextbookPage, convert, load_slides, save_slides, slides_for_page
from . import themes
from .emoji import install_twemoji
from .worker import MarpWorker, run_marp

# Bump when the compiled output changes for the same inputs.
BUILD_FORMAT = "5"
SITE_ASSETS_FROM_DECK = "../../assets"
OUTPUTS_URL = "assets/outputs/"  # build-time figures, relative to the site root


@dataclass
class BuiltDeck:
    deck: Deck
    folder: Path  # cached output: index.html, referenced files, <deck>.pdf when built
    pdf: bool

    @property
    def slides_json(self) -> Path:
        """The slides' page-ready HTML, stored beside the deck's output (not copied to the site)."""
        return slides_json(self.folder.parent.parent, self.deck.name)

    def textbook_page(self) -> TextbookPage:
        """The textbook page, with links relative to /lectures/<deck>/."""
        deck_url = page_deck_url(self.deck)
        links = PageLinks(deck_url, f"{deck_url}{self.deck.name}.pdf" if self.pdf else None)
        rendered = load_slides(self.slides_json)
        if rendered is None:
            raise BuildError(self.deck.path, "no compiled slides for this deck's page (rebuild)")
        page = convert(self.deck, links, rendered)
        modules = modules_html([(PurePosixPath(m).name, deck_url + m) for m in self.deck.modules])
        if modules:
            page.markdown += "\n" + modules + "\n"
        return page


def page_deck_url(deck: Deck) -> str:
    return f"../../slides/{deck.name}/"


def slides_json(cache: Path, name: str) -> Path:
    return cache / "textbook" / f"{name}.json"


def discover(slides_dir: Path) -> list[Path]:
    return sorted(p for p in slides_dir.rglob("*.md") if p.is_file())


def load_decks(slides_dir: Path, own_themes: Path | None = None) -> list[Deck]:
    """Read and check every deck; the first problem raises BuildError naming file and line."""
    decks: list[Deck] = []
    seen: dict[str, Path] = {}
    known = themes.known_themes(own_themes)
    paths = discover(slides_dir)
    names = deck_names(slides_dir, paths)
    for path in paths:
        deck = read_deck(path, names[path])
        if deck.name in seen:
            other = _shown(seen[deck.name], slides_dir)
            raise BuildError(path, f"two decks named {deck.name!r}: {other} has the same output name "
                             "(names come from paths: see README, 'Bringing a Marp repository')", 1)
        seen[deck.name] = path
        folder = _group_folder(slides_dir, path, deck.name)
        deck = replace(deck, folder=folder, grouped=bool(folder))
        if deck.theme not in known:
            raise BuildError(path, f"theme {deck.theme!r} does not exist (known: {', '.join(sorted(known))})",
                             key_line(deck.text.split("\n"), "theme"))
        for ref in deck.refs:
            target = (path.parent / ref.rel).resolve()
            if not target.is_relative_to(slides_dir.resolve()):
                raise BuildError(path, f"referenced file {ref.rel!r} lies outside {slides_dir.name}/", ref.line)
            if not target.is_file():
                raise BuildError(
                    path,
                    f"referenced file not found: {ref.rel} (looked for {_shown(target, slides_dir)}, "
                    f"relative to the deck's folder {_shown(path.parent, slides_dir)}/)",
                    ref.line,
                )
        decks.append(deck)
    return _tell_titles_apart(decks)


def _shown(path: Path, slides_dir: Path) -> str:
    """A path as the author sees it: from the project folder (the one holding slides/)."""
    try:
        return path.resolve().relative_to(slides_dir.resolve().parent).as_posix()
    except ValueError:
        return str(path)


def _group_folder(slides_dir: Path, path: Path, name: str) -> str:
    """The folder whose decks share a nav group: a deck's own folder, or for a deck named after
    its folder (alone in it, `ch01/lecture.md`) that folder's parent; "" for the top of slides/."""
    folder = path.parent.relative_to(slides_dir)
    if folder.parts and name == "-".join(folder.parts):
        folder = folder.parent
    return folder.as_posix() if folder.parts else ""


def _tell_titles_apart(decks: list[Deck]) -> list[Deck]:
    """Decks without a front-matter title whose first headings repeat: use the next heading, then the name."""

    def repeats(decks: list[Deck]) -> set[str]:
        count: dict[str, int] = {}
        for deck in decks:
            if not deck.meta.get("title"):
                count[deck.title] = count.get(deck.title, 0) + 1
        return {title for title, n in count.items() if n > 1}

    def next_heading(deck: Deck) -> str:
        headings = deck.first_headings()
        return headings[1] if len(headings) > 1 else f"{deck.title} ({deck.name})"

    twice = repeats(decks)
    decks = [replace(d, derived_title=next_heading(d)) if d.title in twice and not d.meta.get("title") else d
             for d in decks]
    twice = repeats(decks)
    return [replace(d, derived_title=f"{d.title} ({d.name})") if d.title in twice and not d.meta.get("title") else d
            for d in decks]


def sort_key(deck: Deck) -> tuple[int, int, str]:
    """Numbered lectures first, in number order; then the rest by file name."""
    return (0, deck.lecture, deck.name) if deck.lecture is not None else (1, 0, deck.name)


def nav_order(decks: list[Deck]) -> list[Deck]:
    """Sorted by `sort_key`, then grouped by section (a section sits where its first deck does)."""
    groups: dict[str, list[Deck]] = {}
    for deck in sorted(decks, key=sort_key):
        groups.setdefault(deck.section, []).append(deck)
    return [deck for group in groups.values() for deck in group]


@dataclass
class DeckPlan:
    """Every deck, checked and in nav order, and which of them need marp-cli again."""

    cache: Path
    decks: list[Deck]
    keys: dict[str, str]  # deck name → cache key
    manifest: dict[str, str]  # what the cache holds: deck name (and "<name>.pdf") → key
    stale: list[Deck]
    outputs: dict[Path, PageOutputs]  # build-time cell outputs by deck path

    def built(self) -> list[BuiltDeck]:
        """The decks as compile_decks(pdf=False) returns them, known before it runs."""
        stale = {d.name for d in self.stale}
        return [
            BuiltDeck(d, self.cache / "decks" / d.name,
                      d.name not in stale and self.manifest.get(f"{d.name}.pdf") == self.keys[d.name])
            for d in self.decks
        ]


def read_decks(project: Project) -> list[Deck]:
    """Every deck under slides/, checked (BuildError on bad input), in nav order."""
    return nav_order(load_decks(project.slides, project.themes))


def deck_cells(deck: Deck) -> PageCells:
    """A deck's cells and the modules they may import, for the build-time run."""
    return PageCells(deck.path, deck.cells, [deck.path.parent / m for m in deck.modules])


def plan_decks(
    project: Project, decks: list[Deck], head_tags: Callable[[Deck], str], outputs: dict[Path, PageOutputs]
) -> DeckPlan:
    """Compare every deck (with its cells' outputs) with the cache."""
    cache = project.cache / "build"
    manifest_path = cache / "manifest.json"
    manifest: dict[str, str] = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    theme_files = themes.theme_files(project.themes)
    keys = {d.name: _deck_key(d, theme_files, head_tags(d) + project.language, outputs.get(d.path)) for d in decks}
    stale = [
        d for d in decks
        if manifest.get(d.name) != keys[d.name]
        or not (cache / "decks" / d.name).exists()
        or not slides_json(cache, d.name).exists()
    ]
    return DeckPlan(cache, decks, keys, manifest, stale, outputs)


def compile_decks(
    project: Project,
    plan: DeckPlan,
    *,
    pdf: bool,
    head_tags: Callable[[Deck], str],
    log: Callable[[str], None] = print,
    worker: MarpWorker | None = None,
) -> list[BuiltDeck]:
    """Compile the plan's stale decks (and missing PDFs) into the cache; return every deck, in nav order.

    worker: a running marp-cli (`serve`) for the HTML compile.
    """
    cache, decks, keys, manifest = plan.cache, plan.decks, plan.keys, dict(plan.manifest)
    if plan.stale:
        log(f"marp: compiling {len(plan.stale)} deck(s): {', '.join(d.name for d in plan.stale)}")
        _compile(project, cache, plan.stale, head_tags, worker, plan.outputs)
        for d in plan.stale:
            manifest[d.name] = keys[d.name]
            manifest.pop(f"{d.name}.pdf", None)
    if pdf:
        want = [d for d in decks if manifest.get(f"{d.name}.pdf") != keys[d.name]]
        if want:
            log(f"marp: exporting {len(want)} PDF(s)")
            _export_pdfs(project, cache, want, plan.outputs)
            for d in want:
                manifest[f"{d.name}.pdf"] = keys[d.name]
    cache.mkdir(parents=True, exist_ok=True)
    (cache / "manifest.json").write_text(json.dumps(manifest, indent=1, sort_keys=True))
    return [
        BuiltDeck(d, cache / "decks" / d.name, manifest.get(f"{d.name}.pdf") == keys[d.name])
        for d in decks
    ]


def _deck_key(deck: Deck, theme_files: list[Path], tags: str, outputs: PageOutputs | None) -> str:
    refs = [deck.path.parent / r.rel for r in deck.refs]
    frozen = outputs.key if outputs else "-"
    return sha256_of(BUILD_FORMAT, TEXTBOOK_FORMAT, package_version(), deck.text, tags, frozen,
                     *theme_files, *refs)


def with_title(markdown: str, deck: Deck) -> str:
    """The deck's plain title (the site's rule, Deck.title) as Marp's `title`, for <title>, og:title and PDFs.

    Without it marp-cli titles a deck with its first heading's raw Markdown (`**…**`, `<!-- fit -->`).
    """
    if deck.meta.get("title") or not markdown.startswith("---"):
        return markdown
    first_break = markdown.index("\n")
    # JSON's string syntax is YAML's double-quoted scalar.
    return f"{markdown[:first_break]}\ntitle: {json.dumps(deck.title, ensure_ascii=False)}{markdown[first_break:]}"


def with_language(markdown: str, deck: Deck, language: str) -> str:
    """The site's language as Marp's `lang` (<html lang>, every slide's lang), unless the deck says its own.

    Without it marp-cli takes the build machine's locale (`lang="C"` on a bare server).
    """
    if deck.meta.get("lang"):
        return markdown
    if not markdown.startswith("---"):
        return f"---\nlang: {json.dumps(language)}\n---\n\n{markdown}"
    first_break = markdown.index("\n")
    return f"{markdown[:first_break]}\nlang: {json.dumps(language)}{markdown[first_break:]}"


def _stage_sources(
    cache: Path, decks: list[Deck], name: str, outputs: dict[Path, PageOutputs], figures_url: str,
    language: str = "en",
) -> Path:
    """Write each deck's Marp input (live cells turned into HTML) with its files beside it."""
    src = cache / name
    shutil.rmtree(src, ignore_errors=True)
    figures_dir = OutputStore(cache.parent).figures
    for deck in decks:
        folder = src / deck.name
        folder.mkdir(parents=True)
        found = outputs.get(deck.path)
        frozen = Frozen(found, figures_url, figures_dir) if found else None
        markdown = transform_cells(deck.text, frozen, slides=True, page=deck.name, labels=deck_labels(deck))
        markdown = with_language(with_title(markdown, deck), deck, language)
        markdown += themes.cell_output_style()
        (folder / "index.md").write_text(markdown, encoding="utf-8")
        for ref in deck.refs:
            place(deck.path.parent / ref.rel, folder / ref.rel)
    return src


def _compile(
    project: Project, cache: Path, decks: list[Deck], head_tags: Callable[[Deck], str], worker: MarpWorker | None,
    outputs: dict[Path, PageOutputs],
) -> None:
    src = _stage_sources(cache, decks, "src-html", outputs, f"{SITE_ASSETS_FROM_DECK}/outputs/", project.language)
    out = cache / "out-html"
    shutil.rmtree(out, ignore_errors=True)
    theme_css = themes.themes_for_marp(cache / "themes-html", SITE_ASSETS_FROM_DECK + "/fonts", project.themes)
    run_marp(project, src, out, theme_css, worker=worker)
    for deck in decks:
        html_path = out / deck.name / "index.html"
        if not html_path.exists():
            raise BuildError(deck.path, "marp-cli produced no HTML for this deck")
        page = html_path.read_text(encoding="utf-8")
        save_slides(slides_json(cache, deck.name), slides_for_page(deck, page, page_deck_url(deck)))
        page = page.replace("</head>", head_tags(deck) + "</head>", 1)
        html_path.write_text(page, encoding="utf-8")
        mirror(src / deck.name, out / deck.name, "**/*")
        (out / deck.name / "index.md").unlink()
        final = cache / "decks" / deck.name
        shutil.rmtree(final, ignore_errors=True)
        final.parent.mkdir(parents=True, exist_ok=True)
        (out / deck.name).rename(final)
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)


def _export_pdfs(project: Project, cache: Path, decks: list[Deck], outputs: dict[Path, PageOutputs]) -> None:
    figures_url = OutputStore(project.cache).figures.as_uri() + "/"
    src = _stage_sources(cache, decks, "src-pdf", outputs, figures_url, project.language)
    out = cache / "out-pdf"
    shutil.rmtree(out, ignore_errors=True)
    fonts_site = cache / "pdf-site"
    themes.install_fonts(fonts_site, project.node_modules)
    install_twemoji(fonts_site, project.node_modules)
    install_katex(fonts_site, project.node_modules)
    fonts_url = (fonts_site / "assets" / "fonts").resolve().as_uri()
    twemoji_url = (fonts_site / "assets" / "twemoji").resolve().as_uri() + "/"
    katex_url = (fonts_site / KATEX_FOLDER / "fonts").resolve().as_uri() + "/"
    run_marp(project, src, out, themes.themes_for_marp(cache / "themes-pdf", fonts_url, project.themes), pdf=True,
             twemoji_base=twemoji_url, katex_fonts=katex_url, fonts_url=fonts_url)
    for deck in decks:
        made = out / deck.name / "index.pdf"
        if not made.exists():
            raise BuildError(deck.path, "marp-cli produced no PDF for this deck")
        made.replace(cache / "decks" / deck.name / f"{deck.name}.pdf")
    shutil.rmtree(src, ignore_errors=True)
    shutil.rmtree(out, ignore_errors=True)
