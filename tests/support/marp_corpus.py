"""A torture corpus of Marp features: every directive and image keyword of Marp's documentation.

One deck per feature (FEATURES: deck name → what it exercises). Each deck must build, its slides
must be what plain marp-cli renders for the same Markdown, and its textbook page must show the
same content. Used by tests/test_marp_corpus.py (HTML) and tests/browser/test_marp_corpus.py (what a
reader sees: contrast in both schemes, KaTeX, screenshots).
"""

from __future__ import annotations

import subprocess
from pathlib import Path

from tests.support.project import REPO, make_project, run_build
from tests.support.torture_decks import png, site_mkdocs

FEATURES: dict[str, str] = {}


def _deck(name: str, feature: str, text: str) -> None:
    FEATURES[name] = feature
    DECKS[f"{name}.md"] = text


DECKS: dict[str, str] = {}

_deck("heading-pictures", "pictures, emoji, math, inline HTML and fit in headings", r"""---
marp: true
---

# **見出し** の <em>いろいろ</em>

## ![h:60](img/icon.png) Python を使います

本文一

---

## :rocket: 絵文字 ✅ と $e^{i\pi}+1=0$

本文二

---

# <!-- fit --> とても長い見出しを一行に収める

本文三

---

## <span style="color:#eeeeee">白っぽい</span> <span class="red">赤</span> と `コード`

### 小見出しにも ![w:40](img/icon.png) 絵

本文四

---

## ![h:80](img/icon.png)

絵だけの見出し

### ![w:40](img/pic.png)

絵だけの小見出し
""")

_deck("divider-number", "headingDivider as a number", """---
marp: true
headingDivider: 2
---

# 一章

前書き

## 一節

本文 A

### 一項（分けない）

本文 B

## 二節

本文 C
""")

_deck("divider-list", "headingDivider as a list", """---
marp: true
headingDivider: [1, 3]
---

# 第一部

## 分けない二段目

本文 A

### 三段目で分ける

本文 B

# 第二部

本文 C
""")

_deck("header-footer", "header and footer with Markdown and HTML", """---
marp: true
header: '**太字の** ヘッダ [リンク](https://example.org/)'
footer: '<span class="gray">HTML の</span> フッター'
---

# 見出しのある頁

本文 A

---

本文だけの頁

---

<!-- _header: 一枚だけの *ヘッダ* -->
<!-- _footer: 一枚だけの <b>フッター</b> -->

本文 C
""")

_deck("classes", "_class with several classes, lead and invert", """---
marp: true
---

# 始まり

本文 A

---

<!-- _class: lead invert -->

# 反転した中央寄せ

本文 B

---

<!-- _class: columns box -->

<div>

左

</div>
<div>

右

</div>
""")

_deck("colors", "backgroundColor, backgroundImage, color directives and inline colours", """---
marp: true
backgroundColor: '#202030'
color: '#fafafa'
---

# 暗い背景

<a style="color:#eeeeee">淡い文字の作者名</a> と <span style="color: yellow">黄色</span>

<font color="#ffff66">font 要素</font>

---

<!-- _backgroundColor: white -->
<!-- _color: navy -->
<!-- _backgroundImage: "linear-gradient(to bottom, #67b8e3, #0288d1)" -->

# 明るい背景とグラデーション

<span style="background:#333333;color:#f0f0f0">暗い帯の文字</span> と <span style="background-color: #ffffcc">淡い黄色の帯</span>

<span style="color: rgba(0, 0, 139, 0.9)">濃い青</span> と <span style="color:hsl(220, 90%, 85%)">淡い青</span>
""")

_deck("scoped-style", "<style scoped> and <style>", """---
marp: true
---

<style>
section { letter-spacing: 0.02em; }
</style>

# 全体のスタイル

本文 A

---

<style scoped>
h1 { color: #c62828; }
p { font-size: 40px; }
</style>

# この頁だけ赤い見出し

本文 B
""")

_deck("size-4x3", "size: 4:3", """---
marp: true
size: 4:3
---

# 4:3 の頁

![w:480](img/pic.png)
""")

_deck("theme-default", "built-in theme default", """---
marp: true
theme: default
---

# default テーマ

- 一
- 二

---

<!-- _class: invert -->

# 反転

本文
""")

_deck("theme-gaia", "built-in theme gaia", """---
marp: true
theme: gaia
---

<!-- _class: lead -->

# gaia テーマ

副題

---

<!-- _class: gaia -->

# gaia 色

本文
""")

