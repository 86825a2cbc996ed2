"""Exercises in the browser, on a small project built by the real pipeline: a deck (slides and
textbook page) and a hand-written page, each with one exercise and a later cell that uses it.

Every request that leaves 127.0.0.1 is aborted and fails the test (see conftest.py).
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.support import REPO
from tests.support.project import F_PRIME_EXERCISE, MINIMAL_MKDOCS, deck, make_project
from tests.support.server import static_server

from .helpers import screenshot

GUIDE = REPO / "docs" / "guide" / "livecode.md"
LOAD = 240_000  # ms: Pyodide start on a loaded 2-core machine
pytestmark = pytest.mark.browser

EXERCISE = F_PRIME_EXERCISE

LATER = """\
```python run
print("傾き:", f_prime(2.0))
```
"""

DECK = f"""\
# 微分の演習

---

<!-- _header: 演習 -->

{EXERCISE}
---

<!-- _header: あとのセル -->

{LATER}"""


# A check that calls a helper from the cell above: fails with NameError until that cell has run.
STEPS = """\
# 反復

```python run
def step(f, x):
    return x - 0.1 * f(x)
```

## 一歩ずつ

""" + F_PRIME_EXERCISE.replace("f_prime(-1.5)\n", "f_prime(-1.5)\nstep(f_prime, 1.0)\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    root = make_project(tmp_path_factory.mktemp("ex") / "p", {"a.md": deck(DECK, title="微分の演習", lecture=1)},
                        mkdocs=MINIMAL_MKDOCS.replace("  - slidesite:\n      pyodide: cdn\n", "  - slidesite\n"))
    (root / "docs" / "note.md").write_text(f"# ノート\n\n{EXERCISE}\n{LATER}", encoding="utf-8")
    (root / "docs" / "steps.md").write_text(STEPS, encoding="utf-8")
    # The guide's own example, as the real site builds it.
    (root / "docs" / "guide").mkdir()
    (root / "docs" / "guide" / "livecode.md").write_text(GUIDE.read_text(encoding="utf-8"), encoding="utf-8")
    done = subprocess.run([sys.executable, "-m", "slidesite.build", "--config", str(root / "mkdocs.yml")],
                          cwd=root, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stderr
    with static_server(root / "site") as server:
        yield server.url


def ex(page: Page) -> Locator:
    return page.locator('.livecode[data-kind="exercise"]').first


def set_code(page: Page, code: str) -> None:
    ex(page).locator(".cm-content").click()
    page.keyboard.press("Control+a")
    page.keyboard.type(code)


def check(page: Page) -> str:
    """Click 「答え合わせ」 and wait for the verdict; return data-result."""
    root = ex(page)
    root.locator('[data-action="check"]').click()
    page.wait_for_function(
        "() => document.querySelector('.livecode[data-kind=exercise]').dataset.result", timeout=LOAD)
    return str(root.get_attribute("data-result"))


def test_starter_fails_wrong_fails_a_different_correct_answer_passes_and_progress_stays(site: str, page: Page) -> None:
    page.on("dialog", lambda d: d.accept())
    page.goto(site + "/lectures/a/")
    page.wait_for_selector('.livecode[data-kind="exercise"]')
    progress = page.locator(".livecode-exercise-progress")
    expect(progress).to_have_text("演習: 0 / 1 問 正解")
    root = ex(page)
    # The solution is not on the page until asked for.
    assert not root.locator(".livecode-solution").is_visible()
    assert not page.get_by_text("return 2 * x").first.is_visible()
    # The starter code fails.
    assert check(page) == "fail"
    results = root.locator(".livecode-checks").inner_text()
    assert "✘ f_prime(3.0) 値が違います: あなたの値は 0" in results
    # ✘ stays text but is drawn from the site's own picture: no font has to have the glyph.
    mark = root.locator(".livecode-checks .livecode-mark").first
    style = mark.evaluate("m => [getComputedStyle(m).webkitMaskImage, getComputedStyle(m).color]")
    assert mark.inner_text() == "✘" and "data:image/svg+xml" in style[0] and style[1] == "rgba(0, 0, 0, 0)"
    # A wrong answer fails with a message naming the reader's value.
    set_code(page, "def f_prime(x): return x ** 2")
    page.evaluate("document.querySelector('.livecode[data-kind=exercise]').removeAttribute('data-result')")
    assert check(page) == "fail"
    results = root.locator(".livecode-checks").inner_text()
    assert "値が違います: あなたの値は 9.0" in results and "まだ違うところがあります" in results
    # A correct answer written differently from the solution passes.
    set_code(page, "def f_prime(x): return x + x")
    assert check(page) == "pass"
    assert root.locator(".livecode-checks").inner_text().count("✔") == 2
    expect(progress).to_have_text("演習: 1 / 1 問 正解")
    # The solution: hidden, then revealed (and loadable into the editor).
    root.locator('[data-action="solution"]').click()
    assert root.locator(".livecode-solution").is_visible()
    assert "return 2 * x" in root.locator(".livecode-solution").inner_text()
    screenshot(page, "exercise-page")
    # Progress survives a reload, here and on the 「演習」 page.
    page.reload()
    expect(page.locator(".livecode-exercise-progress")).to_have_text("演習: 1 / 1 問 正解")
    expect(ex(page)).to_have_attribute("data-progress", "passed")
    assert "正解済み（答え合わせ 3 回）" in ex(page).locator(".livecode-exercise-state").inner_text()
    page.goto(site + "/exercises/")
    rows = page.locator("table tr")
    expect(rows.filter(has_text="微分の演習")).to_contain_text("✔ 正解（3 回）")
    expect(rows.filter(has_text="ノート")).to_contain_text("未挑戦")
    page.locator("a", has_text="ノート — 演習 1").click()
    page.wait_for_url("**/note/#exercise-1")


def test_a_later_cell_runs_the_solution_behind_the_scenes_and_says_so(site: str, page: Page) -> None:
    page.goto(site + "/note/")
    later = page.locator('.livecode:not([data-kind="exercise"])').last
    later.locator('[data-action="run"]').click()
    page.wait_for_function(
        "() => [...document.querySelectorAll('.livecode')].pop().dataset.state === 'done'", timeout=LOAD)
    out = later.locator(".livecode-output").inner_text()
    assert "「演習 1」がまだ解けていないため、その模範解答を裏で実行してから" in out
    assert "傾き: 4.0" in out
    # Before any check, 「答えを見る」 asks first: dismissed, the solution stays hidden; accepted, it shows.
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    ex(page).locator('[data-action="solution"]').click()
    assert asked == ["まだ答え合わせをしていません。答えを見ますか？"]
    assert not ex(page).locator(".livecode-solution").is_visible()
    page.once("dialog", lambda d: d.accept())
    ex(page).locator('[data-action="solution"]').click()
    expect(ex(page).locator(".livecode-solution")).to_be_visible()
    ex(page).locator('[data-action="load-solution"]').click()
    assert "return 2 * x" in ex(page).locator(".cm-content").inner_text()


def test_exercise_on_a_slide_checks_and_reveals_the_solution(site: str, page: Page) -> None:
    page.goto(site + "/slides/a/#2")
    page.wait_for_selector('.livecode[data-kind="exercise"]')
    slide = page.locator("svg.bespoke-marp-active")
    root = slide.locator('.livecode[data-kind="exercise"]')
    assert check(page) == "fail"
    root.locator('[data-action="hint"]').click()
    assert "ヒント 1: x² を x で微分すると？" in root.locator(".livecode-hints").inner_text()
    assert not root.locator(".livecode-solution").is_visible()
    root.locator('[data-action="solution"]').click()  # after a check: no confirmation
    assert root.locator(".livecode-solution").is_visible()
    screenshot(page, "exercise-slide")


def test_presenter_view_mirrors_checks_and_solution(site: str, page: Page) -> None:
    audience = page.context.new_page()
    audience.goto(site + "/slides/a/#2")
    audience.wait_for_selector('.livecode[data-kind="exercise"]')
    page.goto(site + "/slides/a/?view=presenter#2")
    page.wait_for_selector('[class*=presenter-container] .livecode[data-kind="exercise"]')
    assert check(page) == "fail"
    audience.wait_for_function("() => document.querySelector('.livecode[data-kind=exercise]').dataset.result === 'fail'",
                               timeout=5000)
    ex(page).locator('[data-action="solution"]').click()
    audience.wait_for_function(
        "() => document.querySelector('.livecode[data-kind=exercise]').dataset.solution === 'shown'", timeout=5000)
    # The projector shows the presenter's verdict line by line (it may preload Python when idle, but runs nothing).
    checks = ".livecode[data-kind=exercise] .livecode-checks"
    assert audience.locator(checks).inner_text() == page.locator(checks).inner_text()
    assert "✘" in audience.locator(checks).inner_text()
    audience.close()


def test_the_guides_example_works(site: str, page: Page) -> None:
    page.goto(site + "/guide/livecode/")
    page.wait_for_selector('.livecode[data-kind="exercise"]')
    assert check(page) == "fail"
    set_code(page, "def square_sum(values): return sum(v ** 2 for v in values)")
    assert check(page) == "pass"
    expect(page.locator(".livecode-exercise-progress")).to_have_text("演習: 1 / 1 問 正解")


def test_a_check_that_needs_an_unrun_cell_above_offers_to_run_it_first(site: str, page: Page) -> None:
    page.goto(site + "/steps/")
    page.wait_for_selector('.livecode[data-kind="exercise"]')
    expect(ex(page).locator(".livecode-exercise-state")).to_contain_text("「一歩ずつ」")  # named by its section
    set_code(page, "def f_prime(x): return x * 2")
    assert check(page) == "fail"
    assert "NameError" in ex(page).locator(".livecode-checks").inner_text()
    offer = ex(page).locator('[data-action="check-above-first"]')
    expect(offer).to_have_text("上のセルを実行してから答え合わせ")
    page.evaluate("document.querySelector('.livecode[data-kind=exercise]').removeAttribute('data-result')")
    offer.click()
    page.wait_for_function(
        "() => document.querySelector('.livecode[data-kind=exercise]').dataset.result", timeout=LOAD)
    assert ex(page).get_attribute("data-result") == "pass"
