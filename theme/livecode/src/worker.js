// The Web Worker that owns Pyodide. It never touches the page: it receives the messages
// of protocol.js (init, run, preload) and sends back text and PNG images.
// The Python runner: the package slidesite.livecode (the build runs the same files in CPython);
// `slidesite-runner` is an esbuild alias for that folder (livecode_assets.py).
import initSource from "slidesite-runner/__init__.py";
import runnerSource from "slidesite-runner/runner.py";
import backendSource from "slidesite-runner/mpl_backend.py";
import checkSource from "slidesite-runner/check.py";
import figureAltSource from "slidesite-runner/figure_alt.py";
import { FONT_PATH, Packages } from "./packages.js";
import { dispatch, toPage } from "./protocol.js";
import { MPLCONFIGDIR, speedups } from "./speedups.js";

const RUNTIME_DIR = "/lib/livecode"; // holds the package slidesite.livecode
const RUNNER_FILES = { "__init__.py": initSource, "runner.py": runnerSource, "mpl_backend.py": backendSource, "check.py": checkSource,
  "figure_alt.py": figureAltSource };
const HOME = "/home/pyodide";

let pyodide = null;
let runner = null;
let session = null; // the page's Session (runner.py)
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
    env: { HOME, MPLBACKEND: "module://slidesite.livecode.mpl_backend", MPLCONFIGDIR },
    stdout: (s) => console.log(s),
    stderr: (s) => console.warn(s),
  });
  pyodide = packages.pyodide = core.pyodide;
  const coreTime = performance.now() - t0;
  const tSetup = performance.now();
  send(toPage.progress("Python を初期化中…", 0.8));
  if (msg.interruptBuffer) pyodide.setInterruptBuffer(new Int32Array(msg.interruptBuffer));
  pyodide.FS.mkdirTree(`${RUNTIME_DIR}/fonts`);
  pyodide.FS.mkdirTree(`${RUNTIME_DIR}/slidesite/livecode`);
  pyodide.FS.writeFile(`${RUNTIME_DIR}/slidesite/__init__.py`, "");
  for (const [name, text] of Object.entries(RUNNER_FILES)) {
    pyodide.FS.writeFile(`${RUNTIME_DIR}/slidesite/livecode/${name}`, text);
  }
  pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(RUNTIME_DIR)})`);
  runner = pyodide.pyimport("slidesite.livecode.runner");
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

// A new page: a fresh Session, the page's modules in the cwd (importable by name).
function setPage(id, modules) {
  page = id;
  for (const mod of modules || []) {
    // Only plain file names: a module lands in the worker's cwd, importable by name.
    const name = mod.name.split("/").pop();
    pyodide.FS.writeFile(`${HOME}/${name}`, mod.text);
  }
  if (session) session.destroy();
  session = runner.Session(); // forgets the previous page's modules
}

async function preload(msg) {
  const t0 = performance.now();
  const found = await packages.load(msg.code, { onMessage: () => {}, onError: (m) => console.warn(m) });
  const t1 = performance.now();
  // Importing these takes seconds: warm them up (see warm_up in runner.py).
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
  const solutions = pyodide.toPy((msg.prelude || []).map((pre) => [pre.cell, pre.code]));
  try {
    // Exercises' solutions the cell needs run quietly first (Session.run_cell).
    status = session.run_cell.callKwargs(msg.code, msg.cell, post, {
      solutions, max_lines: msg.maxLines, max_chars: msg.maxChars,
    });
  } catch (err) {
    status = "error";
    post("error", String(err));
  } finally {
    solutions.destroy();
  }
  if (msg.check) {
    const { lines, expected } = msg.check;
    const results = session.check_json(JSON.stringify(lines), JSON.stringify(expected), status);
    send(toPage.checked(msg.id, JSON.parse(results)));
  }
  const t2 = performance.now();
  send(toPage.done(msg.id, status, { timing: { packages: t1 - t0, exec: t2 - t1, dynlibs: { ...packages.speedups.stats } } }));
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
