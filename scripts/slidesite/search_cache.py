"""Reuse a page's search-index entries across `serve` rebuilds while the page is unchanged.

Material's search plugin parses every page's HTML again on every rebuild; this swaps its index
for one that remembers the entries of a page with the same URL, title, metadata and content.
"""

from __future__ import annotations

import json
from typing import Any

from material.plugins.search.plugin import SearchIndex, SearchPlugin
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.pages import Page

from .files import sha256_of
from .memo import BuildMemo


class CachingSearchIndex(SearchIndex):
    memo: BuildMemo[list[dict[str, Any]]]

    def add_entry_from_context(self, page: Page) -> None:
        key = sha256_of(page.url, str(page.title), json.dumps(page.meta, sort_keys=True, default=str),
                        str(page.toc), page.content or "")
        cached = self.memo.get(key)
        if cached is None:
            start = len(self.entries)
            super().add_entry_from_context(page)
            self.memo.put(key, [dict(e) for e in self.entries[start:]])
        else:
            self.entries.extend(dict(e) for e in cached)


def use_cached_search(config: MkDocsConfig, memo: BuildMemo[list[dict[str, Any]]]) -> None:
    """Call from on_config, after the search plugin's own on_config made its index."""
    memo.next_build()
    for plugin in config.plugins.values():
        if isinstance(plugin, SearchPlugin) and type(getattr(plugin, "search_index", None)) is SearchIndex:
            index = CachingSearchIndex(**plugin.config)
            index.memo = memo
            plugin.search_index = index
