// Every speed-up of the worker that reaches into a dependency's internals, in one place.
// Each is written for one Pyodide (SUPPORTED) and checks it, plus the browser features it
// needs; when a check fails, or the page turned them off (config `speedups: false` or
// ?livecode-speedups=off), `speedups()` returns the plain path with the same interface:
// Pyodide downloads, compiles and starts the normal way.
//
// - prefetch: the core's files, the lock and the wheels a page imports are downloaded
//   while pyodide.mjs loads; a wrapped `fetch` hands each response to Pyodide once.
// - dynlibs: a wheel's shared libraries (.so = WebAssembly side modules) are compiled on
//   V8's background threads as soon as the wheel is downloaded; a wrapped
//   `WebAssembly.instantiate` reuses the compiled module when Emscripten's dynamic
//   linker instantiates the same bytes (compared in full) after Pyodide unpacks the wheel.
// - snapshot: Python starts from a memory snapshot made at build time
//   (tools/snapshot.mjs) through loadPyodide's private `_loadSnapshot` option.
// - overlays: .pyc files of the packages (unchecked-hash, made at build time by
//   tools/precompile.mjs) and matplotlib's font cache, written right after install.

export const SUPPORTED = "0.27.7";

/**
 * @param {{enabled: boolean, pyodideVersion: string | null, indexURL: string,
 *   extrasURL: string, packages: string[], fetchExtra: (name: string) => Promise<ArrayBuffer | null>}} opts
 */
export function speedups(opts) {
  let reason = null;
  if (!opts.enabled) reason = "turned off";
  else if (opts.pyodideVersion !== SUPPORTED) reason = `written for Pyodide ${SUPPORTED}, not ${opts.pyodideVersion}`;
  else if (typeof self.fetch !== "function" || typeof WebAssembly.instantiate !== "function") reason = "no fetch or WebAssembly.instantiate";
  return reason === null ? active(opts) : plain(opts, reason);
}

// ---------------------------------------------------------------- the plain path

function plain({ indexURL }, reason) {
  let lock = null;
  return {
    on: false,
    reason,
    stats: { precompiled: 0, reused: 0 },
    prefetchCore() {},
    prefetchPackages() {},
    prefetchOverlays() {},
    async applyOverlays() {},
    lock() {
      if (!lock) {
        lock = fetch(new URL("pyodide-lock.json", indexURL).href).then((r) => r.json());
        lock.catch(() => (lock = null));
      }
      return lock;
    },
    async loadCore(loadPyodide, version, options) {
      return { pyodide: await loadPyodide(options), snapshot: false };
    },
  };
}

// ---------------------------------------------------------------- the fast path

function active({ indexURL, extrasURL, packages, fetchExtra }) {
  const prefetch = wrapFetch(indexURL);
  const stats = wrapInstantiate();
  let lock = null;
  let snapshot = null;
  const api = {
    on: true,
    reason: null,
    stats,
    // The snapshot and the core's own downloads, started before pyodide.mjs is even fetched.
    prefetchCore() {
      snapshot = fetchSnapshot(new URL("snapshot.bin.gz", extrasURL).href);
      ["pyodide.asm.wasm", "python_stdlib.zip"].forEach((name) => prefetch(name).catch(() => {}));
      api.lock().catch(() => {});
    },
    lock() {
      if (!lock) {
        lock = prefetch("pyodide-lock.json").then((resp) => resp.clone().json()); // the original is for loadPyodide
        lock.catch(() => (lock = null));
      }
      return lock;
    },
    // The wheels (and their dependencies) for these import names; a wheel with compiled
    // code also gets its shared libraries compiled in the background.
    prefetchPackages(names) {
      api
        .lock()
        .then((lockData) => {
          for (const pkg of packageClosure(lockData, names)) {
            const resp = prefetch(pkg.file_name, pkg.sha256);
            // Cloned before anyone else reads the body: this callback is registered first.
            if (pkg.file_name.includes("wasm32")) resp.then((r) => precompileWheel(r.clone(), stats)).catch(() => {});
          }
        })
        .catch(() => {});
    },
    prefetchOverlays(names) {
      for (const name of names) if (packages.includes(name)) fetchExtra(`pyc-${name}.zip`);
      if (names.includes("matplotlib")) fetchExtra("fontlist.json");
    },
    // Right after package `name` is installed and before anything imports it.
    async applyOverlays(pyodide, name) {
      const pyc = await fetchExtra(`pyc-${name}.zip`);
      if (pyc) pyodide.unpackArchive(new Uint8Array(pyc), "zip", { extractDir: SITE_PACKAGES });
      if (name === "matplotlib") {
        const fontlist = await fetchExtra("fontlist.json");
        pyodide.FS.mkdirTree(MPLCONFIGDIR);
        if (fontlist) pyodide.FS.writeFile(`${MPLCONFIGDIR}/${FONTLIST}`, new Uint8Array(fontlist));
      }
    },
    // `version` is pyodide.mjs's own: the snapshot must come from the same build.
    async loadCore(loadPyodide, version, options) {
      if (version !== SUPPORTED) return { pyodide: await loadPyodide(options), snapshot: false };
      return loadFromSnapshot(loadPyodide, options, snapshot || fetchSnapshot(new URL("snapshot.bin.gz", extrasURL).href));
    },
  };
  return api;
}

