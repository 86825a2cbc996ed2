"""The exercises of the site: the generated 「演習」 page and the n/m line at the top of a page.

Both are filled in the browser from the reader's progress (localStorage, see storage.js): the
build only lists the exercises and where they are.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from dataclasses import dataclass

from .cells import Cell
from .deck import ATX_HEADING, Deck, code_line_mask, plain_text

EXERCISES_PAGE = "exercises.md"


@dataclass(frozen=True)
class Exercise:
    id: str  # "<page>/<n>", as the runtime stores progress
    number: int  # among the exercises of its page, from 1
    page: str  # src_uri of the page that shows it (a deck's textbook page for a deck)
    title: str  # the page's title
    first_line: str  # of the starter code
    label: str  # what the reader sees it called: its slide's or section's title, else 演習 N


def exercises_of(cells: list[Cell], page: str, title: str, labels: dict[int, str]) -> list[Exercise]:
    """The exercises among a page's cells; labels: by cell index (deck_labels, page_labels)."""
    name = page.removesuffix(".md").removeprefix("lectures/")
    found = [c for c in cells if c.exercise]
    return [
        Exercise(f"{name}/{n}", n, page, title, next((x.strip() for x in c.code.splitlines() if x.strip()), ""),
                 labels.get(c.index, default_label(n)))
        for n, c in enumerate(found, 1)
    ]


def default_label(number: int) -> str:
    """What an exercise is called when its slide or section has no title."""
    return f"演習 {number}"


def deck_labels(deck: Deck) -> dict[int, str]:
    """Each exercise's label in a deck: the title of its slide (the header it sets, else its first heading)."""
    def title_at(line: int) -> str | None:
        slide = next((s for s in reversed(deck.slides) if s.line <= line), None)
        return slide.title if slide else None

    return _labels(deck.cells, title_at)


def page_labels(markdown: str, cells: list[Cell]) -> dict[int, str]:
    """Each exercise's label on a hand-written page: the last heading (below the page's h1) above it."""
    lines = markdown.split("\n")
    body = 0  # a YAML comment in front matter is not a heading
    if lines[0].strip() == "---":
        body = next((i + 1 for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), 0)
    headings = [(i + 1, m.group(2)) for i, (line, code) in enumerate(zip(lines, code_line_mask(lines), strict=True))
                if i >= body and not code and (m := ATX_HEADING.match(line)) and len(m.group(1)) > 1]

    def title_at(line: int) -> str | None:
        return next((text for at, text in reversed(headings) if at < line), None)

    return _labels(cells, title_at)


def _labels(cells: list[Cell], title_at: Callable[[int], str | None]) -> dict[int, str]:
    """Plain-text titles by cell index; exercises sharing a title are told apart by （1）, （2）, …"""
    found = {c.index: plain_text(t) for c in cells if c.exercise and (t := title_at(c.line)) and plain_text(t)}
    labels = {}
    for index, label in found.items():
        same = [i for i, other in found.items() if other == label]
        labels[index] = label if len(same) == 1 else f"{label}（{same.index(index) + 1}）"
    return labels


def exercise_page_markdown(exercises: list[Exercise]) -> str:
    """The 「演習」 page: one row per exercise, its status cell filled by the runtime."""
    rows = [
        f"| [{_table_text(e.title)} — {_table_text(e.label)}]({e.page}#exercise-{e.number}) | "
        f"`{e.first_line.replace('`', '').replace('|', '¦')}` | "
        f'<span class="livecode-exercise-status" data-exercise="{html.escape(e.id)}">未挑戦</span> |'
        for e in exercises
    ]
    return "\n".join([
        "# 演習", "",
        "サイトのすべての演習と、このブラウザでの進み具合です（進み具合はこのブラウザにだけ保存されます）。", "",
        f'<p class="livecode-exercise-progress" data-exercises="{" ".join(e.id for e in exercises)}"></p>', "",
        "| 演習 | コード | 状態 |", "| --- | --- | --- |", *rows, "",
    ])


def _table_text(text: str) -> str:
    """Text for a link inside a Markdown table cell."""
    return html.escape(text).replace("|", "¦").replace("[", "\\[").replace("]", "\\]")


def progress_html(exercises: list[Exercise]) -> str:
    """The n/m line at the top of a page with exercises (the runtime writes the numbers)."""
    ids = " ".join(e.id for e in exercises)
    return f'<p class="livecode-exercise-progress" data-exercises="{html.escape(ids)}">演習 {len(exercises)} 問</p>'
