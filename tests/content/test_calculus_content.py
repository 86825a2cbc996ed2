"""The calculus deck and articles: cells pass in CPython and print the numbers the text states."""

from __future__ import annotations

import re

import pytest
from slidesite.run.run_cells import run_file

from tests.support import REPO as ROOT

# File -> strings its cells must print (each one is quoted in the page text or notes).
EXPECTED: dict[str, list[str]] = {
    "slides/calculus-and-optimization.md": [
        "傾き=2.100000",
        "傾き=2.001000",
        "[4. 1.]",
        "厳密値: -17/18 25/36",
        "数値  : -0.944444 0.694444",
        "差が 1e-10 未満: True",
        "g(v) が最大の角度: 324 °",
        "-∇f の角度      : 323.7 °",
        "max g(v): 1.1723",
        "(0.5, -0.5) → [ 1.759 -1.323] f=-3.922",
        "(1.0, 0.8) → [0.01  1.463] f=0.318",
        "走れる距離: 2.1e+13 km",
        "太陽まで  : 140,000 台分",
    ],
    "docs/articles/derivative.md": [
        "2.0010000000",
        "誤差が最小になる h: 1e-08",
        "そのときの誤差: 1.2e-08",
        "右側の傾き=1.0  左側の傾き=0.0",
        "∂f/∂x(1, 2) ≈ 4.000000",
        "∂f/∂y(1, 2) ≈ 1.000000",
        "1 回目: w = [ 0.2 -1.6]",
        "30 回目: w = [ 0.9988 -2.    ], loss = 0.000002",
    ],
    "docs/articles/total-differential.md": [
        "∂L/∂u: 数値 -2.000000, 式 -2.0",
        "∂L/∂v: 数値 9.000000, 式 9.0",
        "1.86971000",
        "0.01602502",
        "25.002",
        "誤差の直線の傾き: 2.00",
        "全微分による予想: -0.160000",
        "実際の変化      : -0.157694",
    ],
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_cells_print_stated_numbers(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    failures = run_file(ROOT / name, verbose=True)
    out = capsys.readouterr().out
    assert failures == []
    for text in EXPECTED[name]:
        assert text in out, f"{name}: cells no longer print {text!r}"


def test_deck_has_no_images_and_every_slide_a_header() -> None:
    text = (ROOT / "slides/calculus-and-optimization.md").read_text(encoding="utf-8")
    assert not re.search(r"!\[|<img\b", text)
    body = text.split("\n---\n", 1)[1]
    slides = re.split(r"\n\n---\n", body)
    assert "<!-- _class: lead -->" in slides[0]
    for i, slide in enumerate(slides[1:], start=2):
        assert "<!-- _header:" in slide, f"slide {i} has no _header"
