"""Explorables at build: every state of a cell's controls computed in isolation, stored beside the figures,
the default shown with a caption; a raising state, a bad #@param line and too many states stop the build."""

from __future__ import annotations

import json
import re
from pathlib import Path

from tests.support.project import deck, make_project, run_build

EXPLORABLE = """\
<!-- _header: 探る -->

```python run
import matplotlib.pyplot as plt
base = [10]
```

```python run
eta = 0.2  #@param {type:"slider", min:0.1, max:0.3, step:0.1}
method = "GD"  #@param ["GD", "Adam"]
base.append(eta)  # would leak into the next state without isolation
print(method, eta, len(base))
plt.plot([0, 1], [0, eta])
plt.title(f"{method} {eta}")
plt.show()
```

```python run
print("below:", eta, method, len(base))
```
"""


def test_every_state_is_computed_in_isolation_and_the_page_carries_it(tmp_path: Path) -> None:
    root = make_project(tmp_path / "p", {"a.md": deck(EXPLORABLE)})
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    site = root / "site"
    for page in (site / "slides/a/index.html", site / "lectures/a/index.html"):
        html = page.read_text(encoding="utf-8")
        spec = json.loads(re.search(r'<script type="application/json" class="livecode-params">(.*?)</script>',
                                    html).group(1))
        assert [p["name"] for p in spec["params"]] == ["eta", "method"]
        assert spec["params"][0]["values"] == ["0.1", "0.2", "0.3"]
        states = json.loads((page.parent / spec["states"]).read_text(encoding="utf-8"))["states"]
        assert len(states) == 6
        texts = ["".join(t for k, t, *_ in s if k == "stdout") for s in states]
        # Row-major, each state as if the cell ran once after the cells above (len(base) is always 2).
        assert texts == [f"{m} {e} 2\n" for e in ("0.1", "0.2", "0.3") for m in ("GD", "Adam")]
        figures = [t for s in states for k, t, *_ in s if k == "image"]
        assert len(set(figures)) == 6 and all((page.parent / spec["states"]).with_name(f).exists() for f in figures)
        # Each state's figure carries what it says, for its alt text (its title here).
        described = [piece[2] for s in states for piece in s if piece[0] == "image"]
        assert all(f"{m} {e}" in d for (e, m), d in
                   zip([(e, m) for e in ("0.1", "0.2", "0.3") for m in ("GD", "Adam")], described, strict=True))
        # The default state is what the page shows; the cell below sees the default and no leak.
        assert "GD 0.2 2&#10;" in html and "below: 0.2 GD 2&#10;" in html
        caption = re.search(r'<p class="livecode-params-caption">(.*?)</p>', html).group(1)
        assert "eta: 0.1〜0.3（刻み 0.1）" in caption and "method: GD / Adam" in caption
        assert 'eta = 0.2、method = &quot;GD&quot;' in caption
    index = json.loads((site / "search" / "search_index.json").read_text(encoding="utf-8"))
    assert any("method: GD / Adam" in doc["text"] for doc in index["docs"])


def test_a_raising_state_a_bad_line_and_too_many_states_stop_the_build_at_their_line(tmp_path: Path) -> None:
    cases = {
        "raises": ("```python run\nx = 1  #@param [1, 0, 2]\nprint(1 / x)\n```\n", 5,
                   "raised ZeroDivisionError: division by zero with x = 0"),
        "bad": ('```python run\nprint(1)\nx = 0.15  #@param {type:"slider", min:0, max:1, step:0.1}\n```\n', 7,
                "off the slider's range"),
        "many": ('```python run\nx = 0  #@param {type:"slider", min:0, max:300, step:1}\n```\n', 5,
                 "301 states"),
    }
    for name, (body, line, says) in cases.items():  # the body starts on line 5, after the front matter
        root = make_project(tmp_path / name, {"a.md": deck(body)})
        done = run_build(root)
        assert done.returncode != 0, name
        assert f"a.md:{line}" in done.stderr and says in done.stderr, (name, done.stderr)
        assert not (root / "site" / "slides" / "a" / "index.html").exists()
