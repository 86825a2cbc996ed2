// Live Python cells: turns every <pre class="livecode-source"> into an editor with
// Run / Stop / Reset and runs the code in one Pyodide Web Worker per page (per visit
// with MkDocs Material's instant navigation). Output is only ever inserted as text
// or as <img> of PNG data: nothing a cell prints is parsed as HTML.
import { createEditor } from "./editor.js";
import { publish, subscribe } from "./mirror.js";

const DEFAULTS = {
  pyodideUrl: null, // null: self-hosted next to this bundle (../pyodide/)
  preload: "idle", // "idle": start Python when the page is idle; "run": only at the first Run
  idleDelay: 800, // ms after load before the idle preload starts
  timeout: 30, // seconds, per run; a cell's timeout=N overrides it
  maxLines: 1000,
  maxChars: 100000,
  loadTimeout: 120, // seconds before a load that never finishes is reported
};

const LABELS = {
  run: "▶ 実行",
  stop: "■ 停止",
  reset: "元に戻す",
  copy: "コピー",
  restart: "Python を再起動",
  resetAll: "すべてのセルを元に戻す",
  retry: "再試行",
  rerunAbove: "上のセルを再実行",
  runAboveFirst: "上のセルを実行してから再実行",
};

const STATE_TEXT = {
  idle: "",
  loading: "準備中…",
  running: "実行中…",
  done: "完了",
  error: "エラー",
  stopped: "停止しました",
};

function readConfig() {
  const meta = document.querySelector('meta[name="livecode-config"]');
  let fromMeta = {};
  if (meta) {
    try {
      fromMeta = JSON.parse(meta.content);
    } catch {
      console.warn("livecode: bad livecode-config meta");
    }
  }
  return { ...DEFAULTS, ...(window.LIVECODE_CONFIG || {}), ...fromMeta };
}

const config = readConfig();
// How long Python gets to answer a KeyboardInterrupt before its worker is terminated;
// generous because a loaded two-core machine can starve the worker thread for a while.
const STOP_GRACE_MS = 1500;
const ASSETS = new URL("./", import.meta.url);
const indexURL = new URL(config.pyodideUrl || "../pyodide/", ASSETS).href;
// Our own additions (CJK font, .pyc overlays, font cache) are on the site even with a CDN.
const extrasURL = new URL("../pyodide/livecode/", ASSETS).href;
const params = new URLSearchParams(location.search);
const IS_NEXT_PREVIEW = params.get("view") === "next"; // Marp presenter's next-slide iframe
const IN_IFRAME = window.self !== window.top;
const KEY_PREFIX = "livecode:v1:";

// FNV-1a, enough to notice that the author changed a cell.
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ---------------------------------------------------------------- the worker

class Runtime {
  constructor() {
    this.worker = null;
    this.status = "off"; // off | loading | ready | failed
    this.queue = [];
    this.current = null;
    this.nextId = 1;
    this.page = null; // {id, modules, moduleCode} of the page the worker's namespace belongs to
    this.sentPage = null;
    this.progress = { text: "", fraction: 0 };
    this.preloadCode = null;
    this.listeners = new Set();
    this.interrupt = null;
    this.starts = 0;
    this.loadTimer = null;
    this.error = null;
    this.timing = {}; // ms, for the benchmark: core start, last run's package load and exec
  }

  notify() {
    for (const fn of this.listeners) fn(this);
  }

  start(reason = "run") {
    if (this.status === "loading" || this.status === "ready") return;
    if (IS_NEXT_PREVIEW) return;
    if (typeof WebAssembly !== "object") {
      this.fail("このブラウザは WebAssembly に対応していないため、Python を実行できません。");
      return;
    }
    this.status = "loading";
    this.startedAt = performance.now();
    this.error = null;
    this.starts += 1;
    this.progress = { text: "Python を読み込み中…", fraction: 0.02 };
    window.__livecode.workerStarts = this.starts;
    let worker;
    try {
      worker = new Worker(new URL("./worker.js", import.meta.url), { type: "module", name: "livecode" });
    } catch (err) {
      this.fail(`Python のワーカーを起動できませんでした: ${err.message}`);
      return;
    }
    this.worker = worker;
    this.interrupt = window.crossOriginIsolated && typeof SharedArrayBuffer === "function"
      ? new Int32Array(new SharedArrayBuffer(4))
      : null;
    worker.onmessage = (e) => this.onMessage(worker, e.data);
    worker.onerror = (e) => {
      if (worker === this.worker && this.status === "loading") {
        e.preventDefault();
        this.fail(`Python のワーカーを読み込めませんでした (${e.message || "読み込みエラー"})`);
      }
    };
    const hints = this.page ? this.page.hints : [];
    worker.postMessage({
      type: "init",
      indexURL,
      extrasURL,
      hints,
      reason,
      interruptBuffer: this.interrupt ? this.interrupt.buffer : null,
    });
    clearTimeout(this.loadTimer);
    this.loadTimer = setTimeout(() => {
      if (this.worker === worker && this.status === "loading") {
        this.fail("Python の読み込みが時間内に終わりませんでした。ネットワークを確認して再試行してください。");
      }
    }, config.loadTimeout * 1000);
    this.notify();
  }

