// The Web Worker that owns Pyodide. It never touches the page: it only receives code
// and sends back text and PNG images (see livecode.js for the protocol).
import runnerSource from "../py/livecode_runner.py";
import backendSource from "../py/livecode_mpl_backend.py";
import { fetchSnapshot, loadCore } from "./snapshot.js";
import { dynlibStats, precompileWheel } from "./dynlibs.js";

const RUNTIME_DIR = "/lib/livecode";
const HOME = "/home/pyodide";
const FONT_PATH = "/lib/livecode/fonts/livecode-jp-gothic.ttf";
const FONT_FILE = "livecode-jp-gothic.ttf";
const SITE_PACKAGES = "/lib/python3.12/site-packages";
const MPLCONFIGDIR = "/home/pyodide/.matplotlib";
const FONTLIST = "fontlist-v330.json"; // matplotlib 3.8's font cache name (Pyodide 0.27.7)
const applied = new Set();
const HEAVY = ["numpy", "matplotlib"]; // warmed up by `preload`: import takes seconds

let config = null;
let pyodide = null;
let runner = null;
let lock = null;
let page = null;
let chain = Promise.resolve();
let coreTime = 0;
let fromSnapshot = false;

const send = (msg) => self.postMessage(msg);
const progress = (text, fraction) => send({ type: "progress", text, fraction });

// Files fetched ahead (in parallel with the core) are handed to Pyodide once, then
// forgotten (a kept Response would hold its whole body in memory).
const realFetch = self.fetch.bind(self);
const prefetched = new Map();
self.fetch = (input, init) => {
  const href = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
  const hit = prefetched.get(href);
  if (!hit) return realFetch(input, init);
  prefetched.delete(href);
  return hit;
};

