// The Python worker's lifecycle and the job queue, without any DOM: one Pyodide Web
// Worker per page (per visit with Material's instant navigation), one job (a cell's Run)
// at a time. Cells are told what happens through the methods they implement (see cell.js):
// setState, setStatus, append, finish, restarted, interpreterRestarted, loadFailed.
import { config, extrasURL, indexURL, IS_NEXT_PREVIEW, mentionsPackage, STOP_GRACE_MS } from "./config.js";
import { dispatch, toWorker } from "./protocol.js";

export class Runtime {
  constructor() {
    this.worker = null;
    this.status = "off"; // off | loading | ready | failed
    this.queue = [];
    this.current = null;
    this.nextId = 1;
    this.page = null; // {id, modules, hints} of the page the worker's namespace belongs to
    this.cells = () => []; // the page's cells, set by page.js
    this.progress = { text: "", fraction: 0 };
    this.preloadCode = null;
    this.listeners = new Set();
    this.interrupt = null;
    this.starts = 0;
    this.loadTimer = null;
    this.error = null;
    this.timing = {}; // ms, for the benchmark: core start, last run's package load and exec
    this.handlers = this.makeHandlers();
    this.fallbacks = new Set(); // exercises whose solution this interpreter ran behind the scenes
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
    this.fallbacks = new Set();
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
    worker.postMessage(
      toWorker.init({
        indexURL,
        extrasURL,
        hints: this.page ? this.page.hints : [],
        packages: config.packages,
        pyodideVersion: config.pyodideVersion,
        speedups: config.speedups !== false,
        reason,
        interruptBuffer: this.interrupt ? this.interrupt.buffer : null,
      }),
    );
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
    dispatch(this.handlers, msg);
  }

  // One handler per worker → page message (protocol.js); `job` is the running job the
  // message is about, or null when it is about none (a stopped job's late output).
  makeHandlers() {
    const job = (msg) => (this.current && msg.id === this.current.id ? this.current : null);
    return {
      progress: (msg) => {
        this.progress = { text: msg.text, fraction: msg.fraction };
        this.notify();
      },
      ready: (msg) => {
        this.status = "ready";
        Object.assign(this.timing, msg.timing, { startToReady: performance.now() - this.startedAt });
        clearTimeout(this.loadTimer);
        this.progress = { text: "", fraction: 1 };
        this.notify();
        if (this.preloadCode !== null && !this.queue.length) this.sendPreload();
        this.pump();
      },
      fatal: (msg) => this.fail(`Python を読み込めませんでした: ${msg.message}`),
      loading: (msg) => {
        const j = job(msg);
        if (j) j.cell.setStatus(msg.text);
      },
      start: (msg) => {
        const j = job(msg);
        if (!j) return;
        j.cell.setState("running");
        const seconds = j.cell.timeout || config.timeout;
        j.timer = setTimeout(() => this.kill(j, "timeout", seconds), seconds * 1000);
      },
      out: (msg) => {
        const j = job(msg);
        if (j) j.cell.append(msg.kind, msg.text);
      },
      done: (msg) => {
        const j = job(msg);
        if (!j) return;
        this.timing.lastRun = msg.timing;
        clearTimeout(j.timer);
        clearTimeout(j.killTimer);
        if (msg.error) j.cell.append("error", `${msg.error}\n`);
        j.cell.finish(msg.status);
        this.current = null;
        this.pump();
      },
      checked: (msg) => {
        const j = job(msg);
        if (j && j.cell.checked) j.cell.checked(msg.results);
      },
      preloaded: (msg) => {
        this.preloaded = true;
        this.timing.preload = msg.timing;
      },
    };
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
    if (code && mentionsPackage(code)) this.worker.postMessage(toWorker.preload(code));
  }

  enqueue(cell, check = null) {
    const job = { id: this.nextId++, cell, page: this.page, check };
    // The reader's own version of an exercise replaces the solution run for later cells.
    if (cell.exercise) this.fallbacks.delete(cell.index);
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
    const prelude = this.preludeFor(job);
    this.worker.postMessage(
      toWorker.run({
        id: job.id,
        cell: job.cell.index,
        code: job.cell.code,
        page: page ? page.id : 0,
        modules,
        maxLines: config.maxLines,
        maxChars: config.maxChars,
        prelude,
        check: job.check,
      }),
    );
  }

  // Exercises above this cell, not solved in this interpreter, whose names the cell uses: their
  // solutions run first (once per interpreter), and the cell says so.
  preludeFor(job) {
    const code = job.cell.code;
    const prelude = [];
    // Cells above whose controls moved since Python last saw them: give it their current values.
    for (const above of this.cells()) {
      const c = above.controls;
      if (!c || above.index >= job.cell.index) continue;
      const now = JSON.stringify(c.values);
      if (c.given === now || (c.given === undefined && c.atDefault)) continue;
      c.given = now;
      prelude.push({ cell: above.index, code: c.assignments() });
    }
    for (const ex of this.cells()) {
      if (!ex.exercise || ex.index >= job.cell.index || ex.solvedHere || this.fallbacks.has(ex.index)) continue;
      const uses = ex.exercise.names.some((n) => new RegExp(`(^|[^\\w.])${n}\\b`).test(code));
      if (!uses) continue;
      this.fallbacks.add(ex.index);
      prelude.push({ cell: ex.index, code: ex.exercise.solution });
      job.cell.append(
        "notice",
        `「${ex.exercise.label}」がまだ解けていないため、その模範解答を裏で実行してから、このセルを実行しました。\n`,
      );
    }
    return prelude;
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
    this.preloaded = false;
    clearTimeout(this.loadTimer);
    const current = this.current;
    this.current = null;
    if (current) {
      clearTimeout(current.timer);
      clearTimeout(current.killTimer);
      current.cell.restarted();
    }
    for (const cell of this.cells()) if (cell !== (current && current.cell)) cell.interpreterRestarted();
    this.start(job ? "restart" : "user-restart");
  }
}

export const runtime = new Runtime();