  fail(message) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.status = "failed";
    this.error = message;
    clearTimeout(this.loadTimer);
    const jobs = [this.current, ...this.queue].filter(Boolean);
    this.current = null;
    this.queue = [];
    for (const job of jobs) job.cell.loadFailed(message);
    this.notify();
  }

  onMessage(worker, msg) {
    if (worker !== this.worker) return; // a terminated worker's last words
    const job = this.current && msg.id === this.current.id ? this.current : null;
    switch (msg.type) {
      case "progress":
        this.progress = { text: msg.text, fraction: msg.fraction };
        this.notify();
        break;
      case "ready":
        this.status = "ready";
        Object.assign(this.timing, msg.timing, { startToReady: performance.now() - this.startedAt });
        clearTimeout(this.loadTimer);
        this.progress = { text: "", fraction: 1 };
        this.notify();
        if (this.preloadCode !== null && !this.queue.length) this.sendPreload();
        this.pump();
        break;
      case "fatal":
        this.fail(`Python を読み込めませんでした: ${msg.message}`);
        break;
      case "loading":
        if (job) job.cell.setStatus(msg.text);
        break;
      case "start":
        if (job) {
          job.cell.setState("running");
          const seconds = job.cell.timeout || config.timeout;
          job.timer = setTimeout(() => this.kill(job, "timeout", seconds), seconds * 1000);
        }
        break;
      case "out":
        if (job) job.cell.append(msg.kind, msg.text);
        break;
      case "done":
        if (job) {
          this.timing.lastRun = msg.timing;
          clearTimeout(job.timer);
          clearTimeout(job.killTimer);
          if (msg.error) job.cell.append("error", `${msg.error}\n`);
          job.cell.finish(msg.status);
          this.current = null;
          this.pump();
        }
        break;
      case "preloaded":
        this.preloaded = true;
        this.timing.preload = msg.timing;
        break;
    }
  }

  setPage(page) {
    this.page = page;
  }

  preload(code) {
    this.preloadCode = code;
    if (this.status === "ready") this.sendPreload();
    else this.start("idle");
  }

  sendPreload() {
    const code = this.preloadCode;
    this.preloadCode = null;
    if (code && /\b(numpy|matplotlib)\b/.test(code)) this.worker.postMessage({ type: "preload", code });
  }

  enqueue(cell) {
    const job = { id: this.nextId++, cell, page: this.page };
    this.queue.push(job);
    if (this.status === "off" || this.status === "failed") this.start("run");
    this.pump();
    return job;
  }

  dequeue(cell) {
    const before = this.queue.length;
    this.queue = this.queue.filter((j) => j.cell !== cell);
    return this.queue.length !== before;
  }

  async pump() {
    if (this.status !== "ready" || this.current || !this.queue.length) return;
    const job = this.queue.shift();
    this.current = job;
    const page = job.page;
    const modules = page ? await page.modules : [];
    if (this.current !== job) return; // stopped while the modules were fetched
    if (this.interrupt) Atomics.store(this.interrupt, 0, 0);
    this.worker.postMessage({
      type: "run",
      id: job.id,
      cell: job.cell.index,
      code: job.cell.code,
      page: page ? page.id : 0,
      modules,
      moduleCode: modules.map((m) => m.text).join("\n"),
      maxLines: config.maxLines,
      maxChars: config.maxChars,
    });
  }

  // Stop the running job: interrupt when the page is cross-origin isolated, otherwise
  // (or if Python does not react) terminate the worker and start a new one.
  stop(cell) {
    if (this.dequeue(cell)) {
      cell.finish("cancelled");
      return;
    }
    const job = this.current;
    if (!job || job.cell !== cell) return;
    this.kill(job, "stop");
  }

  kill(job, reason, seconds) {
    if (this.current !== job) return;
    job.reason = reason;
    if (reason === "timeout") job.cell.append("notice", `⏱ 時間制限 (${seconds} 秒) を超えたため停止しました。\n`);
    if (this.interrupt && !job.interrupted) {
      job.interrupted = true;
      Atomics.store(this.interrupt, 0, 2); // SIGINT: Python raises KeyboardInterrupt
      job.killTimer = setTimeout(() => this.restart(job), STOP_GRACE_MS);
      return;
    }
    this.restart(job);
  }

  // Terminate the worker and start a fresh interpreter; queued cells run there.
  restart(job = null) {
    if (this.worker) this.worker.terminate();
    this.worker = null;
    this.status = "off";
    this.sentPage = null;
    this.preloaded = false;
    clearTimeout(this.loadTimer);
    const current = this.current;
    this.current = null;
    if (current) {
      clearTimeout(current.timer);
      clearTimeout(current.killTimer);
      current.cell.restarted();
    }
    for (const cell of allCells) if (cell !== (current && current.cell)) cell.interpreterRestarted();
    this.start(job ? "restart" : "user-restart");
  }
}

