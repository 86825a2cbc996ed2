// One live cell: turns a <pre class="livecode-source"> into an editor with Run / Stop /
// Reset / Copy and a page menu, shows its state (data-state) and status line, and
// forwards what it shows to the audience window (mirror.js).
import { BUILT_NOTE, BUILT_NOTE_TITLE, IS_NEXT_PREVIEW, LABELS, LIVE_ONLY_NOTE, STATE_TEXT } from "./config.js";
import { el } from "./dom.js";
import { createEditor } from "./editor.js";
import { ExerciseUI, readExercise } from "./exercise.js";
import { hintUnrunBeforeCheck, hintUnrunCells, unrunAbove } from "./hints.js";
import { publish } from "./mirror.js";
import { Output } from "./output.js";
import { Controls, readParams, withoutValues } from "./params.js";
import { runtime } from "./runtime.js";
import { EditStore } from "./storage.js";

// The cells of the current page, in order (set by page.js).
export let allCells = [];
export function setCells(cells) {
  allCells = cells;
}

// What the build put in .livecode-frozen: its status and the nodes of its output.
function readBuilt(frozen) {
  const output = frozen.querySelector(".livecode-output");
  return { status: frozen.dataset.status || "ok", nodes: output ? [...output.childNodes] : [] };
}

export class Cell {
  constructor(pre, index) {
    this.index = index;
    this.authorCode = pre.textContent.replace(/\n$/, "");
    const options = (pre.dataset.options || "").split(/\s+/).filter(Boolean);
    this.autorun = options.includes("autorun");
    this.expectError = options.includes("expect-error");
    const t = options.find((o) => o.startsWith("timeout="));
    this.timeout = t ? parseFloat(t.slice(8)) || null : null;
    this.store = new EditStore(index, this.authorCode);
    this.build(pre);
  }

  build(pre) {
    // The build wraps the code and its output in .livecode-cell (data-layout: below | side).
    const holder = pre.parentElement && pre.parentElement.classList.contains("livecode-cell") ? pre.parentElement : null;
    const frozen = holder ? holder.querySelector(":scope > .livecode-frozen") : null;
    const params = readParams(holder);
    this.built = frozen ? readBuilt(frozen) : null;
    if (frozen) frozen.remove();
    const exercise = readExercise(holder);
    const root = el("div", { class: "livecode", "data-state": "idle", "data-cell": String(this.index) });
    root.dataset.layout = (holder && holder.dataset.layout) || "below";
    if (holder) delete holder.dataset.layout; // the layout is the cell's own from now on
    if (this.expectError) root.classList.add("livecode-expect-error");
    const editorBox = el("div", { class: "livecode-editor" });
    const bar = el("div", { class: "livecode-toolbar", role: "toolbar", "aria-label": `セル ${this.index} の操作` });
    const button = (action, label, title) => {
      const b = el("button", { type: "button", "data-action": action, class: `livecode-btn livecode-${action}` }, label);
      if (title) b.title = title;
      return b;
    };
    this.runBtn = button("run", LABELS.run, "実行 (Shift+Enter / Ctrl+Enter)");
    this.stopBtn = button("stop", LABELS.stop, "実行を止める");
    this.resetBtn = button("reset", LABELS.reset, "このセルを作者のコードに戻す");
    const copyBtn = button("copy", LABELS.copy, "コードをクリップボードにコピー");
    const more = el("details", { class: "livecode-more" });
    const summary = el("summary", { title: "ページ全体の操作" }, "…");
    summary.setAttribute("aria-label", "ページ全体の操作");
    const menu = el("div", { class: "livecode-menu" });
    menu.append(
      button("restart", LABELS.restart, "Python を起動し直す（変数はすべて消えます）"),
      button("reset-all", LABELS.resetAll, "このページのすべてのセルを作者のコードに戻す"),
    );
    more.append(summary, menu);
    this.status = el("span", { class: "livecode-status", "aria-hidden": "true" });
    this.progressBar = el("progress", { class: "livecode-progress", max: "100" });
    this.progressBar.hidden = true;
    bar.append(this.runBtn, this.stopBtn, this.resetBtn, copyBtn, more, this.status, this.progressBar);
    this.output = el("div", {
      class: "livecode-output",
      role: "log",
      "aria-live": "polite",
      "aria-label": `セル ${this.index} の出力`,
      tabindex: "0",  // a long output scrolls: reachable (and scrollable) by keyboard
    });
    this.output.hidden = true;
    this.out = new Output(this.output, this.index, pre.dataset.alt);
    if (params) this.controls = new Controls(params, this.index, (name) => this.onParam(name), pre.dataset.alt);
    root.append(editorBox, ...(this.controls ? [this.controls.element] : []), bar, this.output);
    root.addEventListener("click", (e) => this.onClick(e));
    pre.replaceWith(root);
    this.root = root;
    if (exercise) {
      this.exercise = exercise;
      this.ex = new ExerciseUI(this, exercise, bar);
    }

    let saved = this.store.load();
    // An edit that only moved #@param values is not kept: the controls start at the author's values.
    if (this.controls && saved !== this.authorCode && !this.editedCode(saved)) {
      this.store.clear();
      saved = this.authorCode;
    }
    this.editor = createEditor(editorBox, saved, {
      label: `Python セル ${this.index}（Shift+Enter で実行、Esc のあと Tab で抜ける）`,
      onRun: () => this.run(),
      onChange: (text) => this.save(text),
    });
    this.updateEdited();
    this.scheme();
    followScheme(this);
    this.showBuilt();
    if (IS_NEXT_PREVIEW) this.runBtn.disabled = true;
    if (this.controls) this.controls.watch(root);
  }

