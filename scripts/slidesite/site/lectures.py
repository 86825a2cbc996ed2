"""The lecture table on the home page, generated from deck front matter."""

from __future__ import annotations

import html
from pathlib import PurePosixPath

from ..marp.compile import BuiltDeck
from ..source.deck import Deck

LECTURE_LIST_MARKER = "<!-- slidesite:lectures -->"


def lecture_table(decks: list[BuiltDeck], page_src_uri: str) -> str:
    """An HTML table of every deck (number, title with links, date), in nav order."""
    depth = len(PurePosixPath(page_src_uri).parent.parts)
    up = "../" * depth
    rows = []
    for built in decks:
        deck = built.deck
        number = "" if deck.lecture is None else str(deck.lecture)
        title = html.escape(deck.title)
        rows.append(
            f"<tr><td>{number}</td>"
            f'<td><a href="{up}lectures/{deck.name}/">{title}</a></td>'
            f'<td><a href="{up}slides/{deck.name}/">スライド</a></td>'
            f"<td>{html.escape(deck.date or '')}</td>"
            f"<td>{html.escape(deck.section)}</td></tr>"
        )
    head = "<thead><tr><th>回</th><th>タイトル</th><th>発表</th><th>日付</th><th>区分</th></tr></thead>"
    return f'<table class="lecture-table">{head}<tbody>{"".join(rows)}</tbody></table>'


def deck_page_uri(deck: Deck) -> str:
    """The source path of a deck's textbook page (generated; its URL is lectures/<deck>/)."""
    return f"lectures/{deck.name}.md"
