// The Web Worker that owns Pyodide. It never touches the page: it receives the messages
// of protocol.js (init, run, preload) and sends back text and PNG images.
import runnerSource from "../py/livecode_runner.py";
import backendSource from "../py/livecode_mpl_backend.py";
import checkSource from "../py/livecode_check.py";
import { FONT_PATH, Packages } from "./packages.js";
import { dispatch, toPage } from "./protocol.js";
import { MPLCONFIGDIR, speedups } from "./speedups.js";

const RUNTIME_DIR = "/lib/livecode";
const HOME = "/home/pyodide";

let pyodide = null;
let runner = null;
let packages = null;
let page = null;
let chain = Promise.resolve();

const send = (msg) => self.postMessage(msg);

async function init(msg) {
  packages = new Packages(msg, (fetchExtra) => speedups({ ...msg, enabled: msg.speedups, fetchExtra }));
  const speed = packages.speedups;
  speed.prefetchCore();
  const hints = msg.hints || [];
  if (hints.length) {
    // Start the wheels (and font) downloads now; the core loads meanwhile.
    speed.prefetchPackages(hints);
    packages.prefetchExtras(hints);
  }
  send(toPage.progress("Python 本体を読み込み中…", 0.1));
  const t0 = performance.now();
  const { loadPyodide, version } = await import(/* @vite-ignore */ new URL("pyodide.mjs", msg.indexURL).href);
  const core = await speed.loadCore(loadPyodide, version, {
    indexURL: msg.indexURL,
    env: { HOME, MPLBACKEND: "module://livecode_mpl_backend", MPLCONFIGDIR },
    stdout: (s) => console.log(s),
    stderr: (s) => console.warn(s),
  });
  pyodide = packages.pyodide = core.pyodide;
  const coreTime = performance.now() - t0;
  const tSetup = performance.now();
  send(toPage.progress("Python を初期化中…", 0.8));
  if (msg.interruptBuffer) pyodide.setInterruptBuffer(new Int32Array(msg.interruptBuffer));
  pyodide.FS.mkdirTree(`${RUNTIME_DIR}/fonts`);
  pyodide.FS.writeFile(`${RUNTIME_DIR}/livecode_runner.py`, runnerSource);
  pyodide.FS.writeFile(`${RUNTIME_DIR}/livecode_mpl_backend.py`, backendSource);
  pyodide.FS.writeFile(`${RUNTIME_DIR}/livecode_check.py`, checkSource);
  pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(RUNTIME_DIR)})`);
  runner = pyodide.pyimport("livecode_runner");
  runner.setup(FONT_PATH, HOME, speed.on);
  const timing = {
    core: coreTime,
    snapshot: core.snapshot,
    speedups: speed.on ? "on" : `off: ${speed.reason}`,
    setup: performance.now() - tSetup,
    sinceWorkerStart: performance.now(),
  };
  send(toPage.ready({ version: pyodide.version, isolated: !!msg.interruptBuffer, timing }));
}

// A new page: a fresh namespace, the page's modules in the cwd (importable by name).
function setPage(id, modules) {
  page = id;
  runner.new_namespace();
  for (const mod of modules || []) {
    // Only plain file names: a module lands in the worker's cwd, importable by name.
    const name = mod.name.split("/").pop();
    pyodide.FS.writeFile(`${HOME}/${name}`, mod.text);
  }
  runner.new_namespace();
}

async function preload(msg) {
  const t0 = performance.now();
  const found = await packages.load(msg.code, { onMessage: () => {}, onError: (m) => console.warn(m) });
  const t1 = performance.now();
  // Importing these takes seconds: warm them up (see warm_up in livecode_runner.py).
  const heavy = packages.packages.filter((name) => found.includes(name));
  if (heavy.length) runner.warm_up(heavy);
  send(toPage.preloaded({ packages: t1 - t0, warmUp: performance.now() - t1, at: performance.now() }));
}

async function run(msg) {
  if (msg.page !== page) setPage(msg.page, msg.modules);
  // Modules on the page may import packages the cell itself does not name.
  const code = msg.code + "\n" + (msg.moduleCode || "");
  const t0 = performance.now();
  try {
    await packages.load(code, {
      onMessage: (m) => send(toPage.loading(msg.id, m)),
      onError: (m) => send(toPage.out(msg.id, "stderr", `${m}\n`)),
    });
  } catch (err) {
    send(toPage.out(msg.id, "stderr", `パッケージを読み込めませんでした: ${err.message}\n`));
  }
  const t1 = performance.now();
  send(toPage.start(msg.id));
  const post = (kind, text) => send(toPage.out(msg.id, kind, text));
  let status;
  try {
    for (const pre of msg.prelude || []) {
      // An exercise's solution, for the names this cell uses; its output is not shown.
      const quiet = runner.run(pre.code, `solution ${pre.cell}`, () => {}, msg.maxLines, msg.maxChars);
      if (quiet !== "ok") post("notice", `演習（セル ${pre.cell}）の模範解答を実行できませんでした。\n`);
    }
    status = runner.run(msg.code, msg.cell, post, msg.maxLines, msg.maxChars);
  } catch (err) {
    status = "error";
    post("error", String(err));
  }
  if (msg.check) send(toPage.checked(msg.id, check(msg.check, status)));
  const t2 = performance.now();
  send(toPage.done(msg.id, status, { timing: { packages: t1 - t0, exec: t2 - t1, dynlibs: { ...packages.speedups.stats } } }));
}

// An exercise's check lines against the build's expected values, compared in Python (livecode_check.py).
function check({ lines, expected }, status) {
  if (status !== "ok") {
    const message = status === "interrupted" ? "実行が止められました" : "コードがエラーで止まりました（上の出力）";
    return lines.map((line) => ({ line, ok: false, message }));
  }
  const checker = pyodide.pyimport("livecode_check");
  try {
    return JSON.parse(checker.check_json(JSON.stringify(lines), JSON.stringify(expected)));
  } finally {
    checker.destroy();
  }
}

const handlers = { init, preload, run };

// One message at a time, in order: a run waits for init and for the run before it.
self.onmessage = (event) => {
  const msg = event.data;
  chain = chain.then(async () => {
    try {
      await dispatch(handlers, msg);
    } catch (err) {
      if (msg.type === "init") send(toPage.fatal(String(err && err.message ? err.message : err)));
      else if (msg.type === "run") send(toPage.done(msg.id, "error", { error: String(err) }));
      else console.warn("livecode worker:", err);
    }
  });
};