  // Edited beyond the #@param values (what makes a control run the cell live).
  editedCode(text = this.code) {
    return this.controls ? withoutValues(text) !== withoutValues(this.authorCode) : text !== this.authorCode;
  }

  // Live when the reader changed the code, a number box moved, or the build has no states.
  get paramsLive() {
    const c = this.controls;
    return this.editedCode() || c.liveOnlyMoved || !c.statesUrl || this.state === "loading" || this.state === "running";
  }

  // A control moved: the code shows the value; the output is the precomputed state, or a live run.
  onParam(name) {
    publish(this.index, "param", { name, value: this.controls.values[name] });
    this.editor.code = this.controls.apply(this.code);
    if (this.paramsLive) this.scheduleRun();
    else this.showState();
  }

  scheduleRun() {
    clearTimeout(this.paramTimer);
    this.paramTimer = setTimeout(() => {
      if (this.state === "loading" || this.state === "running") this.pendingRun = true; // the latest value wins
      else this.run();
    }, 250);
  }

  async showState() {
    const token = (this.stateToken = (this.stateToken || 0) + 1);
    let nodes = null;
    try {
      nodes = await this.controls.nodes();
    } catch {
      nodes = null;
    }
    if (token !== this.stateToken || this.paramsLive) return;
    if (!nodes) {
      if (this.controls.atDefault) this.showBuilt();
      else this.run(); // the state data could not be loaded: compute it here
      return;
    }
    this.out.clear();
    this.out.adopt(nodes);
    this.out.note(BUILT_NOTE, BUILT_NOTE_TITLE);
    this.root.dataset.output = "build";
    this.root.classList.remove("livecode-stale");
    this.setState("idle");
  }

  /** Whether the build computed this cell's output (a live-only cell has none). */
  get hasBuiltOutput() {
    return !!this.built && this.built.status !== "live-only";
  }

  // The output computed at build (data-output="build"), quietly marked as such; a live-only
  // cell says it has none (data-output="none"). A Run replaces it, Reset brings it back.
  showBuilt() {
    this.out.clear();
    if (!this.hasBuiltOutput) {
      this.root.dataset.output = "none";
      if (this.built) this.out.append("notice", LIVE_ONLY_NOTE);
      return;
    }
    this.root.dataset.output = "build";
    if (this.built.nodes.length) {
      this.out.adopt(this.built.nodes.map((node) => node.cloneNode(true)));
      this.out.note(BUILT_NOTE, BUILT_NOTE_TITLE);
    }
  }