function hexToBase64(hex) {
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

function prefetch(url, sha256) {
  const href = new URL(url, config.indexURL).href;
  if (!prefetched.has(href)) {
    const init = sha256 ? { integrity: `sha256-${hexToBase64(sha256)}` } : undefined;
    const p = realFetch(href, init).then((r) => {
      if (!r.ok) throw new Error(`${r.status} ${href}`);
      return r;
    });
    p.catch(() => prefetched.delete(href));
    prefetched.set(href, p);
  }
  return prefetched.get(href);
}

// A wheel with compiled code also gets its shared libraries compiled in the background.
function prefetchPackage(pkg) {
  const resp = prefetch(pkg.file_name, pkg.sha256);
  // Cloned before anyone else reads the body: this callback is registered first.
  if (pkg.file_name.includes("wasm32")) resp.then((r) => precompileWheel(r.clone())).catch(() => {});
}

async function getLock() {
  if (!lock) {
    const resp = await prefetch("pyodide-lock.json");
    lock = await resp.clone().json(); // the original is for loadPyodide
  }
  return lock;
}

// The lock's package files needed by these top-level import names, dependencies included.
function packageClosure(lockData, names) {
  const byImport = new Map();
  for (const [key, pkg] of Object.entries(lockData.packages)) {
    for (const imp of pkg.imports || []) byImport.set(imp, key);
  }
  const out = new Set();
  const visit = (key) => {
    if (!key || out.has(key) || !lockData.packages[key]) return;
    out.add(key);
    for (const dep of lockData.packages[key].depends) visit(dep);
  };
  names.forEach((n) => visit(byImport.get(n)));
  return [...out].map((k) => lockData.packages[k]);
}

// Our extras (font, .pyc overlays, font cache) are optional: a 404 only costs speed.
const extras = new Map();
function fetchExtra(name) {
  if (!extras.has(name)) {
    const url = new URL(name, config.extrasURL).href;
    const p = realFetch(url)
      .then((r) => (r.ok ? r.arrayBuffer() : null))
      .catch(() => null);
    extras.set(name, p);
  }
  return extras.get(name);
}

function prefetchExtras(names) {
  if (names.includes("numpy")) fetchExtra("pyc-numpy.zip");
  if (names.includes("matplotlib")) ["pyc-matplotlib.zip", "fontlist.json", FONT_FILE].forEach(fetchExtra);
}

async function writeFont() {
  if (pyodide.FS.analyzePath(FONT_PATH).exists) return;
  const data = await fetchExtra(FONT_FILE);
  if (data) pyodide.FS.writeFile(FONT_PATH, new Uint8Array(data));
  else console.warn("livecode: CJK font not loaded");
}

// Right after a package is installed and before anything imports it.
async function applyExtras() {
  const loaded = pyodide.loadedPackages;
  for (const name of ["numpy", "matplotlib"]) {
    if (!loaded[name] || applied.has(name)) continue;
    applied.add(name);
    const pyc = await fetchExtra(`pyc-${name}.zip`);
    if (pyc) pyodide.unpackArchive(new Uint8Array(pyc), "zip", { extractDir: SITE_PACKAGES });
    if (name === "matplotlib") {
      const fontlist = await fetchExtra("fontlist.json");
      pyodide.FS.mkdirTree(MPLCONFIGDIR);
      if (fontlist) pyodide.FS.writeFile(`${MPLCONFIGDIR}/${FONTLIST}`, new Uint8Array(fontlist));
      await writeFont();
    }
  }
}

async function init(msg) {
  config = msg;
  const snapshot = fetchSnapshot(new URL("snapshot.bin.gz", msg.extrasURL).href);
  // The core's own downloads, started before pyodide.mjs is even fetched.
  ["pyodide.asm.wasm", "python_stdlib.zip"].forEach((name) => prefetch(name).catch(() => {}));
  const hints = msg.hints || [];
  if (hints.length) {
    // Start the wheels (and font) downloads now; the core loads meanwhile.
    getLock()
      .then((l) => packageClosure(l, hints).forEach(prefetchPackage))
      .catch(() => {});
    prefetchExtras(hints);
  } else {
    getLock().catch(() => {});
  }
  progress("Python 本体を読み込み中…", 0.1);
  const t0 = performance.now();
  const { loadPyodide } = await import(/* @vite-ignore */ new URL("pyodide.mjs", msg.indexURL).href);
  const core = await loadCore(
    loadPyodide,
    {
      indexURL: msg.indexURL,
      env: { HOME, MPLBACKEND: "module://livecode_mpl_backend", MPLCONFIGDIR },
      stdout: (s) => console.log(s),
      stderr: (s) => console.warn(s),
    },
    snapshot,
  );
  pyodide = core.pyodide;
  fromSnapshot = core.snapshot;
  coreTime = performance.now() - t0;
  const tSetup = performance.now();
  progress("Python を初期化中…", 0.8);
  if (msg.interruptBuffer) pyodide.setInterruptBuffer(new Int32Array(msg.interruptBuffer));
  pyodide.FS.mkdirTree(`${RUNTIME_DIR}/fonts`);
  pyodide.FS.writeFile(`${RUNTIME_DIR}/livecode_runner.py`, runnerSource);
  pyodide.FS.writeFile(`${RUNTIME_DIR}/livecode_mpl_backend.py`, backendSource);
  pyodide.runPython(`import sys\nsys.path.insert(0, ${JSON.stringify(RUNTIME_DIR)})`);
  runner = pyodide.pyimport("livecode_runner");
  runner.setup(FONT_PATH, HOME);
  send({ type: "ready", version: pyodide.version, isolated: !!msg.interruptBuffer, timing: { core: coreTime, snapshot: fromSnapshot, setup: performance.now() - tSetup, sinceWorkerStart: performance.now() } });
}

function setPage(msg) {
  page = msg.page;
  runner.new_namespace();
  for (const mod of msg.modules || []) {
    // Only plain file names: a module lands in the worker's cwd, importable by name.
    const name = mod.name.split("/").pop();
    pyodide.FS.writeFile(`${HOME}/${name}`, mod.text);
  }
  runner.new_namespace();
}

function findImports(code) {
  const proxy = pyodide.pyimport("pyodide.code").find_imports(code);
  const names = proxy.toJs();
  proxy.destroy();
  return names;
}

// The build leaves fonttools out of matplotlib's dependencies (a PNG figure never needs
// it); matplotlib imports it only to write PDF/PS files, so code that saves figures gets it.
const SAVES_FIGURES = /savefig|PdfPages|backend_p(?:df|s)\b/;

async function loadImports(code, id) {
  const callbacks = {
    messageCallback: (m) => {
      if (id !== undefined) send({ type: "loading", id, text: m });
    },
    errorCallback: (m) => send({ type: "out", id, kind: "stderr", text: `${m}\n` }),
  };
  if (SAVES_FIGURES.test(code) && !pyodide.loadedPackages.fonttools && (await getLock()).packages.fonttools) {
    await pyodide.loadPackage("fonttools", callbacks);
  }
  if (!/\bimport\b/.test(code)) return []; // nothing to load: skip parsing the code
  const found = findImports(code);
  prefetchExtras(found);
  await pyodide.loadPackagesFromImports(code, callbacks);
  await applyExtras();
  return found;
}

async function preload(msg) {
  const t0 = performance.now();
  const found = await loadImports(msg.code);
  const t1 = performance.now();
  const heavy = HEAVY.filter((name) => found.includes(name));
  if (heavy.length) runner.warm_up(heavy);
  send({ type: "preloaded", timing: { packages: t1 - t0, warmUp: performance.now() - t1, at: performance.now() } });
}

async function run(msg) {
  if (msg.page !== page) setPage({ page: msg.page, modules: msg.modules });
  // Modules on the page may import packages the cell itself does not name.
  const code = msg.code + "\n" + (msg.moduleCode || "");
  const t0 = performance.now();
  try {
    await loadImports(code, msg.id);
  } catch (err) {
    send({ type: "out", id: msg.id, kind: "stderr", text: `パッケージを読み込めませんでした: ${err.message}\n` });
  }
  const t1 = performance.now();
  send({ type: "start", id: msg.id });
  const post = (kind, text) => send({ type: "out", id: msg.id, kind, text });
  let status;
  try {
    status = runner.run(msg.code, msg.cell, post, msg.maxLines, msg.maxChars);
  } catch (err) {
    status = "error";
    post("error", String(err));
  }
  const t2 = performance.now();
  send({ type: "done", id: msg.id, status, timing: { packages: t1 - t0, exec: t2 - t1, dynlibs: { ...dynlibStats } } });
}

const handlers = { init, page: setPage, preload, run };

self.onmessage = (event) => {
  const msg = event.data;
  chain = chain.then(async () => {
    try {
      await handlers[msg.type](msg);
    } catch (err) {
      if (msg.type === "init") send({ type: "fatal", message: String(err && err.message ? err.message : err) });
      else if (msg.type === "run") send({ type: "done", id: msg.id, status: "error", error: String(err) });
      else console.warn("livecode worker:", err);
    }
  });
};