_deck("theme-uncover", "built-in theme uncover", """---
marp: true
theme: uncover
---

# <!-- fit --> uncover テーマ

本文

---

<!-- _class: invert -->

# 反転

本文
""")

_deck("image-filters", "image filters sepia, blur, grayscale and friends", """---
marp: true
---

# 画像フィルター

![sepia w:200](img/pic.png)
![blur:4px w:200](img/pic.png)
![grayscale brightness:1.5 w:200](img/pic.png)
![hue-rotate:90deg drop-shadow w:200](img/pic.png)

---

# 背景にもフィルター

![bg sepia](img/pic.png)
![bg blur:8px grayscale](img/icon.png)
""")

_deck("backgrounds", "several bg images, vertical, left:30%, contain and cover", """---
marp: true
---

# 複数の背景

![bg](img/pic.png)
![bg](img/icon.png)

---

# 縦に並べる

![bg vertical](img/pic.png)
![bg](img/icon.png)
![bg](img/pic.png)

---

# 左に 30%

![bg left:30%](img/pic.png)

右の本文

---

# 収める

![bg contain](img/pic.png)

---

# 覆う

![bg cover](img/icon.png)

---

# 大きさと位置

![bg 50% right](img/pic.png)
""")

_deck("emoji", "emoji shortcodes and Unicode emoji", """---
marp: true
---

# 絵文字 :tada:

:smile: :+1: :rocket: :warning: と 🍣 👨‍👩‍👧 ✔️

<!-- ノートにも 🎉 -->
""")

_deck("svg-media", "inline SVG, <video> and <iframe>", """---
marp: true
---

# インライン SVG

<svg width="200" height="80" viewBox="0 0 200 80" xmlns="http://www.w3.org/2000/svg">
  <rect x="2" y="2" width="196" height="76" rx="10" fill="#e3f2fd" stroke="#1565c0" stroke-width="3"/>
  <text x="100" y="50" text-anchor="middle" font-size="28" fill="#0d47a1">SVG の文字</text>
</svg>

---

# 動画と埋め込み

<video src="media/clip.webm" width="320" controls muted></video>

<iframe src="media/embed.html" width="320" height="120" title="埋め込み"></iframe>
""")

_deck("katex", "math: katex, inline, display and in headings", r"""---
marp: true
math: katex
---

# KaTeX の式 $e^{i\pi}+1=0$

インライン $f(x) = x^2$ と

$$
\int_0^1 x^2\,dx = \frac{1}{3}
$$

---

## 和の記号 $\sum_{i=1}^n i$

$$
\sum_{i=1}^{n} i = \frac{n(n+1)}{2}
$$
""")

_deck("dark-title", "01dracula title slide with colours meant for a dark slide", """---
marp: true
theme: 01dracula
---

<!-- _class: lead -->

# **暗いテーマの表紙**

<a style="color:#eeeeee">発表者の名前</a>

---

# 本文の頁

<span style="color:#f8f8f2">淡い文字</span> と <span style="color:#50fa7b">緑</span>
""")

EMBED_HTML = "<!doctype html><title>埋め込み</title><p>埋め込まれた頁</p>\n"


def make_corpus_project(root: Path) -> Path:
    project = make_project(root, DECKS, mkdocs=site_mkdocs())
    img = project / "slides" / "img"
    img.mkdir()
    (img / "pic.png").write_bytes(png(40, 30))
    (img / "icon.png").write_bytes(png(8, 8))
    media = project / "slides" / "media"
    media.mkdir()
    (media / "clip.webm").write_bytes(b"\x1a\x45\xdf\xa3")  # an (empty) WebM header: a file to link to
    (media / "embed.html").write_text(EMBED_HTML, encoding="utf-8")
    return project


def built_corpus_site(folder: Path) -> Path:
    """Build the corpus in folder/p; return its site."""
    root = make_corpus_project(folder / "p")
    done = run_build(root)
    assert done.returncode == 0, done.stderr
    assert not done.stderr.strip(), done.stderr  # a clean build is a quiet build
    return root / "site"


def plain_marp(project: Path, out: Path) -> Path:
    """Every corpus deck rendered by plain marp-cli (no config of ours), with the site's own themes."""
    themes = [REPO / "theme" / "honwaka.css", REPO / "theme" / "01dracula.css"]
    done = subprocess.run(
        [str(REPO / "node_modules" / ".bin" / "marp"), "--no-stdin", "--html", "--theme-set", *map(str, themes),
         "--input-dir", str(project / "slides"), "--output", str(out)],
        capture_output=True, text=True, timeout=300,
    )
    assert done.returncode == 0, done.stderr
    return out