const runtime = new Runtime();

// ---------------------------------------------------------------- the cells

let allCells = [];
let pageCounter = 0;

class Cell {
  constructor(pre, index) {
    this.index = index;
    this.authorCode = pre.textContent.replace(/\n$/, "");
    this.hash = hash(this.authorCode);
    const options = (pre.dataset.options || "").split(/\s+/).filter(Boolean);
    this.autorun = options.includes("autorun");
    this.expectError = options.includes("expect-error");
    const t = options.find((o) => o.startsWith("timeout="));
    this.timeout = t ? parseFloat(t.slice(8)) || null : null;
    this.storageKey = `${KEY_PREFIX}${location.pathname}#${index}`;
    this.build(pre);
  }

  build(pre) {
    const root = el("div", { class: "livecode", "data-state": "idle", "data-cell": String(this.index) });
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
    });
    this.output.hidden = true;
    root.append(editorBox, bar, this.output);
    root.addEventListener("click", (e) => this.onClick(e));
    pre.replaceWith(root);
    this.root = root;

    let code = this.authorCode;
    try {
      const saved = JSON.parse(localStorage.getItem(this.storageKey) || "null");
      if (saved && saved.hash === this.hash) code = saved.code;
      else if (saved) localStorage.removeItem(this.storageKey);
    } catch {
      /* storage unavailable: edits just do not persist */
    }
    this.editor = createEditor(editorBox, code, {
      label: `Python セル ${this.index}（Shift+Enter で実行、Esc のあと Tab で抜ける）`,
      onRun: () => this.run(),
      onChange: (text) => this.save(text),
    });
    this.updateEdited();
    this.scheme();
    if (IS_NEXT_PREVIEW) this.runBtn.disabled = true;
  }

  // Light or dark token colours, from the background the theme gives the cell.
  scheme() {
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
    clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => {
      try {
        if (text === this.authorCode) localStorage.removeItem(this.storageKey);
        else localStorage.setItem(this.storageKey, JSON.stringify({ hash: this.hash, code: text }));
      } catch {
        /* quota or privacy mode */
      }
    }, 200);
    this.updateEdited(text);
  }

  updateEdited(text = this.code) {
    this.root.classList.toggle("livecode-edited", text !== this.authorCode);
  }

  reset() {
    clearTimeout(this.saveTimer);
    this.editor.code = this.authorCode;
    clearTimeout(this.saveTimer);
    try {
      localStorage.removeItem(this.storageKey);
    } catch {
      /* ignore */
    }
    this.updateEdited();
  }

  onClick(e) {
    const btn = e.target.closest("[data-action]");
    if (!btn || !this.root.contains(btn)) return;
    switch (btn.dataset.action) {
      case "run":
        this.run();
        break;
      case "stop":
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
        for (const cell of this.unrunAbove()) cell.run();
        this.run();
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

  run() {
    if (IS_NEXT_PREVIEW) return;
    if (this.state === "loading" || this.state === "running") return;
    this.clearOutput();
    this.root.classList.remove("livecode-stale");
    this.setState("loading");
    this.job = runtime.enqueue(this);
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
    this.output.replaceChildren();
    this.output.hidden = true;
    this.pre = null;
    this.lastKind = null;
    this.lastText = null;
    this.images = 0;
  }

  // Text only ever goes in through Text nodes: `<img onerror=…>` prints as characters.
  append(kind, text) {
    publish(this.index, "out", { kind, text });
    this.output.hidden = false;
    const out = this.output;
    const atBottom = out.scrollHeight - out.scrollTop - out.clientHeight < 8;
    if (kind === "image") {
      this.images += 1;
      const img = el("img", { class: "livecode-figure", alt: `図 ${this.images}（セル ${this.index} の出力）` });
      img.src = `data:image/png;base64,${text}`;
      out.append(img);
      this.pre = null;
      this.lastKind = null;
    } else {
      if (!this.pre) {
        this.pre = el("div", { class: "livecode-text" });
        out.append(this.pre);
      }
      if (kind === this.lastKind) this.lastText.appendData(text);
      else {
        const span = el("span", { class: `livecode-${kind}` });
        this.lastText = document.createTextNode(text);
        span.append(this.lastText);
        this.pre.append(span);
        this.lastKind = kind;
      }
    }
    if (atBottom) out.scrollTop = out.scrollHeight;
  }

  finish(status) {
    this.job = null;
    if (status === "cancelled") {
      this.setState("idle");
      return;
    }
    const state = status === "ok" ? "done" : status === "interrupted" ? "stopped" : "error";
    this.setState(state);
    if (state === "error" && this.expectError) this.setStatus("想定どおりのエラー");
    if (state === "error" && !this.expectError) this.hintUnrunCells();
  }

  // Cells above that have not run in the current interpreter.
  unrunAbove() {
    return allCells.filter((c) => c.index < this.index && (c.state !== "done" || c.root.classList.contains("livecode-stale")));
  }

  // A NameError after jumping straight to a later slide or section usually means a
  // helper defined in an earlier cell: offer to run those cells first.
  hintUnrunCells() {
    if (!/^NameError: /m.test(this.output.textContent) || !this.unrunAbove().length) return;
    this.append("notice", "上のセルで定義された名前かもしれません。まだ実行していないセルがあります。\n");
    this.addButton("run-above-first", LABELS.runAboveFirst);
  }

  addButton(action, label) {
    const btn = el("button", { type: "button", "data-action": action, class: "livecode-btn" }, label);
    this.output.append(btn);
    this.pre = null;
  }

  // Audience window: repeat what the presenter window's copy of this cell shows.
  mirror(msg) {
    if (msg.type === "code" && msg.code !== this.code) this.editor.code = msg.code;
    else if (msg.type === "state") this.setState(msg.state);
    else if (msg.type === "status") this.setStatus(msg.text);
    else if (msg.type === "clear") this.clearOutput();
    else if (msg.type === "out") this.append(msg.kind, msg.text);
  }

  // This cell's code was running when the interpreter was terminated.
  restarted() {
    this.job = null;
    this.setState("stopped");
    this.append(
      "notice",
      "Python を再起動しました。これまでに実行したセルの変数や import はすべて消えています。\n",
    );
    if (allCells.some((c) => c.index < this.index)) this.addButton("rerun-above", LABELS.rerunAbove);
  }

  interpreterRestarted() {
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

runtime.listeners.add((rt) => {
  for (const cell of allCells) cell.showRuntime(rt);
});

// ---------------------------------------------------------------- pages

function readModules(root) {
  const entries = [];
  for (const script of root.querySelectorAll("script.livecode-modules")) {
    try {
      entries.push(...JSON.parse(script.textContent));
    } catch {
      console.warn("livecode: bad livecode-modules JSON");
    }
  }
  return Promise.all(
    entries.map(async ({ name, url }) => {
      const resp = await fetch(new URL(url, location.href));
      if (!resp.ok) throw new Error(`${resp.status} ${url}`);
      return { name, text: await resp.text() };
    }),
  ).catch((err) => {
    console.warn("livecode: module not loaded", err);
    return [];
  });
}

// Top-level packages the page's cells import (a rough look before Python is there).
function importHints(code) {
  const names = new Set();
  for (const m of code.matchAll(/^\s*(?:from|import)\s+([A-Za-z_][\w]*)/gm)) names.add(m[1]);
  return [...names].filter((n) => n === "numpy" || n === "matplotlib");
}

let currentPath = null;
let autorunObserver = null;

function setupPage() {
  const sources = [...document.querySelectorAll("pre.livecode-source")];
  const samePage = currentPath === location.pathname + location.search && allCells.some((c) => c.root.isConnected);
  if (!sources.length && samePage) return;
  // A new page (first load or instant navigation): stop what ran on the old one.
  if (runtime.current && !runtime.current.cell.root.isConnected) runtime.stop(runtime.current.cell);
  runtime.queue = runtime.queue.filter((j) => j.cell.root.isConnected);
  currentPath = location.pathname + location.search;
  if (autorunObserver) autorunObserver.disconnect();
  allCells = [];
  sources.forEach((pre, i) => {
    const index = parseInt(pre.dataset.cell, 10) || i + 1;
    allCells.push(new Cell(pre, index));
  });
  pageCounter += 1;
  const modules = readModules(document);
  const allCode = allCells.map((c) => c.authorCode).join("\n");
  runtime.setPage({ id: pageCounter, modules, hints: importHints(allCode) });
  if (!allCells.length) return;
  for (const cell of allCells) cell.setState("idle");
  subscribe((msg) => {
    const cell = allCells.find((c) => c.index === msg.cell);
    if (cell) cell.mirror(msg);
  });
  watchSlides();
  watchAutorun();
  schedulePreload(allCode, modules);
}

function isShown(cell) {
  // In a Marp deck only the active slide counts as shown.
  const slide = cell.root.closest("svg[data-marpit-svg]");
  if (slide && document.querySelector(".bespoke-marp-parent")) {
    return slide.classList.contains("bespoke-marp-active");
  }
  return true;
}

// A Marp slide that becomes active was hidden (content-visibility): let CodeMirror re-measure.
let slideObserver = null;
function watchSlides() {
  if (slideObserver) slideObserver.disconnect();
  const svgs = [...document.querySelectorAll("svg[data-marpit-svg]")].filter((s) => s.querySelector(".livecode"));
  if (!svgs.length) return;
  slideObserver = new MutationObserver((records) => {
    for (const r of records) {
      if (!r.target.classList.contains("bespoke-marp-active")) continue;
      for (const cell of allCells) if (r.target.contains(cell.root)) cell.editor.view.requestMeasure();
    }
  });
  svgs.forEach((s) => slideObserver.observe(s, { attributes: true, attributeFilter: ["class"] }));
}

function watchAutorun() {
  const pending = allCells.filter((c) => c.autorun);
  if (!pending.length || IS_NEXT_PREVIEW) return;
  const tryRun = () => {
    for (const cell of [...pending]) {
      const r = cell.root.getBoundingClientRect();
      const visible = r.width > 0 && r.bottom > 0 && r.top < innerHeight && isShown(cell);
      if (visible) {
        pending.splice(pending.indexOf(cell), 1);
        cell.run();
      }
    }
  };
  autorunObserver = new IntersectionObserver(tryRun);
  pending.forEach((c) => autorunObserver.observe(c.root));
  // Marp switches slides by class, which an IntersectionObserver does not always see.
  const slides = new MutationObserver(tryRun);
  for (const svg of document.querySelectorAll("svg[data-marpit-svg]")) slides.observe(svg, { attributes: true, attributeFilter: ["class"] });
  const prevDisconnect = autorunObserver.disconnect.bind(autorunObserver);
  autorunObserver.disconnect = () => {
    prevDisconnect();
    slides.disconnect();
  };
  tryRun();
}

let preloadScheduled = false;
function schedulePreload(code, modules) {
  if (config.preload !== "idle" || IN_IFRAME || IS_NEXT_PREVIEW) return;
  const go = async () => {
    const mods = await modules;
    runtime.preload(code + "\n" + mods.map((m) => m.text).join("\n"));
  };
  if (runtime.status === "ready" || runtime.status === "loading") {
    go();
    return;
  }
  if (preloadScheduled) return;
  preloadScheduled = true;
  setTimeout(() => {
    const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 1));
    idle(() => go(), { timeout: 2000 });
  }, config.idleDelay);
}

window.__livecode = { runtime, config, workerStarts: 0, get cells() {
  return allCells;
} };

// The stylesheet is added here rather than in <head>, so it does not delay the load event.
function loadStyles() {
  const href = new URL("livecode.css", ASSETS).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return Promise.resolve();
  const link = el("link", { rel: "stylesheet", href });
  const loaded = new Promise((resolve) => {
    link.onload = link.onerror = resolve;
    setTimeout(resolve, 3000);
  });
  document.head.append(link);
  return loaded;
}

loadStyles().then(() => {
  if (window.document$ && typeof window.document$.subscribe === "function") {
    // MkDocs Material instant navigation: runs once now and after every page switch.
    window.document$.subscribe(() => setupPage());
  } else {
    setupPage();
  }
});
