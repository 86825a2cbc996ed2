"""Site CSS (theme/site/textbook.css) on a small MkDocs Material site, light and dark."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from slidesite.marp import themes
from slidesite.paths import SITE_CSS_DIR

from tests.support.server import OfflineGuard, StaticServer, offline_context, static_server

from .helpers import REPO, font_loaded, open_pages, slide_is_drawn, style

ROOT = REPO

MKDOCS_YML = """\
site_name: テーマ確認
theme:
  name: material
  language: ja
  font: false
  palette:
    - scheme: default
      toggle: {icon: material/brightness-7, name: ダークモードへ}
    - scheme: slate
      toggle: {icon: material/brightness-4, name: ライトモードへ}
extra_css:
  - assets/site/textbook.css
markdown_extensions:
  - admonition
  - attr_list
  - md_in_html
  - tables
  - pymdownx.details
  - pymdownx.superfences
"""

# The parts the build puts on a lecture page, as the lead's generator writes them.
PARTS_MD = """\
<div class="title-block" markdown="1">

<p class="subtitle" markdown>1.1 微分のおさらい</p>
<p class="subtitle" markdown>1.2 勾配降下法</p>

2026-04-17・機械学習講習会

</div>

<div class="deck-embed"><iframe src="about:blank" title="スライド: [1] 学習" allow="fullscreen"></iframe></div>

<div class="deck-actions">
<a class="md-button md-button--primary" href="#" data-action="present">発表モードで開く</a>
<a class="md-button" href="#" download>PDF</a>
<button type="button">全画面</button>
</div>

## 勾配降下法

<a class="slide-link" href="#3" title="スライド 3 を開く">スライド 3</a>

<div class="section" markdown="1">1.2 勾配降下法</div>

<div class="def" markdown="1">

**[最急降下法]** $x^{(k+1)} = x^{(k)} - \\alpha \\nabla f(x^{(k)})$ をくり返す。

</div>

![](../curve.svg){ .slide-image .center style="max-height: 150px" }

![](../curve.svg){ .slide-image .slide-bg }

<pre class="livecode-source"><code class="language-python">x = 3.0
for _ in range(100):
    x -= 0.1 * 2 * x
print(x)</code></pre>

<pre class="livecode-source">print("コードだけの pre")</pre>

??? note "スピーカーノート"

    ここで一度、質問を受け付ける。
