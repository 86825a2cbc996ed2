// Start Python from a memory snapshot made at build time (tools/snapshot.mjs) instead of
// initialising the interpreter, which is most of the core's start-up. Any failure (no
// snapshot on the site, another Pyodide build, no DecompressionStream) falls back to a
// normal start, so the snapshot only ever costs a download.

// The gunzipped snapshot, or null when there is none; starts downloading at once.
export function fetchSnapshot(url) {
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
// one it throws and we start again the normal way.
export async function loadCore(loadPyodide, options, snapshot) {
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
