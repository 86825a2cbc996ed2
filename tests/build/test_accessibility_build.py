"""What the build does for accessibility (issue #24), without a browser: decks' language, figures' alt
text (from the figure, or the author's `alt="…"`), scrollable outputs reachable by keyboard."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest
from slidesite.livecode import runner
from slidesite.livecode.cell_html import transform_cells
from slidesite.livecode.figure_alt import describe
from slidesite.livecode.output_html import frozen_html
from slidesite.marp.compile import with_language
from slidesite.run.cell_process import store_figure
from slidesite.run.execute import CellOutput, Output
from slidesite.source.cells import CellOptionError, parse_info
from slidesite.source.deck import read_deck

PLOT = """\
import matplotlib.pyplot as plt
fig, (a, b) = plt.subplots(1, 2)
fig.suptitle("学習率の比較")
a.plot([1, 2], label="GD"); a.plot([2, 1], label="Momentum")
a.set_title("誤差の推移"); a.set_xlabel("$k$"); a.set_ylabel(r"$|x_k - x^*|$"); a.legend()
b.scatter([1], [2]); b.set_xlabel("反復回数")
plt.figure()
plt.plot([0, 1])
"""


def test_describe_names_titles_axes_and_legends_and_nothing_for_a_bare_figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.plot([1, 2], label="$\\eta = 0.1$")
    ax.legend()
    ax.set_ylabel("損失\nL")
    assert describe(fig) == "グラフ（縦軸 損失 L、凡例 eta = 0.1）"
    bare, _ = plt.subplots()
    assert describe(bare) == ""
    plt.close("all")


@pytest.fixture()
def figures(tmp_path: Path) -> list[str]:
    """The runner's figures of PLOT, stored as the build stores them (palette-reduced)."""
    runner.setup(font_path=None)
    posted: list[tuple[str, str]] = []
    runner.Session().run_cell(PLOT, 1, lambda kind, text: posted.append((kind, text)))
    return [store_figure(base64.b64decode(text), tmp_path) for kind, text in posted if kind == "image"]


def test_build_time_figures_carry_their_own_alt_text(figures: list[str], tmp_path: Path):
    assert len(figures) == 2
    result = CellOutput("ok", [Output("image", name) for name in figures])
    html = frozen_html(3, result, "out/", tmp_path)
    assert ('alt="学習率の比較：誤差の推移（横軸 k、縦軸 |x_k - x^*|、凡例 GD / Momentum）；'
            'グラフ（横軸 反復回数）"') in html
    assert 'alt="図 2（セル 3 の出力）"' in html  # a figure that names nothing says which cell drew it
    # The output box is a named region in the tab order (it scrolls when long).
    assert 'role="region" tabindex="0" aria-label="セル 3 の出力"' in html
    authored = frozen_html(3, result, "out/", tmp_path, alt="二つの最適化法の比較")
    assert 'alt="二つの最適化法の比較"' in authored and 'alt="二つの最適化法の比較（図 2）"' in authored


def test_alt_option_takes_quoted_text_and_reaches_the_page_and_the_browser():
    assert parse_info('python run alt="学習率 ごと の誤差" timeout=3', 1) == {"alt": "学習率 ごと の誤差", "timeout": "3"}
    assert parse_info("python run alt='x < y' autorun", 1) == {"alt": "x < y", "autorun": ""}
    for bad, said in [('python run alt="未完', "unclosed quote"), ("python run alt=", "alt needs a text"),
                      ('python run alt=""', "alt needs a text")]:
        with pytest.raises(CellOptionError, match=said):
            parse_info(bad, 4)
    out = transform_cells('```python run autorun alt="損失 & 精度"\nprint(1)\n```\n')
    assert 'data-options="autorun" data-alt="損失 &amp; 精度"' in out


def test_decks_say_the_sites_language_unless_they_name_their_own(tmp_path: Path):
    plain = tmp_path / "a.md"
    plain.write_text("---\nmarp: true\ntheme: honwaka\n---\n\n# 題\n", encoding="utf-8")
    deck = read_deck(plain)
    assert with_language(deck.text, deck, "ja").startswith('---\nlang: "ja"\nmarp: true')
    own = tmp_path / "b.md"
    own.write_text("---\nmarp: true\nlang: en\n---\n\n# Title\n", encoding="utf-8")
    deck = read_deck(own)
    assert with_language(deck.text, deck, "ja") == deck.text
