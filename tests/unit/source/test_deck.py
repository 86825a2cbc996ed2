"""Reading decks: front matter, slide splitting, directives, notes and referenced files."""

from pathlib import Path

import pytest
from slidesite.errors import BuildError
from slidesite.source.deck import read_deck


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


def test_title_falls_back_to_first_heading_and_no_lecture_means_supplementary(tmp_path):
    deck = read_deck(write(tmp_path, "---\nmarp: true\n---\n\n# **見出し** です\n"))
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


@pytest.mark.parametrize(("front", "message"), [
    ("lectur: 1", "d.md:3: unknown front-matter key 'lectur' (did you mean 'lecture'?)"),
    ("headingDevider: 2", "d.md:3: unknown front-matter key 'headingDevider' (did you mean 'headingDivider'?)"),
    ("zzz: 1", "d.md:3: unknown front-matter key 'zzz' (ours are title, lecture, date, section, modules; Marp's"),
    ("lecture: two", "d.md:3: front-matter key 'lecture' must be a whole number (the lecture's number), not 'two'"),
    ("lecture: true", "d.md:3: front-matter key 'lecture' must be a whole number"),
    ("modules: [1, 2]", "d.md:3: front-matter key 'modules' must be a path or a list of paths"),
    ("headingDivider: 9", "d.md:3: front-matter key 'headingDivider' must be a heading level 1–6"),
    ("_paginate: maybe", "d.md:3: front-matter key '_paginate' must be true, false, hold or skip"),
])
def test_front_matter_typos_and_wrong_types_name_the_line_and_the_fix(tmp_path, monkeypatch, front, message):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildError) as err:
        read_deck(write(tmp_path, f"---\nmarp: true\n{front}\n---\n\n# A\n"))
    assert str(err.value).startswith(message), str(err.value)


def test_marp_directives_and_our_keys_are_known_front_matter(tmp_path):
    front = (
        "marp: true\ntheme: honwaka\npaginate: true\n_paginate: skip\nheader: h\nfooter: f\nclass: lead\n"
        "size: 4:3\nmath: mathjax\nheadingDivider: [1, 2]\nstyle: 'section { color: red }'\nbackgroundColor: '#fff'\n"
        "_class: title\nlang: ja\ntransition: fade\ndescription: d\nauthor: a\n"
        "title: T\nlecture: 3\ndate: 2026-04-10\nsection: 講義\nmodules: [py/a.py]\n"
    )
    deck = read_deck(write(tmp_path, f"---\n{front}---\n\n# A\n"))
    assert (deck.lecture, deck.date, deck.title) == (3, "2026-04-10", "T")


def test_a_cell_inside_a_list_item_is_a_cell_with_its_code_dedented(tmp_path):
    from slidesite.source.cells import find_cells

    text = "---\nmarp: true\n---\n\n- 手順\n\n  ```python run\n  for i in range(2):\n      print(i)\n  ```\n\n---\n\nB\n"
    deck = read_deck(write(tmp_path, text))
    assert len(deck.slides) == 2
    [cell] = find_cells(text)
    assert (cell.line, cell.code) == (7, "for i in range(2):\n    print(i)")


def test_a_cell_fence_that_would_stay_plain_code_stops_the_build(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(BuildError, match=r"^d\.md:7: this ```python run fence is indented 4 spaces or more outside"):
        read_deck(write(tmp_path, "---\nmarp: true\n---\n\n# A\n\n    ```python run\n    print(1)\n    ```\n"))


def test_deck_names_come_from_paths(tmp_path):
    from slidesite.source.deck import deck_names

    rels = ["01-a.md", "ch01/lecture.md", "ch02/lecture.md", "part/ch03/index.md", "extra/a.md", "extra/b.md"]
    paths = [tmp_path / rel for rel in rels]
    names = deck_names(tmp_path, paths)
    assert [names[p] for p in paths] == ["01-a", "ch01", "ch02", "part-ch03", "extra-a", "extra-b"]


def test_plain_text_strips_markdown_from_titles():
    from slidesite.source.deck import plain_text

    assert plain_text("**機械学習講習会**") == "機械学習講習会"
    assert plain_text("[1] 「学習」") == "[1] 「学習」"
    assert plain_text("`x_1` と [リンク](a.md) ![図](b.png) <span>_強調_</span> snake_case \\*") == "x_1 と リンク 強調 snake_case *"


def test_repeated_first_headings_are_told_apart_by_the_next_heading(tmp_path):
    from slidesite.marp.compile import load_decks

    for name, h2 in (("ch01", "[1] 「学習」"), ("ch02", "[2] 「勾配」"), ("ch03", None)):
        (tmp_path / name).mkdir()
        body = f"# **機械学習講習会**\n\n## {h2}\n" if h2 else "# **機械学習講習会**\n"
        (tmp_path / name / "lecture.md").write_text(f"---\nmarp: true\n---\n\n{body}", encoding="utf-8")
    (tmp_path / "solo.md").write_text("---\nmarp: true\n---\n\n# 単独\n", encoding="utf-8")
    titles = {d.name: d.title for d in load_decks(tmp_path)}
    assert titles == {"ch01": "[1] 「学習」", "ch02": "[2] 「勾配」", "ch03": "機械学習講習会 (ch03)", "solo": "単独"}
