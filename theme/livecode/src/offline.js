// Offline after one visit (the service worker is theme/offline/sw.js, written to the site's root
// by the build): register it, say quietly when the browser is offline, and before a phone or Data
// Saver downloads Python for the first time, say in the cells how much that is.
import { ASSETS, importedPackages } from "./config.js";
import { el } from "./dom.js";

const ROOT = new URL("../../", ASSETS); // assets/livecode/ → the site's root
const MB = 1024 * 1024;

const controlledAtStart = "serviceWorker" in navigator && !!navigator.serviceWorker.controller;

export function registerOffline(runtime) {
  if (!("serviceWorker" in navigator) || !/^https?:$/.test(location.protocol)) return;
  if (window.self === window.top) {
    navigator.serviceWorker.register(new URL("sw.js", ROOT), { scope: ROOT.pathname }).catch((err) => {
      console.info("livecode: no offline copy of the site", err.message);
    });
  }
  // What loaded before the worker took over (the first visit) did not pass through it: ask it to keep that.
  if (!controlledAtStart) navigator.serviceWorker.ready.then((reg) => keepLoaded(reg.active));
  // Python's files, if its worker started before the service worker took over (a first visit).
  const onReady = async (rt) => {
    if (rt.status !== "ready") return;
    runtime.listeners.delete(onReady);
    if (await pythonSaved()) return;
    const code = rt.cells().map((c) => c.authorCode).join("\n");
    const files = pythonFiles(code, await downloadSizes());
    keepPython(files.map(([path]) => new URL(`assets/pyodide/${path}`, ROOT).href));
  };
  runtime.listeners.add(onReady);
  if (window.self !== window.top) return;
  showConnection();
  addEventListener("online", showConnection);
  addEventListener("offline", showConnection);
}

function keepLoaded(worker) {
  if (!worker) return;
  const urls = [location.href.split("#")[0], ...performance.getEntriesByType("resource").map((e) => e.name)];
  worker.postMessage({ type: "keep", urls: urls.filter((u) => u.startsWith(ROOT.href)) });
}

function keepPython(urls) {
  if (!("serviceWorker" in navigator)) return;
  navigator.serviceWorker.ready.then((reg) => reg.active && reg.active.postMessage({ type: "keep", urls }));
}

// A small note in a corner while offline; gone when the connection is back.
function showConnection() {
  let note = document.querySelector(".slidesite-offline");
  if (navigator.onLine) {
    if (note) note.remove();
    return;
  }
  if (note) return;
  note = el("div", { class: "slidesite-offline", role: "status" }, "オフライン — 保存済みのページと Python で動いています");
  document.body.append(note);
}

// Whether Python's files are already in this browser's offline copy (then a Run downloads nothing).
async function pythonSaved() {
  if (!("caches" in window)) return false;
  try {
    const names = (await caches.keys()).filter((n) => n.startsWith("slidesite-python-"));
    for (const name of names) {
      const cache = await caches.open(name);
      if (await cache.match(new URL("assets/pyodide/pyodide.asm.wasm", ROOT).href)) return true;
    }
  } catch {
    return false;
  }
  return false;
}

let sizes = null;
async function downloadSizes() {
  if (!sizes) {
    sizes = fetch(new URL("assets/livecode/download-sizes.json", ROOT))
      .then((r) => (r.ok ? r.json() : {}))
      .catch(() => ({}));
  }
  return sizes;
}

/** What the first Run of code downloads, [path under assets/pyodide/, bytes] pairs: the core, and the
 * packages it imports with theirs (each once) and the runtime's extras for them. */
export function pythonFiles(code, s) {
  if (!s || !s.core) return [];
  const names = importedPackages(code);
  const packages = new Set(names.flatMap((n) => (s.depends && s.depends[n]) || []));
  return [
    ...s.core,
    ...[...packages].map((p) => s.packages[p]).filter(Boolean),
    ...names.flatMap((n) => (s.extras && s.extras[n]) || []),
  ];
}

export function bytesFor(code, s) {
  return pythonFiles(code, s).reduce((sum, [, bytes]) => sum + bytes, 0);
}

export function megabytes(bytes) {
  return (bytes / MB).toFixed(bytes < 10 * MB ? 1 : 0);
}

/**
 * Before nothing is downloaded (policy "touch": a phone, Data Saver, a cellular connection),
 * each cell says what its first Run will fetch; the note goes once Python starts loading.
 */
export async function announceDownload(cells, runtime) {
  if (!cells.length || runtime.status === "ready" || runtime.status === "loading") return;
  if (await pythonSaved()) return;
  const code = cells.map((c) => c.authorCode).join("\n");
  const bytes = bytesFor(code, await downloadSizes());
  if (!bytes) return;
  const text = `初めて実行すると Python（約 ${megabytes(bytes)} MB）をダウンロードします（Wi-Fi での実行がおすすめです）。`;
  const notes = [];
  for (const cell of cells) {
    if (!cell.root.isConnected || cell.root.querySelector(".livecode-download")) continue;
    const note = el("p", { class: "livecode-download", "data-bytes": String(bytes) }, text);
    cell.root.insertBefore(note, cell.output);
    notes.push(note);
  }
  const drop = (rt) => {
    if (rt.status === "off") return;
    notes.forEach((n) => n.remove());
    runtime.listeners.delete(drop);
  };
  runtime.listeners.add(drop);
}