"""

PAGES = ("themes", "parts")
SCHEMES = ("default", "slate")
BACKGROUND = {"default": "rgb(255, 255, 255)", "slate": "rgb(30, 33, 41)"}


def build_site(project: Path) -> Path:
    """A two-page Material site: docs/guide/themes.md and the lecture-page parts."""
    docs = project / "docs"
    (docs / "assets" / "site").mkdir(parents=True)
    shutil.copy(ROOT / "docs" / "guide" / "themes.md", docs / "themes.md")
    (docs / "parts.md").write_text(PARTS_MD, encoding="utf-8")
    shutil.copy(ROOT / "slides" / "img" / "gallery-honwaka" / "curve.svg", docs / "curve.svg")
    for css in SITE_CSS_DIR.glob("*.css"):
        shutil.copy(css, docs / "assets" / "site" / css.name)
    themes.install_fonts(docs, ROOT / "node_modules")
    (project / "mkdocs.yml").write_text(MKDOCS_YML, encoding="utf-8")
    subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(project / "mkdocs.yml")],
        check=True,
        capture_output=True,
    )
    return project / "site"


@pytest.fixture(scope="module")
def material_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StaticServer]:
    with static_server(build_site(tmp_path_factory.mktemp("mkdocs"))) as site:
        yield site


@pytest.fixture(scope="module")
def site_context(browser: Browser) -> Iterator[tuple[BrowserContext, OfflineGuard]]:
    """Every request outside 127.0.0.1 aborted (and failing at teardown); the local ones remembered."""
    with offline_context(browser, viewport={"width": 1100, "height": 900}) as guarded:
        yield guarded


@pytest.fixture(scope="module")
def site_pages(material_site: StaticServer, site_context: tuple[BrowserContext, OfflineGuard]) -> dict[str, Page]:
    return open_pages(site_context[0], {name: f"{material_site.url}/{name}/" for name in PAGES})


def _scheme(page: Page, scheme: str) -> None:
    page.evaluate("s => document.body.setAttribute('data-md-color-scheme', s)", scheme)


def test_no_request_leaves_the_machine(site_pages: dict[str, Page], site_context: tuple[BrowserContext, OfflineGuard]) -> None:
    assert site_pages
    assert site_context[1].blocked == []


def test_body_and_code_fonts_are_self_hosted(
    site_pages: dict[str, Page], site_context: tuple[BrowserContext, OfflineGuard]
) -> None:
    page = site_pages["themes"]
    assert style(page, "body", "font-family").startswith('"M PLUS 1p"')
    assert style(page, ".md-typeset code", "font-family").startswith('"JetBrains Mono"')
    assert font_loaded(page, "M PLUS 1p")
    assert any("/assets/fonts/m-plus-1p/" in url for url in site_context[1].local)


@pytest.mark.parametrize(
    ("scheme", "def_bg", "accent", "lc_bg"),
    [
        ("default", "rgb(224, 242, 241)", "rgb(59, 111, 154)", "#fff"),  # #3b6f9a: honwaka's blue at 4.5 : 1 on the page
        ("slate", "rgba(77, 182, 172, 0.16)", "rgb(127, 179, 221)", "hsla"),
    ],
)
def test_boxes_follow_the_colour_scheme(site_pages: dict[str, Page], scheme: str, def_bg: str, accent: str, lc_bg: str) -> None:
    page = site_pages["themes"]
    _scheme(page, scheme)
    assert style(page, ".md-typeset .def", "background-color") == def_bg
    assert style(page, ".md-typeset .section", "color") == accent
    assert style(page, ".md-typeset .def", "border-top-left-radius") != "0px"
    assert style(page, "body", "--lc-bg").strip().startswith(lc_bg)
    assert style(page, ".md-typeset .section", "position") == "static"
    assert style(page, ".empty-table td", "border-top-style") == "none"
    assert style(page, ".empty-table td", "background-color") == "rgba(0, 0, 0, 0)"
    _scheme(page, "default")


def test_lecture_page_parts(site_pages: dict[str, Page]) -> None:
    page = site_pages["parts"]
    box = page.eval_on_selector(".deck-embed", "e => e.getBoundingClientRect().toJSON()")
    assert abs(box["height"] / box["width"] - 9 / 16) < 0.01
    frame = page.eval_on_selector(".deck-embed iframe", "e => e.getBoundingClientRect().toJSON()")
    assert (frame["width"], frame["height"]) == (box["width"] - 2, box["height"] - 2)  # inside the 1px border
    assert style(page, ".deck-actions", "display") == "flex"
    assert style(page, "details.note", "font-size") != style(page, ".md-typeset", "font-size")
    assert style(page, "p:has(> .slide-link)", "text-align") == "right"
    assert style(page, "img.slide-image", "max-width") == "100%"
    image = page.eval_on_selector("img.slide-image", "e => [e.naturalWidth, e.getBoundingClientRect().toJSON()]")
    assert image[0] > 0 and image[1]["height"] == 150  # ![h:200](…) becomes max-height: 150px
    assert image[1]["width"] == pytest.approx(150 * 640 / 400, abs=1)  # aspect ratio kept
    assert style(page, "pre.livecode-source", "font-family").startswith('"JetBrains Mono"')
    sizes = page.eval_on_selector_all(
        "pre.livecode-source", "els => els.map(e => getComputedStyle(e.querySelector('code') || e).fontSize)"
    )
    assert len(set(sizes)) == 1, sizes  # same text size with or without an inner <code>
    assert style(page, "pre.livecode-source:not(:has(> code))", "padding-left") != "0px"


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("name", PAGES)
def test_pages_draw_in_both_schemes(site_pages: dict[str, Page], name: str, scheme: str) -> None:
    """The scheme reaches the page, and its screenshot (kept in tests/artifacts/ for a person) is not blank."""
    page = site_pages[name]
    _scheme(page, scheme)
    assert style(page, "body", "background-color") == BACKGROUND[scheme]
    assert slide_is_drawn(page, f"site-{name}-{scheme}")
    _scheme(page, "default")
