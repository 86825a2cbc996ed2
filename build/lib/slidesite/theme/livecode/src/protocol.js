// The page ↔ worker protocol: every message either side posts, built only by the helpers
// below (one per message type) and read with `dispatch`. Imported by both runtime.js
// (the page) and worker.js, and bundled into each by esbuild.
//
// A job is one Run of one cell: every message about it carries the job's `id`. The
// interpreter's start (init → progress… → ready | fatal) and the idle preload
// (preload → preloaded) are not jobs and carry no id.

/** Message type names, page → worker. */
export const TO_WORKER = { init: "init", run: "run", preload: "preload" };
/** Message type names, worker → page. */
export const TO_PAGE = {
  progress: "progress",
  ready: "ready",
  fatal: "fatal",
  loading: "loading",
  start: "start",
  out: "out",
  done: "done",
  checked: "checked",
  preloaded: "preloaded",
};

// ---------------------------------------------------------------- page → worker

export const toWorker = {
  /**
   * Start Python. Sent once, first, to a new worker.
   * @param {{indexURL: string, extrasURL: string, hints: string[], packages: string[],
   *   pyodideVersion: string, speedups: boolean, reason: string,
   *   interruptBuffer: SharedArrayBuffer | null}} opts
   *   indexURL: the Pyodide distribution; extrasURL: our font, .pyc overlays, snapshot;
   *   hints: packages the page's cells import (downloaded while the core starts);
   *   packages: what cells may import (from the build); pyodideVersion: the version the
   *   build serves; speedups: false takes the plain path (see speedups.js); reason: why
   *   the page starts Python ("run", "idle", "restart", "user-restart"), for DevTools;
   *   interruptBuffer: one Int32 that the page sets to 2 (SIGINT) to stop a run.
   */
  init: ({ indexURL, extrasURL, hints, packages, pyodideVersion, speedups, reason, interruptBuffer }) => ({
    type: TO_WORKER.init,
    indexURL,
    extrasURL,
    hints,
    packages,
    pyodideVersion,
    speedups,
    reason,
    interruptBuffer,
  }),
  /**
   * Run one cell (a job). `page` numbers the page the namespace belongs to: a new number
   * gives a fresh namespace and writes the page's `modules` ({name, text}) to the cwd.
   * `moduleCode` is the modules' text, scanned for imports with the cell's code.
   * `prelude` ([{cell, code}]): exercise solutions run quietly first, because this cell uses
   * names of exercises the reader has not solved. `check` ({lines, expected}): an exercise's
   * 「答え合わせ」: after the code, evaluate the check lines and compare (answered by `checked`).
   */
  run: ({ id, cell, code, page, modules, maxLines, maxChars, prelude = [], check = null }) => ({
    type: TO_WORKER.run,
    id,
    cell,
    code,
    page,
    modules,
    moduleCode: [...modules.map((m) => m.text), ...prelude.map((p) => p.code)].join("\n"),
    maxLines,
    maxChars,
    prelude,
    check,
  }),
  /** Install and import the packages `code` uses, before any Run (the idle preload). */
  preload: (code) => ({ type: TO_WORKER.preload, code }),
};

// ---------------------------------------------------------------- worker → page

export const toPage = {
  /** Start-up progress: a line of text and a fraction 0…1 for the progress bar. */
  progress: (text, fraction) => ({ type: TO_PAGE.progress, text, fraction }),
  /** Python is ready. timing: ms of the core start, whether a snapshot was used, … */
  ready: ({ version, isolated, timing }) => ({ type: TO_PAGE.ready, version, isolated, timing }),
  /** Python could not start; the page shows `message` on every waiting cell. */
  fatal: (message) => ({ type: TO_PAGE.fatal, message }),
  /** Job `id` is installing packages: Pyodide's "Loading …" line. */
  loading: (id, text) => ({ type: TO_PAGE.loading, id, text }),
  /** Job `id`'s code starts running now (its time limit starts). */
  start: (id) => ({ type: TO_PAGE.start, id }),
  /** Output of job `id`: kind is stdout, stderr, result, image (PNG, base64), error or notice. */
  out: (id, kind, text) => ({ type: TO_PAGE.out, id, kind, text }),
  /**
   * Job `id` finished: status "ok", "error" or "interrupted". `error` is set when the
   * runtime itself failed (not the cell's code); timing is for the benchmark.
   */
  done: (id, status, { timing, error } = {}) => {
    const msg = { type: TO_PAGE.done, id, status };
    if (timing !== undefined) msg.timing = timing;
    if (error !== undefined) msg.error = error;
    return msg;
  },
  /**
   * Job `id`'s check lines, compared with the build's expected values (before its `done`):
   * [{line, ok, message}] per line.
   */
  checked: (id, results) => ({ type: TO_PAGE.checked, id, results }),
  /** The idle preload finished; timing is for the benchmark. */
  preloaded: (timing) => ({ type: TO_PAGE.preloaded, timing }),
};

// ---------------------------------------------------------------- reading

/**
 * Call `handlers[msg.type](msg)` and return what it returns; a type with no handler is
 * reported on the console and ignored.
 * @param {Record<string, (msg: any) => any>} handlers
 * @param {{type: string}} msg
 */
export function dispatch(handlers, msg) {
  const handler = msg && Object.prototype.hasOwnProperty.call(handlers, msg.type) ? handlers[msg.type] : null;
  if (!handler) {
    console.warn("livecode: unknown message", msg && msg.type);
    return undefined;
  }
  return handler(msg);
}
