"""Notebooks made from a deck and a page (notebook.py), without running anything: a torture deck with
Marp's keywords, notes, a header-only slide, an exercise, PyTorch and plain static blocks, a cell in a
list; a page with an admonition; the buttons and Colab's address."""

from __future__ import annotations

import base64
import json
from pathlib import Path

import nbformat
import pytest
from slidesite.errors import BuildError
from slidesite.paths import RUNNER_DIR
from slidesite.run.execute import CellOutput, Output, PageOutputs
from slidesite.site.exercises import deck_labels
from slidesite.site.notebook import (
    Page,
    colab_url,
    deck_head_tags,
    deck_source,
    install,
    make_notebook,
    notebook_links,
    page_source,
    with_links,
)
from slidesite.source.cells import find_cells
from slidesite.source.deck import read_deck

SITE = "https://example.org/course/"
FENCE = "```"
DECK = f"""---
marp: true
theme: default
modules: [py/helper.py]
---

# タイトル **太字**

---

<!-- _header: ヘッダーだけのスライド -->
<!-- 講師メモ: 読者には見せない -->

![bg right:40% w:300](img/a.png)
本文1行目
本文2行目
$E = mc^2$ と [ページ](../guide/x.md) と <img src="img/b.png">

{FENCE}python run
print("こんにちは")
1 + 1
{FENCE}

---

## 演習スライド

{FENCE}python exercise
def f(x):
    return 0
{FENCE}

{FENCE}python solution
def f(x):
    return 2 * x
{FENCE}

{FENCE}python check
f(3)
{FENCE}

{FENCE}python hint
2 倍します
{FENCE}

---

## PyTorch

{FENCE}python
import torch
x = torch.ones(3)
{FENCE}

{FENCE}python
y = [1] + [2]  # ただの例
{FENCE}

{FENCE}python
>>> import torch
>>> torch.ones(2)
{FENCE}

{FENCE}python
import helper
{FENCE}

- リスト
  {FENCE}python run expect-error
  1 / 0
  {FENCE}
"""

PAGE = f"""---
title: ノート
---

# ノート

!!! note "注意"
    中身の 1 行目
    中身の 2 行目

その後の段落。

{FENCE}python run
print(3)
{FENCE}
"""


def _deck(tmp_path: Path) -> tuple[nbformat.NotebookNode, Path]:
    folder = tmp_path / "slides"
    (folder / "py").mkdir(parents=True)
    (folder / "py" / "helper.py").write_text("X = 1\n", encoding="utf-8")
    path = folder / "t.md"
    path.write_text(DECK, encoding="utf-8")
    deck = read_deck(path, "t")
    figures = tmp_path / "figures"
    figures.mkdir()
    (figures / "fig.png").write_bytes(b"\x89PNG\r\n\x1a\nfake")
    six = {"kind": "number", "values": [6.0], "shape": [], "dtype": "i", "dtypeName": "int", "repr": "6"}
    results = [
        CellOutput("ok", [Output("stdout", "こんにちは\n"), Output("result", "2\n"), Output("image", "fig.png")]),
        CellOutput("ok", [], expected=[six]),
        CellOutput("error", [Output("error", "Traceback (most recent call last):\nZeroDivisionError: division by zero\n")]),
    ]
    src = deck_source(deck, PageOutputs(deck.cells, results), SITE, deck_labels(deck))
    return make_notebook(src, SITE, figures), figures


