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


def test_deck_names_come_from_paths(tmp_path):
    from slidesite.deck import deck_names

    rels = ["01-a.md", "ch01/lecture.md", "ch02/lecture.md", "part/ch03/index.md", "extra/a.md", "extra/b.md"]
    paths = [tmp_path / rel for rel in rels]
    names = deck_names(tmp_path, paths)
    assert [names[p] for p in paths] == ["01-a", "ch01", "ch02", "part-ch03", "extra-a", "extra-b"]


def test_plain_text_strips_markdown_from_titles():
    from slidesite.deck import plain_text

    assert plain_text("**機械学習講習会**") == "機械学習講習会"
    assert plain_text("[1] 「学習」") == "[1] 「学習」"
    assert plain_text("`x_1` と [リンク](a.md) ![図](b.png) <span>_強調_</span> snake_case \\*") == "x_1 と リンク 強調 snake_case *"


def test_repeated_first_headings_are_told_apart_by_the_next_heading(tmp_path):
    from slidesite.deckbuild import load_decks

    for name, h2 in (("ch01", "[1] 「学習」"), ("ch02", "[2] 「勾配」"), ("ch03", None)):
        (tmp_path / name).mkdir()
        body = f"# **機械学習講習会**\n\n## {h2}\n" if h2 else "# **機械学習講習会**\n"
        (tmp_path / name / "lecture.md").write_text(f"---\nmarp: true\n---\n\n{body}", encoding="utf-8")
    (tmp_path / "solo.md").write_text("---\nmarp: true\n---\n\n# 単独\n", encoding="utf-8")
    titles = {d.name: d.title for d in load_decks(tmp_path)}
    assert titles == {"ch01": "[1] 「学習」", "ch02": "[2] 「勾配」", "ch03": "機械学習講習会 (ch03)", "solo": "単独"}