  // Light or dark token colours, from the background the theme gives the cell.
  scheme() {
    if (!this.root.isConnected) return;
    const bg = getComputedStyle(this.root).backgroundColor;
    const m = bg.match(/\d+(\.\d+)?/g);
    if (!m || (m.length > 3 && parseFloat(m[3]) === 0)) return;
    const [r, g, b] = m.map(Number);
    this.root.dataset.scheme = 0.299 * r + 0.587 * g + 0.114 * b < 128 ? "dark" : "light";
  }

  get code() {
    return this.editor.code;
  }

  save(text) {
    publish(this.index, "code", { code: text });
    if (this.controls && !this.editedCode(text)) this.store.clear();
    else this.store.save(text);
    this.updateEdited(text);
  }

  updateEdited(text = this.code) {
    this.root.classList.toggle("livecode-edited", this.editedCode(text));
  }

  reset() {
    this.store.cancel();
    if (this.controls) {
      this.controls.reset();
      this.pendingRun = false;
      clearTimeout(this.paramTimer);
      publish(this.index, "params-reset");
    }
    this.editor.code = this.authorCode;
    this.store.clear();
    this.updateEdited();
    if (this.state === "loading" || this.state === "running") return;
    publish(this.index, "built");
    this.showBuilt();
    this.setState("idle");
  }

  onClick(e) {
    const btn = e.target.closest("[data-action]");
    if (!btn || !this.root.contains(btn)) return;
    if (this.ex && this.ex.onAction(btn.dataset.action)) return;
    switch (btn.dataset.action) {
      case "run":
        this.run();
        break;
      case "stop":
        this.pendingRun = false;
        runtime.stop(this);
        break;
      case "reset":
        this.reset();
        break;
      case "copy":
        this.copy(btn);
        break;
      case "restart":
        btn.closest("details").open = false;
        runtime.restart();
        break;
      case "reset-all":
        btn.closest("details").open = false;
        for (const cell of allCells) cell.reset();
        break;
      case "retry":
        runtime.status = "off";
        this.run();
        break;
      case "rerun-above":
        for (const cell of allCells) if (cell.index < this.index) cell.run();
        break;
      case "run-above-first":
        for (const cell of unrunAbove(this, allCells)) cell.run();
        this.run();
        break;
      case "check-above-first":
        for (const cell of unrunAbove(this, allCells)) cell.run();
        if (this.ex) this.ex.check();
        break;
    }
  }

  async copy(btn) {
    const text = this.code;
    try {
      await navigator.clipboard.writeText(text);
    } catch {
      const area = el("textarea");
      area.value = text;
      document.body.append(area);
      area.select();
      document.execCommand("copy");
      area.remove();
    }
    btn.textContent = "コピーしました";
    setTimeout(() => (btn.textContent = LABELS.copy), 1500);
  }

  // check: an exercise's {lines, expected}, compared after the run (see exercise.js).
  run(check = null) {
    if (IS_NEXT_PREVIEW) return;
    if (this.state === "loading" || this.state === "running") return;
    this.clearOutput();
    this.root.classList.remove("livecode-stale");
    this.setState("loading");
    if (!check) this.solvedHere = false; // a plain Run of an exercise: not known to pass any more
    if (this.controls) this.controls.given = JSON.stringify(this.controls.values); // what Python will have
    this.job = runtime.enqueue(this, check);
    this.showRuntime(runtime);
  }

  get state() {
    return this.root.dataset.state;
  }

  setState(state) {
    publish(this.index, "state", { state });
    this.root.dataset.state = state;
    this.setStatus(STATE_TEXT[state] || "");
    this.runBtn.disabled = state === "loading" || state === "running" || IS_NEXT_PREVIEW;
    this.stopBtn.disabled = !(state === "loading" || state === "running");
    if (state !== "loading") this.progressBar.hidden = true;
  }

