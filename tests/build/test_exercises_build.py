"""Exercises at build: expected values from the solution, the starter must fail, bad input stops the build."""

from __future__ import annotations

import html as htmllib
import json
import re
from pathlib import Path

from tests.support.project import F_PRIME_EXERCISE, deck, make_project, run_build

EXERCISE = f"""\
<!-- _header: 微分 -->

{F_PRIME_EXERCISE}
---

<!-- _header: あとのセル -->

```python run
print("f'(2) =", f_prime(2.0))
```
"""


def exercise_json(page: str) -> dict[str, object]:
    found = re.search(r'<script type="application/json" class="livecode-exercise">(.*?)</script>', page)
    assert found, page
    data: dict[str, object] = json.loads(found.group(1))
    return data


def test_expected_values_come_from_the_solution_and_later_cells_use_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck(EXERCISE, title="微分の演習")})
    (root / "docs" / "note.md").write_text("# ノート\n\n" + EXERCISE.split("---")[0], encoding="utf-8")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for path, page_id in (("slides/a/index.html", "a"), ("lectures/a/index.html", "a"), ("note/index.html", "note")):
        page = (site / path).read_text(encoding="utf-8")
        data = exercise_json(page)
        assert data["id"] == f"{page_id}/1" and data["checks"] == ["f_prime(3.0)", "f_prime(-1.5)"]
        expected = data["expected"]
        assert isinstance(expected, list)
        assert [e["values"] for e in expected] == [[6.0], [-3.0]]
        assert data["names"] == ["f_prime"] and data["hints"] == ["x² を x で微分すると？"]
        assert 'data-kind="exercise"' in page and 'id="exercise-1"' in page
        # The solution is only in the JSON and in a closed 「答え」 box, never plain on the page.
        assert "<details class=\"livecode-solution-static\" data-search-exclude><summary>答え</summary>" in page
        text = re.sub(r"<script.*?</script>|<details.*?</details>", "", page, flags=re.S)
        assert "2 * x" not in htmllib.unescape(text), path
        assert "```python" not in page
    # Nor in the search index (the answer box is data-search-exclude; the JSON is a script).
    assert "2 * x" not in (site / "search" / "search_index.json").read_text(encoding="utf-8")
    slide = (site / "slides/a/index.html").read_text(encoding="utf-8")
    assert "f&#x27;(2) = 4.0&#10;" in slide or "f'(2) = 4.0&#10;" in slide
    lecture = (site / "lectures/a/index.html").read_text(encoding="utf-8")
    assert '<p class="livecode-exercise-progress" data-exercises="a/1">' in lecture
    listing = (site / "exercises/index.html").read_text(encoding="utf-8")
    assert 'href="../lectures/a/#exercise-1"' in listing and 'href="../note/#exercise-1"' in listing
    assert 'data-exercise="a/1"' in listing and 'data-exercise="note/1"' in listing
    assert "微分の演習 — 微分" in listing  # the exercise is called by its slide's header
    assert ">演習</a>" in (site / "index.html").read_text(encoding="utf-8") or "演習" in listing


def bad_build(tmp_path: Path, body: str) -> str:
    root = make_project(tmp_path / "p", {"a.md": deck("# 題\n")})
    assert run_build(root).returncode == 0
    good = (root / "site" / "slides" / "a" / "index.html").read_text()
    (root / "slides" / "a.md").write_text(deck(body), encoding="utf-8")
    done = run_build(root)
    assert done.returncode != 0
    assert (root / "site" / "slides" / "a" / "index.html").read_text() == good  # previous site kept
    return done.stderr


def test_bad_exercises_stop_the_build_with_file_and_line(tmp_path: Path) -> None:
    starter_passes = EXERCISE.replace("return 0  # ここを書き換える", "return x + x")
    assert "slides/a.md:7: cell 1 (`def f_prime(x):`) has starter code that already passes every check" in (
        bad_build(tmp_path / "1", starter_passes))
    raising = EXERCISE.replace("return 2 * x\n", "return 2 * x\nraise ValueError('未完成')\n")
    assert "slides/a.md:7: cell 1 (`def f_prime(x):`) has a solution that raised ValueError: 未完成" in (
        bad_build(tmp_path / "2", raising))
    bad_check = EXERCISE.replace("f_prime(-1.5)", "f_prime(-1.5) + z")
    assert "has a check line `f_prime(-1.5) + z` that raised NameError" in bad_build(tmp_path / "3", bad_check)
    no_check = EXERCISE.replace("```python check\nf_prime(3.0)\nf_prime(-1.5)\n```\n", "")
    assert "slides/a.md:7: this ```python exercise has no ```python check fence" in bad_build(tmp_path / "4", no_check)
    lonely = "```python solution\nx = 1\n```\n"
    assert "slides/a.md:5: a ```python solution fence must follow a ```python exercise" in (
        bad_build(tmp_path / "5", lonely))
