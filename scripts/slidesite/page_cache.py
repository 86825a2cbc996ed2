"""Reuse a page's Markdown → HTML across `serve` rebuilds while nothing it depends on changed.

MkDocs converts every page again on every rebuild; after a deck edit, all but one are unchanged.
A page's HTML depends on its Markdown (after our on_page_markdown), its URL, the other files
(links resolve to their URLs) and mkdocs.yml (extensions and their options); the key covers all four.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from .files import sha256_of
from .memo import BuildMemo


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


def use_cached_pages(files: Files, config: MkDocsConfig, nav: list, memo: BuildMemo[Rendered]) -> None:
    """Give every Markdown file a CachedPage (MkDocs keeps a page a plugin set), titled as the nav says."""
    memo.next_build()
    listing = "\n".join(sorted(f"{f.src_uri} {f.url}" for f in files))
    config_text = Path(config.config_file_path).read_bytes() if config.config_file_path else b""
    build_key = sha256_of(config_text, listing)
    titles = nav_titles(nav)
    for file in files.documentation_pages():
        # A nav path written as /page.md may or may not mean this file: leave those pages to MkDocs.
        if file.page is None and f"/{file.src_uri}" not in titles:
            CachedPage(titles.get(file.src_uri), file, config, memo, build_key)


def nav_titles(nav: list | dict | str) -> dict[str, str | None]:
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
