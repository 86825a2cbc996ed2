"""Reading decks: front matter, slide splitting, directives, notes and referenced files."""

from pathlib import Path

import pytest
from slidesite.deck import read_deck
from slidesite.errors import BuildError


def write(tmp_path: Path, text: str, name: str = "d.md") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_slides_split_on_rulers_not_inside_code(tmp_path):
    path = write(tmp_path, "---\nmarp: true\n---\n\n# A\n\n---\n\n```\n---\n```\n\n---\n\nC\n")
    deck = read_deck(path)
    assert [s.number for s in deck.slides] == [1, 2, 3]
    assert deck.slides[1].lines[1] == "```"
    assert deck.slides[2].line == 14


def test_heading_divider_from_a_comment_starts_slides_at_each_h2(tmp_path):
    text = "---\nmarp: true\n---\n\n<!--\nheadingDivider: 2\n_class: title\n-->\n\n# T\n\n## One\n\nx\n\n## Two\n\n### sub\n"
    deck = read_deck(write(tmp_path, text))
    assert len(deck.slides) == 3
    assert deck.slides[0].classes == ["title"]
    assert deck.slides[2].lines[0] == "## Two"


def test_spot_and_local_directives(tmp_path):
    text = (
        "---\nmarp: true\nheader: 全体\n---\n\n<!-- _header: 最初 -->\n\nA\n\n---\n\nB\n\n---\n\n"
        "<!-- header: 後半 -->\n\nC\n\n---\n\nD\n"
    )
    deck = read_deck(write(tmp_path, text))
    assert [s.header for s in deck.slides] == ["最初", "全体", "後半", "後半"]


def test_notes_are_comments_that_are_not_directives(tmp_path):
    text = "---\nmarp: true\n---\n\n<!-- _class: lead -->\n<!-- ここで質問を受ける -->\n\n# T\n"
    deck = read_deck(write(tmp_path, text))
    assert [n.text for n in deck.slides[0].notes] == ["ここで質問を受ける"]
    assert deck.slides[0].notes[0].line == 6
    assert deck.slides[0].classes == ["lead"]


def test_referenced_files_with_lines_skip_code_and_urls(tmp_path):
    text = (
        "---\nmarp: true\nmodules: [py/m.py]\n---\n\n![bg right:40%](img/a.png)\n\n"
        "```\n![x](img/in-code.png)\n```\n\n![w:900](https://example.org/x.png) <img src=\"img/b.svg\">\n"
    )
    deck = read_deck(write(tmp_path, text))
    assert [(r.rel, r.line) for r in deck.refs] == [("img/a.png", 6), ("img/b.svg", 12), ("py/m.py", 1)]


def test_title_falls_back_to_first_heading_and_lecture_must_be_int(tmp_path):
    deck = read_deck(write(tmp_path, "---\nmarp: true\nlecture: two\n---\n\n# **見出し** です\n"))
    assert deck.title == "見出し です"
    assert deck.lecture is None
    assert deck.section == "補足資料"


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("---\nmarp: true\ntheme: [x\n---\n", "broken YAML front matter", 3),
        ("---\ntheme: honwaka\n---\n# x\n", "not a Marp deck: add `marp: true`", 1),
        ("---\nmarp: true\n", "front matter is not closed", 1),
        ("---\nmarp: true\n---\n\n```python run autorun bogus\nx\n```\n", "unknown live-cell option 'bogus'", 5),
        ("---\nmarp: true\n---\n\n```python run timeout=abc\nx\n```\n", "timeout needs a positive number", 5),
    ],
)
def test_bad_decks_name_file_and_line(tmp_path, text, message, line):
    path = write(tmp_path, text)
    with pytest.raises(BuildError) as caught:
        read_deck(path)
    assert message in caught.value.message
    assert caught.value.line == line
    assert str(caught.value).endswith(f"d.md:{line}: {caught.value.message}")


def test_loose_directives_allow_colons_in_values(tmp_path):
    text = "---\nmarp: true\n---\n\n<!-- _header: ためしてみる: a = 20, b = 100 -->\n<!-- 注意: これはノート -->\n\nx\n"
    deck = read_deck(write(tmp_path, text))
    assert deck.slides[0].header == "ためしてみる: a = 20, b = 100"
    assert [n.text for n in deck.slides[0].notes] == ["注意: これはノート"]
