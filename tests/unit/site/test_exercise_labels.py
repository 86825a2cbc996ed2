"""What an exercise is called (state line, notices, the 「演習」 page): its slide's or section's title."""

from __future__ import annotations

from pathlib import Path

from slidesite.site.exercises import _table_text, deck_labels, exercises_of, page_labels
from slidesite.source.cells import find_cells
from slidesite.source.deck import read_deck

from tests.support.project import F_PRIME_EXERCISE


def test_a_deck_exercise_is_called_by_its_slides_header_else_its_first_heading(tmp_path: Path) -> None:
    path = tmp_path / "d.md"
    path.write_text(
        "---\nmarp: true\n---\n\n# 題\n\n---\n\n<!-- _header: 演習3-3 -->\n\n" + F_PRIME_EXERCISE
        + "\n---\n\n## **第二問**: 微分\n\n" + F_PRIME_EXERCISE
        + "\n---\n\n本文だけ\n\n" + F_PRIME_EXERCISE,
        encoding="utf-8",
    )
    deck = read_deck(path, tmp_path)
    labels = deck_labels(deck)
    found = [c.index for c in deck.cells if c.exercise]
    assert [labels.get(i) for i in found] == ["演習3-3", "第二問: 微分", None]
    exercises = exercises_of(deck.cells, "lectures/d.md", deck.title, labels)
    assert [e.label for e in exercises] == ["演習3-3", "第二問: 微分", "演習 3"]


def test_a_page_exercise_takes_the_last_heading_above_it_and_repeats_are_numbered() -> None:
    page = ("---\n# a YAML comment\ntitle: x\n---\n\n# ページ\n\n" + F_PRIME_EXERCISE
            + "\n## 練習\n\n" + F_PRIME_EXERCISE + "\n```python\n## not a heading\n```\n\n" + F_PRIME_EXERCISE)
    cells = find_cells(page)
    labels = page_labels(page, cells)
    assert [labels.get(c.index) for c in cells if c.exercise] == [None, "練習（1）", "練習（2）"]


def test_a_label_cannot_break_the_exercise_tables_link() -> None:
    assert _table_text("[1] a|b <i>") == "\\[1\\] a¦b &lt;i&gt;"