def test_a_deck_becomes_a_valid_notebook_with_its_outputs(tmp_path: Path) -> None:
    nb, _ = _deck(tmp_path)
    nbformat.validate(nb)
    kinds = [(c.cell_type, c.metadata.get("tags", [])) for c in nb.cells]
    setup = nb.cells[0]
    assert kinds[0] == ("code", ["setup"])
    assert '"helper.py": "https://example.org/course/slides/t/py/helper.py"' in setup.source
    assert "https://example.org/course/notebooks/livecode_check.py" in setup.source
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "# タイトル **太字**" in text and text.count("# タイトル") == 1  # the deck's own title, once
    assert "## ヘッダーだけのスライド" in text and "講師メモ" not in text and "_header" not in text
    assert "![](https://example.org/course/slides/t/img/a.png)" in text  # Marp's keywords dropped
    assert '<img src="https://example.org/course/slides/t/img/b.png">' in text
    assert "[ページ](https://example.org/course/slides/guide/x/)" in text
    assert "本文1行目  \n本文2行目" in text  # Marp's line breaks kept
    assert "$E = mc^2$" in text
    assert "```python\ny = [1] + [2]  # ただの例\n```" in text  # a plain static block stays text
    assert "```python\n>>> import torch" in text  # a REPL transcript too
    assert "```python\nimport helper\n```" in text  # the deck's own module is no package to install
    code = [c for c in nb.cells if c.cell_type == "code"]
    hello = next(c for c in code if "こんにちは" in c.source)
    assert [o.output_type for o in hello.outputs] == ["stream", "execute_result", "display_data"]
    assert hello.outputs[1].data["text/plain"] == "2" and hello.outputs[2].data["image/png"]
    error = next(c for c in code if "1 / 0" in c.source)
    assert "raises-exception" in error.metadata["tags"]
    assert (error.outputs[0].ename, error.outputs[0].evalue) == ("ZeroDivisionError", "division by zero")
    torch = next(c for c in code if "torch.ones" in c.source)
    assert torch.metadata["tags"] == ["run-elsewhere"] and torch.metadata["slidesite"]["needs"] == ["torch"]
    assert torch.source.startswith("# [torch が必要]")
    assert len({c.id for c in nb.cells}) == len(nb.cells)


def test_an_exercise_is_starter_check_and_folded_solution(tmp_path: Path) -> None:
    nb, _ = _deck(tmp_path)
    at = next(i for i, c in enumerate(nb.cells) if "exercise" in c.metadata.get("tags", []))
    starter, check, folded = nb.cells[at : at + 3]
    assert starter.source.startswith("def f(x):\n    return 0")
    assert check.metadata["tags"] == ["exercise-check"] and "演習スライド" in check.source
    assert "return 2 * x" not in check.source  # the solution is not spelled out in the check cell
    solution = check.source.split('solution="')[1].split('"')[0]
    assert base64.b64decode(solution).decode() == "def f(x):\n    return 2 * x"
    assert folded.cell_type == "markdown" and folded.source.count("<details>") == 2
    assert "2 倍します" in folded.source and "return 2 * x" in folded.source


def test_the_check_cell_says_right_and_wrong(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The setup cell's check_answer, run as Jupyter would (livecode_check next to the notebook)."""
    nb, _ = _deck(tmp_path)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "livecode_check.py").write_bytes(
        (RUNNER_DIR / "check.py").read_bytes())
    monkeypatch.syspath_prepend(str(tmp_path))
    setup = nb.cells[0].source
    define = setup[setup.index("def check_answer"):]
    check = next(c.source for c in nb.cells if "exercise-check" in c.metadata.get("tags", []))
    namespace: dict[str, object] = {"base64": base64, "json": json}
    exec(define, namespace)  # noqa: S102
    exec("def f(x):\n    return 0\n", namespace)  # noqa: S102
    printed: list[str] = []
    namespace["print"] = lambda *a: printed.append(" ".join(map(str, a)))
    exec(check, namespace)  # noqa: S102
    assert printed[0].startswith("✘ f(3)") and "答えのコードで続けます" in printed[-1]
    assert namespace["f"](3) == 6  # type: ignore[operator]  # later cells go on with the solution
    printed.clear()
    exec("def f(x):\n    return x + x\n", namespace)  # noqa: S102
    exec(check, namespace)  # noqa: S102
    assert printed == ["✔ f(3)  正解", "すべて正解です！"]


