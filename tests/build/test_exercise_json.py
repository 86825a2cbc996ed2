"""An exercise's JSON reaches the runtime unchanged, also when its code has <, > or & (Marp escapes them)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from slidesite.livecode.cell_html import script_json

from tests.support.project import deck, make_project, run_build

SOLUTION = 'def f(x: float) -> int:\n    return int(x > 1 and x < 5 & 7)  # "</script>"'
EXERCISE = f"""\
```python exercise
def f(x: float) -> int:
    return 0  # ここを書き換える
```

```python solution
{SOLUTION}
```

```python hint
f(x) は x > 1 のとき 1、x < 1 のとき 0（& はビット積）
```

```python check
f(2.0)
f(0.5) < 1
```
"""


def test_script_json_has_no_markup_characters_and_decodes_to_the_same_data() -> None:
    data = {"solution": SOLUTION, "hints": ["a < b & c > d"]}
    text = script_json(data)
    assert not set("<>&") & set(text)
    assert json.loads(text) == data


def test_solution_hints_and_checks_with_markup_characters_survive_the_deck_and_the_textbook_page(
    tmp_path: Path,
) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck(EXERCISE)})
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    for page in ("slides/a/index.html", "lectures/a/index.html"):
        text = (root / "site" / page).read_text(encoding="utf-8")
        found = re.search(r'<script type="application/json" class="livecode-exercise">(.*?)</script>', text)
        assert found, page
        data = json.loads(found.group(1))
        assert data["solution"] == SOLUTION, page
        assert data["hints"] == ["f(x) は x > 1 のとき 1、x < 1 のとき 0（& はビット積）"], page
        assert data["checks"] == ["f(2.0)", "f(0.5) < 1"], page
        assert data["names"] == ["f"]