const SITE_PACKAGES = "/lib/python3.12/site-packages";
export const MPLCONFIGDIR = "/home/pyodide/.matplotlib";
const FONTLIST = "fontlist-v330.json"; // matplotlib 3.8's font cache name (Pyodide 0.27.7)

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

// ---------------------------------------------------------------- prefetch

function hexToBase64(hex) {
  let bin = "";
  for (let i = 0; i < hex.length; i += 2) bin += String.fromCharCode(parseInt(hex.slice(i, i + 2), 16));
  return btoa(bin);
}

// Files fetched ahead (in parallel with the core) are handed to Pyodide once, then
// forgotten (a kept Response would hold its whole body in memory).
function wrapFetch(indexURL) {
  const realFetch = self.fetch.bind(self);
  const prefetched = new Map();
  self.fetch = (input, init) => {
    const href = new URL(input instanceof Request ? input.url : String(input), self.location.href).href;
    const hit = prefetched.get(href);
    if (!hit) return realFetch(input, init);
    prefetched.delete(href);
    return hit;
  };
  return (url, sha256) => {
    const href = new URL(url, indexURL).href;
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
  };
}

// ---------------------------------------------------------------- dynlibs

const compiled = new Map(); // byteLength -> [{ bytes, module: Promise<WebAssembly.Module> }]