def test_a_page_with_an_admonition(tmp_path: Path) -> None:
    path = tmp_path / "note.md"
    path.write_text(PAGE, encoding="utf-8")
    cells = find_cells(PAGE)
    outputs = PageOutputs(cells, [CellOutput("ok", [Output("stdout", "3\n")])])
    nb = make_notebook(page_source(path, "guide/note.md", "guide/note/", "ノート", outputs, SITE, {}), SITE, tmp_path)
    text = "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
    assert "> **注意**\n> 中身の 1 行目\n> 中身の 2 行目" in text and "その後の段落。" in text
    assert "title: ノート" not in text and text.count("# ノート") == 1
    assert "[サイトで見る](https://example.org/course/guide/note/)" in text
    assert nb.cells[-1].outputs[0].text == "3\n"


def test_install_writes_every_notebook_and_refuses_two_of_one_name(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_text(PAGE, encoding="utf-8")
    pages = {"a-b.md": Page(path, "a-b/", "A"), "a/b.md": Page(path, "a/b/", "B")}
    with pytest.raises(BuildError, match="a-b.ipynb"):
        install(tmp_path / "site", [], pages, {}, SITE, tmp_path, tmp_path / "cache")
    sizes = install(tmp_path / "site", [], {"a/b.md": pages["a/b.md"]}, {}, SITE, tmp_path, tmp_path / "cache")
    assert set(sizes) == {"a-b"} and (tmp_path / "site" / "notebooks" / "livecode_check.py").exists()
    nbformat.validate(nbformat.read(tmp_path / "site" / "notebooks" / "a-b.ipynb", as_version=4))


def test_buttons_and_colab() -> None:
    assert colab_url("01-learning", "https://github.com/trap/ml-lecture") == (
        "https://colab.research.google.com/github/trap/ml-lecture/blob/notebooks/01-learning.ipynb")
    assert colab_url("x", "https://github.com/trap/ml-lecture.git/") is not None
    assert colab_url("x", "https://gitlab.com/trap/ml-lecture") is None and colab_url("x", None) is None
    assert notebook_links("01-learning", "lectures/01-learning/", None).url == "../../notebooks/01-learning.ipynb"
    assert notebook_links("guide-x", "guide/x.html", None).url == "../notebooks/guide-x.ipynb"
    assert notebook_links("index", "", None).url == "notebooks/index.ipynb"
    links = notebook_links("n", "a/", "https://github.com/o/r")
    page = with_links("# 題\n\n本文", links)
    assert page.startswith("# 題\n\n<p class=\"notebook-links\">") and "Colab で開く" in page
    textbook = with_links('<div class="deck-actions">\n<a>発表</a>\n</div>', links)
    assert textbook.index("発表") < textbook.index("ノートブック (.ipynb)") < textbook.index("</div>")
    deck = deck_head_tags("n", True, "https://github.com/o/r")
    assert deck.count("<link") == 3 and 'href="n.pdf"' in deck and 'href="../../notebooks/n.ipynb"' in deck
    assert 'title="Colab で開く" data-deck-link="colab"' in deck and "github/o/r/blob/notebooks/n.ipynb" in deck
    assert deck_head_tags("n", False, None).count("<link") == 1


def test_a_starter_that_raises_does_not_stop_a_run_all(tmp_path: Path) -> None:
    text = f"# 演習\n\n{FENCE}python exercise\nf(1)\n{FENCE}\n\n{FENCE}python solution\ndef f(x):\n    return x\n{FENCE}\n\n" \
           f"{FENCE}python check\nf(2)\n{FENCE}\n"
    path = tmp_path / "e.md"
    path.write_text(text, encoding="utf-8")
    two = {"kind": "number", "values": [2.0], "shape": [], "dtype": "i", "dtypeName": "int", "repr": "2"}
    error = Output("error", "Traceback (most recent call last):\nNameError: name 'f' is not defined\n")
    outputs = PageOutputs(find_cells(text), [CellOutput("error", [error], expected=[two])])
    nb = make_notebook(page_source(path, "e.md", "e/", "演習", outputs, SITE, {}), SITE, tmp_path)
    starter = next(c for c in nb.cells if "exercise" in c.metadata.get("tags", []))
    assert "raises-exception" in starter.metadata["tags"] and starter.outputs[0].ename == "NameError"
