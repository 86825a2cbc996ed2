"""Outputs computed at build: in the deck and the page, reused while nothing changed, and bad cells stop the build."""

import json
import re
from pathlib import Path

from slidesite.livecode.output_html import LIVE_ONLY_NOTE
from slidesite.run.run_cells import run_cells

from tests.support.project import deck, make_project, run_build

CELLS = """\
<!-- _header: 出力 -->

```python run
total = 40 + 2
print("合計:", total)
print("<b>太字ではない</b>")
total * 10
```

---

<!-- _header: 図 -->

```python run
import matplotlib.pyplot as plt
import sys
print("警告のつもり", file=sys.stderr)
plt.plot([0, 1, 2], [0, 1, 4])
plt.title("放物線")
plt.show()
```

---

<!-- _header: 毎回ちがう -->

```python run live-only
import random
raise SystemExit(random.random())
```

```python run expect-error
1 / 0
```
"""


def frozen_blocks(html: str) -> list[str]:
    return re.findall(r'<div class="livecode-frozen".*?</p></div>|<div class="livecode-frozen"[^>]*></div>', html)


def test_outputs_are_in_the_deck_and_the_page_as_text_and_figures(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck(CELLS)})
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for html_path, base in ((site / "slides/a/index.html", "../../assets/outputs/"),
                            (site / "lectures/a/index.html", "../../assets/outputs/")):
        html = html_path.read_text(encoding="utf-8")
        blocks = frozen_blocks(html)
        assert len(blocks) == 4, html_path
        first, figure, live_only, error = blocks
        # stdout, then the last expression's value, as the browser's runner shows them; text stays text.
        assert '<span class="livecode-stdout">合計: 42&#10;&lt;b&gt;太字ではない&lt;/b&gt;&#10;</span>' in first
        assert '<span class="livecode-result">420&#10;</span>' in first
        assert "<b>太字" not in html
        assert '<span class="livecode-stderr">警告のつもり&#10;</span>' in figure
        img = re.search(r'<img [^>]*class="[^"]*livecode-figure[^>]*>', figure)
        assert img, figure
        src = re.search(r'src="([^"]+)"', img.group(0))
        assert src and src.group(1).startswith(base) and re.search(r'width="\d+" height="\d+"', img.group(0))
        png = (html_path.parent / src.group(1)).resolve()
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert png.stat().st_size < 60_000  # palette PNG: a simple plot is a few KB
        assert LIVE_ONLY_NOTE in live_only
        assert 'data-status="error"' in error and "ZeroDivisionError: division by zero" in error
    # The search index has what cells print.
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("合計: 42" in doc["text"] for doc in index["docs"])


def test_a_page_of_docs_gets_its_outputs_too(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck("# A\n")})
    (root / "docs" / "note.md").write_text("# メモ\n\n```python run\nprint(sum(range(11)))\n```\n", encoding="utf-8")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    html = (root / "site" / "note" / "index.html").read_text(encoding="utf-8")
    assert '<span class="livecode-stdout">55&#10;</span>' in html


def test_outputs_are_reused_until_a_cell_or_a_module_changes(tmp_path: Path) -> None:
    runs = tmp_path / "runs.txt"
    body = f"```python run\nimport helper\nopen({str(runs)!r}, 'a').write('x')\nprint(helper.VALUE)\n```\n"
    root = make_project(tmp_path / "p", {"a.md": deck(body, modules="[py/helper.py]")})
    (root / "slides" / "py").mkdir()
    (root / "slides" / "py" / "helper.py").write_text("VALUE = 1\n", encoding="utf-8")
    assert run_build(root).returncode == 0
    assert run_build(root).returncode == 0
    assert runs.read_text() == "x"
    (root / "slides" / "py" / "helper.py").write_text("VALUE = 2\n", encoding="utf-8")
    assert run_build(root).returncode == 0
    assert runs.read_text() == "xx"
    assert '<span class="livecode-stdout">2&#10;</span>' in (root / "site/slides/a/index.html").read_text()


def test_a_raising_cell_stops_the_build_naming_file_line_cell_and_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck("```python run\nprint('ok')\n```\n")})
    assert run_build(root).returncode == 0
    good = (root / "site" / "slides" / "a" / "index.html").read_text()
    bad = "```python run\nprint('ok')\n```\n\n```python run\nx = 1\nraise ValueError('だめです')\n```\n"
    (root / "slides" / "a.md").write_text(deck(bad), encoding="utf-8")
    done = run_build(root)
    assert done.returncode != 0
    line = deck(bad).split("\n").index("```python run", 6) + 1
    assert f"slides/a.md:{line}: cell 2 (`x = 1`) raised ValueError: だめです" in done.stderr
    assert "live-only" in done.stderr and "expect-error" in done.stderr
    assert (root / "site" / "slides" / "a" / "index.html").read_text() == good


def test_input_and_endless_loops_at_build_get_a_clear_error(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck("```python run\nname = input('名前? ')\n```\n")})
    done = run_build(root)
    assert done.returncode != 0
    assert "slides/a.md:5: cell 1 (`name = input(" in done.stderr and "calls input()" in done.stderr
    assert "live-only" in done.stderr
    (root / "slides" / "a.md").write_text(deck("```python run timeout=1\nwhile True:\n    pass\n```\n"), encoding="utf-8")
    done = run_build(root)
    assert done.returncode != 0
    assert "slides/a.md:5: cell 1 (`while True:`) ran past its 1 s limit at build" in done.stderr


def test_expect_error_cell_that_runs_cleanly_fails_the_build(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck("```python run expect-error\nprint(1)\n```\n")})
    done = run_build(root)
    assert done.returncode != 0
    assert "is marked expect-error but ran without an error" in done.stderr


def test_run_cells_shows_what_the_browser_shows(tmp_path: Path) -> None:
    page = tmp_path / "p.md"
    page.write_text("```python run\n1 + 1\n```\n\n```python run\nprint('a')\n'b'\n```\n", encoding="utf-8")
    assert [run.output for run in run_cells(page)] == ["2\n", "a\n'b'\n"]