async function inflateRaw(data) {
  const stream = new Blob([data]).stream().pipeThrough(new DecompressionStream("deflate-raw"));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

// The *.so members of a zip (a wheel), decompressed.
async function sharedLibs(buf) {
  const view = new DataView(buf);
  let eocd = buf.byteLength - 22;
  while (eocd >= 0 && view.getUint32(eocd, true) !== 0x06054b50) eocd--;
  if (eocd < 0) return [];
  const count = view.getUint16(eocd + 10, true);
  let p = view.getUint32(eocd + 16, true);
  const names = new TextDecoder();
  const out = [];
  for (let i = 0; i < count && view.getUint32(p, true) === 0x02014b50; i++) {
    const method = view.getUint16(p + 10, true);
    const size = view.getUint32(p + 20, true);
    const nameLen = view.getUint16(p + 28, true);
    const skip = nameLen + view.getUint16(p + 30, true) + view.getUint16(p + 32, true);
    const name = names.decode(new Uint8Array(buf, p + 46, nameLen));
    const local = view.getUint32(p + 42, true);
    p += 46 + skip;
    if (!name.endsWith(".so") || (method !== 0 && method !== 8)) continue;
    const start = local + 30 + view.getUint16(local + 26, true) + view.getUint16(local + 28, true);
    const data = new Uint8Array(buf, start, size);
    out.push(method === 0 ? data.slice() : inflateRaw(data));
  }
  return Promise.all(out);
}

async function precompileWheel(response, stats) {
  if (typeof DecompressionStream !== "function") return;
  try {
    for (const bytes of await sharedLibs(await response.arrayBuffer())) {
      const module = WebAssembly.compile(bytes);
      module.catch(() => {});
      stats.precompiled += 1;
      const list = compiled.get(bytes.byteLength) || [];
      list.push({ bytes, module });
      compiled.set(bytes.byteLength, list);
    }
  } catch (err) {
    console.warn("livecode: shared libraries not precompiled", err);
  }
}

function sameBytes(a, b) {
  if (a.byteLength !== b.byteLength) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function takeCompiled(source) {
  const bytes = source instanceof ArrayBuffer ? new Uint8Array(source) : ArrayBuffer.isView(source) ? new Uint8Array(source.buffer, source.byteOffset, source.byteLength) : null;
  const list = bytes && compiled.get(bytes.byteLength);
  const i = list ? list.findIndex((entry) => sameBytes(entry.bytes, bytes)) : -1;
  return i < 0 ? null : list.splice(i, 1)[0].module;
}

// Emscripten's dynamic linker calls WebAssembly.instantiate(bytes, imports).
function wrapInstantiate() {
  const stats = { precompiled: 0, reused: 0 }; // for the benchmark
  const realInstantiate = WebAssembly.instantiate.bind(WebAssembly);
  WebAssembly.instantiate = async (source, imports) => {
    const ready = takeCompiled(source);
    if (ready) {
      try {
        const module = await ready;
        stats.reused += 1;
        return { module, instance: await realInstantiate(module, imports) };
      } catch {
        /* fall through: compile as usual */
      }
    }
    return realInstantiate(source, imports);
  };
  return stats;
}

// ---------------------------------------------------------------- snapshot

// The gunzipped snapshot, or null when there is none; starts downloading at once.
function fetchSnapshot(url) {
  if (typeof DecompressionStream !== "function") return Promise.resolve(null);
  return fetch(url)
    .then((r) => (r.ok && r.body ? new Response(r.body.pipeThrough(new DecompressionStream("gzip"))).arrayBuffer() : null))
    .then((buf) => (buf ? new Uint8Array(buf) : null))
    .catch(() => null);
}

// Things the snapshot froze that must differ per visit or match this browser: the
// `random` seed, os.environ (taken from Node at build time), and the "" that loadPyodide
// puts on sys.path a second time.
const FRESHEN = `
import os, random, sys
random.seed()
for key in [k for k in os.environ if k not in env]:
    del os.environ[key]
os.environ.update(env)
while sys.path.count("") > 1:
    sys.path.remove("")
`;

// loadPyodide awaits the snapshot only once its own downloads have started; without
// one it throws and we start again the normal way, so the snapshot only ever costs a
// download (no snapshot on the site, another Pyodide build, no DecompressionStream).
async function loadFromSnapshot(loadPyodide, options, snapshot) {
  const bytes = snapshot.then((b) => b || Promise.reject(new Error("no snapshot")));
  try {
    const pyodide = await loadPyodide({ ...options, _loadSnapshot: bytes });
    const scope = pyodide.toPy({ env: browserEnv(options.env) });
    pyodide.runPython(FRESHEN, { globals: scope }); // its own namespace, not __main__
    scope.destroy();
    return { pyodide, snapshot: true };
  } catch (err) {
    if (await snapshot) console.warn("livecode: snapshot not usable, starting Python normally", err);
  }
  return { pyodide: await loadPyodide(options), snapshot: false };
}

// What Emscripten puts in the environment of a normal start in a browser, plus ours.
function browserEnv(env) {
  const lang = ((typeof navigator === "object" && navigator.languages && navigator.languages[0]) || "C").replace("-", "_");
  return {
    USER: "web_user",
    LOGNAME: "web_user",
    PATH: "/",
    PWD: "/",
    HOME: "/home/web_user",
    LANG: `${lang}.UTF-8`,
    _: "./this.program",
    PYTHONINSPECT: "1",
    LD_LIBRARY_PATH: "/usr/lib:/lib/python3.12/site-packages",
    ...env,
  };
}
