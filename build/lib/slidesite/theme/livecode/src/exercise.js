// An exercise cell (```python exercise): 「答え合わせ」, hints, 「答えを見る」 and the reader's
// progress. The build ships the check lines, their expected values and the solution in a
// <script class="livecode-exercise"> inside the cell; the comparison runs in the worker
// (livecode_check.py). DOM contract: root[data-kind=exercise], [data-action=check],
// root[data-result=pass|fail] after a check, [data-action=solution].
import { el, mark } from "./dom.js";
import { publish } from "./mirror.js";
import { ExerciseProgress, refreshProgress } from "./storage.js";

export const EXERCISE_LABELS = {
  check: "答え合わせ",
  hint: "ヒント",
  solution: "答えを見る",
  load: "エディタに読み込む",
};

/** The exercise data the build put in the cell, removing it (and the no-JS answer box) from the page. */
export function readExercise(holder) {
  const script = holder && holder.querySelector(":scope > script.livecode-exercise");
  if (!script) return null;
  let data = null;
  try {
    data = JSON.parse(script.textContent);
  } catch {
    console.warn("livecode: bad exercise JSON");
  }
  script.remove();
  const box = holder.querySelector(":scope > .livecode-solution-static");
  if (box) box.remove();
  return data;
}

export class ExerciseUI {
  constructor(cell, data, bar) {
    this.cell = cell;
    this.data = data;
    this.progress = new ExerciseProgress(data.id);
    this.hintsShown = 0;
    const root = cell.root;
    root.dataset.kind = "exercise";
    const button = (action, label) =>
      el("button", { type: "button", "data-action": action, class: `livecode-btn livecode-ex-${action}` }, label);
    this.checkBtn = button("check", EXERCISE_LABELS.check);
    this.solutionBtn = button("solution", EXERCISE_LABELS.solution);
    bar.insertBefore(this.checkBtn, cell.stopBtn);
    if (data.hints.length) {
      this.hintBtn = button("hint", `${EXERCISE_LABELS.hint} (${data.hints.length})`);
      bar.insertBefore(this.hintBtn, cell.stopBtn);
    }
    bar.insertBefore(this.solutionBtn, cell.stopBtn);
    this.state = el("div", { class: "livecode-exercise-state", role: "status" });
    this.results = el("ul", { class: "livecode-checks", "aria-label": "答え合わせの結果" });
    this.results.hidden = true;
    this.hints = el("div", { class: "livecode-hints" });
    this.solution = el("div", { class: "livecode-solution" });
    this.solution.hidden = true;
    const pre = el("pre", { class: "livecode-solution-code" }, data.solution.replace(/\n$/, ""));
    this.solution.append(el("div", { class: "livecode-solution-title" }, "答え"), pre,
      button("load-solution", EXERCISE_LABELS.load));
    root.append(this.state, this.results, this.hints, this.solution);
    this.showProgress();
  }

  showProgress() {
    const { passed, tries } = this.progress.load();
    const root = this.cell.root;
    root.dataset.progress = passed ? "passed" : tries ? "tried" : "new";
    // The build names every exercise: its slide's or section's title (「演習3-3」), else 演習 N.
    const n = `「${this.data.label}」`;
    if (passed) {
      this.state.replaceChildren(mark(true), ` ${n}正解済み（答え合わせ ${tries} 回）`);
    } else {
      this.state.textContent = tries
        ? `${n}まだ正解していません（答え合わせ ${tries} 回）`
        : `${n}コードを書き換えて「${EXERCISE_LABELS.check}」を押してください`;
    }
  }

  onAction(action) {
    if (action === "check") this.check();
    else if (action === "hint") this.hint();
    else if (action === "solution") this.reveal();
    else if (action === "load-solution") this.load();
    else return false;
    return true;
  }

  check() {
    const cell = this.cell;
    if (cell.state === "loading" || cell.state === "running") return;
    if (!this.data.expected) {
      this.render([{ line: "", ok: false, message: "ビルド時の期待値がないため、答え合わせできません。" }]);
      return;
    }
    this.progress.tried();
    this.showProgress();
    delete cell.root.dataset.result;
    this.results.hidden = true;
    cell.run({ lines: this.data.checks, expected: this.data.expected });
  }

  // The worker's comparison: one ✔/✘ line per check line.
  checked(results) {
    const passed = results.length > 0 && results.every((r) => r.ok);
    this.cell.solvedHere = passed;
    if (passed) this.progress.passed();
    this.render(results);
    this.showProgress();
    refreshProgress(document);
  }

  render(results) {
    publish(this.cell.index, "checked", { results });
    const passed = results.length > 0 && results.every((r) => r.ok);
    this.cell.root.dataset.result = passed ? "pass" : "fail";
    this.results.replaceChildren();
    for (const r of results) {
      const li = el("li", { class: r.ok ? "livecode-check-pass" : "livecode-check-fail" });
      li.append(mark(r.ok));
      if (r.line) li.append(" ", el("code", {}, r.line));
      li.append(" ", el("span", { class: "livecode-check-message" }, r.message));
      this.results.append(li);
    }
    const summary = passed ? "正解です！" : "まだ違うところがあります。";
    this.results.append(el("li", { class: "livecode-check-summary" }, summary));
    this.results.hidden = false;
  }

  hint() {
    if (this.hintsShown >= this.data.hints.length) return;
    this.showHint(this.hintsShown);
    publish(this.cell.index, "hint", { n: this.hintsShown });
  }

  showHint(n) {
    if (n < this.hintsShown) return;
    this.hintsShown = n + 1;
    this.hints.append(el("pre", { class: "livecode-hint" }, `ヒント ${n + 1}: ${this.data.hints[n].trim()}`));
    if (this.hintBtn) this.hintBtn.disabled = this.hintsShown >= this.data.hints.length;
  }

  // Before the first check the reader confirms: seeing the answer first spoils the exercise.
  reveal(confirmed = false) {
    const { tries } = this.progress.load();
    if (!confirmed && !tries && !window.confirm("まだ答え合わせをしていません。答えを見ますか？")) return;
    this.showSolution();
    publish(this.cell.index, "solution");
  }

  showSolution() {
    this.solution.hidden = false;
    this.cell.root.dataset.solution = "shown";
    this.solutionBtn.disabled = true;
  }

  load() {
    this.cell.editor.code = this.data.solution.replace(/\n$/, "");
    this.cell.save(this.cell.code);
  }

  // Audience window: what the presenter's copy of this exercise did.
  mirror(msg) {
    if (msg.type === "checked") this.render(msg.results);
    else if (msg.type === "solution") this.showSolution();
    else if (msg.type === "hint") this.showHint(msg.n);
    else return false;
    return true;
  }
}
