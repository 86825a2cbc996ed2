"""Torture decks: Marp Markdown that a second Markdown dialect would read differently.

Used by tests/test_textbook.py (page HTML) and tests/browser/test_textbook_pages.py (what a reader sees).
"""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

from tests.support.project import REPO, make_project, run_build

LECTURE_1 = """\
---
marp: true
theme: honwaka
---

<!-- _class: lead -->

# **機械学習講習会**

## [1] 「学習」

2026/04/17

---

<!-- _header: 閉じすぎ </div> -->

本文の前</div></div>

</section>

閉じタグのあと

---

<!-- _header: 開いたまま -->

<div class="box">

**開いたままの箱**

<span class="red">赤いまま

---

<!-- _header: 入れ子のリスト -->

- 親 A
  - 子 A1（2 字下げ）
    - 孫 A1a
- 親 B
    - 子 B1（4 字下げ）
- 親 C

1. 一
   1. 一の一

---

<!-- _header: 改行 -->

一行目
二行目
三行目

A<br>B<br><br>C

---

<!-- _header: 中に Markdown -->

<div class="def">

**定義** $f(x) = x^2$ と *強調*

</div>

<span class="dot-text">**偏**</span>微分と <span class="red">赤</span>

---

<!-- _header: 表 -->

| 記号 | 意味 |
|---|---|
| $x$ | 入力 |
| $y$ | 出力 |
| `w` | 重み |

---

<!-- _header: 揃えた式 -->

$$
\\begin{align}
L(w) &= \\sum_i (y_i - w x_i)^2 \\\\
     &= \\text{損失}
\\end{align}
$$

---

<!-- _header: 脚注 -->

本文[^1]

[^1]: 脚注 の 中身（空白があると Marp ではリンク定義にならない）

---

<!-- _header: 絵文字 ✅ -->

確認 ✅ 見る 👀 指す 👉 :smile:

<!-- 絵文字のノート 👀 -->

---

<!-- _class: columns -->
<!-- _header: 二段組 -->

<div>

左の段

</div>
<div>

右の段

</div>

---

<!-- _header: 背景画像 -->

![bg right:40%](img/pic.png)
![w:320](img/pic.png)

本文は左

---

<!-- _header: 日本語のコード -->

```python
# 日本語のコメント
print("こんにちは")
```

```python run
# セルの中の日本語
x = "あいう"
```
"""

LECTURE_2 = """\
---
marp: true
theme: honwaka
headingDivider: 3
---

<!-- _class: lead -->

# **機械学習講習会**

## [2] 「勾配」

### 小節その一

本文一

### 小節その二

本文二
"""

EXTRA = """\
---
marp: true
---

# `コード` と [リンク](https://example.org) の _題_

本文
"""

DECKS = {
    "course/ch01/lecture.md": LECTURE_1,
    "course/ch02/lecture.md": LECTURE_2,
    "extra.md": EXTRA,
}

# Slide numbers of LECTURE_1 by name, as in the deck's URL hash.
SLIDE = {name: i for i, name in enumerate(
    ["lead", "stray", "unclosed", "lists", "breaks", "html", "table", "align", "footnote", "emoji",
     "columns", "bg", "code"], start=1)}


def png(width: int = 4, height: int = 3) -> bytes:
    """A tiny valid PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    raw = b"".join(b"\0" + b"\x46\x82\xb4" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


def site_mkdocs(pyodide: str = "http://127.0.0.1:9/pyodide/") -> str:
    """The repository's mkdocs.yml without its nav (the throwaway project has no such pages)."""
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    start, end = text.index("\nnav:\n"), text.index("\ntheme:\n")
    text = text[:start] + text[end:]
    # The throwaway project has no theme/ or scripts/ of its own to watch.
    text = text.replace("watch:\n  - slides\n  - theme\n  - scripts/slidesite\n", "watch:\n  - slides\n")
    return text.replace("pyodide: self-hosted", f"pyodide: {pyodide}")


def make_torture_project(root: Path) -> Path:
    project = make_project(root, DECKS, mkdocs=site_mkdocs())
    (project / "slides" / "course" / "ch01" / "img").mkdir()
    (project / "slides" / "course" / "ch01" / "img" / "pic.png").write_bytes(png())
    return project


def built_torture_site(folder: Path) -> Path:
    """Build the torture project in folder/p; return its site."""
    root = make_torture_project(folder / "p")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    return root / "site"