  setStatus(text) {
    publish(this.index, "status", { text });
    this.status.textContent = text;
  }

  // Progress of the interpreter's start, shown on cells waiting for it.
  showRuntime(rt) {
    if (this.state !== "loading") return;
    if (rt.status === "loading") {
      this.setStatus(rt.progress.text || "Python を読み込み中…");
      this.progressBar.hidden = false;
      this.progressBar.value = Math.round(rt.progress.fraction * 100);
    } else if (rt.status === "ready") {
      this.progressBar.hidden = true;
      this.setStatus(rt.current && rt.current.cell !== this ? "順番待ち…" : "パッケージを準備中…");
    }
  }

  clearOutput() {
    publish(this.index, "clear");
    this.out.clear();
    this.root.dataset.output = "live";
  }

  append(kind, text) {
    publish(this.index, "out", { kind, text });
    this.out.append(kind, text);
  }

  addButton(action, label) {
    this.out.addButton(action, label);
  }

  checked(results) {
    if (!this.ex) return;
    this.ex.checked(results);
    hintUnrunBeforeCheck(this, allCells, results);
  }

  finish(status) {
    this.job = null;
    if (status === "cancelled") {
      this.setState("idle");
      return;
    }
    const state = status === "ok" ? "done" : status === "interrupted" ? "stopped" : "error";
    this.setState(state);
    if (this.pendingRun && status !== "interrupted") {
      this.pendingRun = false;
      this.run();
      return;
    }
    if (state === "error" && this.expectError) this.setStatus("想定どおりのエラー");
    if (state === "error" && !this.expectError) hintUnrunCells(this, allCells);
  }

  // Audience window: repeat what the presenter window's copy of this cell shows.
  mirror(msg) {
    if (this.ex && this.ex.mirror(msg)) return;
    if (msg.type === "code" && msg.code !== this.code) this.editor.code = msg.code;
    else if (msg.type === "state") this.setState(msg.state);
    else if (msg.type === "status") this.setStatus(msg.text);
    else if (msg.type === "clear") this.clearOutput();
    else if (msg.type === "built") this.showBuilt();
    else if (msg.type === "params-reset" && this.controls) this.controls.reset();
    else if (msg.type === "param" && this.controls) {
      this.controls.set(msg.name, msg.value);
      if (!this.paramsLive) this.showState();
    }
    else if (msg.type === "out") this.append(msg.kind, msg.text);
  }

  // This cell's code was running when the interpreter was terminated.
  restarted() {
    this.solvedHere = false;
    this.job = null;
    this.setState("stopped");
    this.append(
      "notice",
      "Python を再起動しました。これまでに実行したセルの変数や import はすべて消えています。\n",
    );
    if (allCells.some((c) => c.index < this.index)) this.addButton("rerun-above", LABELS.rerunAbove);
  }

  interpreterRestarted() {
    this.solvedHere = false;
    if (this.controls) this.controls.given = undefined;
    if (this.state === "done" || this.state === "error") this.root.classList.add("livecode-stale");
  }

  loadFailed(message) {
    this.job = null;
    this.clearOutput();
    this.setState("error");
    this.append("error", `${message}\n`);
    this.addButton("retry", LABELS.retry);
  }
}

// Material's palette toggle recolours the page without a reload: the cells on it pick their token
// colours again (one observer for every cell; cells gone with instant navigation are dropped).
const schemeFollowers = new Set();
let schemeObserver = null;

function followScheme(cell) {
  schemeFollowers.add(cell);
  if (schemeObserver || !document.body) return;
  schemeObserver = new MutationObserver(() => {
    for (const each of schemeFollowers) {
      if (each.root.isConnected) each.scheme();
      else schemeFollowers.delete(each);
    }
  });
  schemeObserver.observe(document.body, { attributes: true, attributeFilter: ["data-md-color-scheme"] });
}
