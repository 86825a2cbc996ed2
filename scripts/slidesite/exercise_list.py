"""The exercises of the site: the generated 「演習」 page and the n/m line at the top of a page.

Both are filled in the browser from the reader's progress (localStorage, see storage.js): the
build only lists the exercises and where they are.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from .cells import Cell

EXERCISES_PAGE = "exercises.md"


@dataclass(frozen=True)
class Exercise:
    id: str  # "<page>/<n>", as the runtime stores progress
    number: int  # among the exercises of its page, from 1
    page: str  # src_uri of the page that shows it (a deck's textbook page for a deck)
    title: str  # the page's title
    first_line: str  # of the starter code


def exercises_of(cells: list[Cell], page: str, title: str) -> list[Exercise]:
    """The exercises among a page's cells."""
    name = page.removesuffix(".md").removeprefix("lectures/")
    found = [c for c in cells if c.exercise]
    return [
        Exercise(f"{name}/{n}", n, page, title, next((x.strip() for x in c.code.splitlines() if x.strip()), ""))
        for n, c in enumerate(found, 1)
    ]


def exercise_page_markdown(exercises: list[Exercise]) -> str:
    """The 「演習」 page: one row per exercise, its status cell filled by the runtime."""
    rows = [
        f"| [{html.escape(e.title)} — 演習 {e.number}]({e.page}#exercise-{e.number}) | "
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


def progress_html(exercises: list[Exercise]) -> str:
    """The n/m line at the top of a page with exercises (the runtime writes the numbers)."""
    ids = " ".join(e.id for e in exercises)
    return f'<p class="livecode-exercise-progress" data-exercises="{html.escape(ids)}">演習 {len(exercises)} 問</p>'
