// The site's service worker: after one visit, the site works offline.
//
// Our own rather than Workbox: the site needs three small rules (below) and a version-named
// cache, not a bundler step and Workbox's precache manifest of every file (Python alone is 36 MB).
// The build (scripts/slidesite/offline.py) writes this file to the site's root with the values
// in the placeholders: the build's version, the shell's files, the Python files' fingerprint.
//
// - Pages and the site's own files: network first (online, a reader always gets this deploy),
//   each response kept in this version's cache; offline, the cached copy.
// - Python (assets/pyodide/): cache first, in a cache named by the fingerprint of those files,
//   so 36 MB are downloaded once and kept across deploys until Pyodide's files change.
// - A new deploy has a new version: its worker caches the shell, takes over at once and deletes
//   every other cache of ours, so pages and files of two deploys never mix.

const VERSION = "__VERSION__";
const SHELL = __SHELL__;
const SITE_CACHE = `slidesite-site-${VERSION}`;
const PYTHON_CACHE = "slidesite-python-__PYTHON_KEY__";
const ROOT = new URL("./", self.location).href;
const PYTHON = new URL("assets/pyodide/", ROOT).href;
const NEVER = [new URL("livereload/", ROOT).href]; // mkdocs serve's reload polling

self.addEventListener("install", (event) => {
  event.waitUntil(
    caches
      .open(SITE_CACHE)
      .then((cache) => cache.addAll(SHELL.map((path) => new Request(new URL(path, ROOT), { cache: "reload" }))))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names
            .filter((n) => n.startsWith("slidesite-") && n !== SITE_CACHE && n !== PYTHON_CACHE)
            .map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener("fetch", (event) => {
  const { request } = event;
  if (request.method !== "GET" || !request.url.startsWith(ROOT)) return;
  if (NEVER.some((prefix) => request.url.startsWith(prefix))) return;
  if (request.headers.has("range")) return; // partial responses cannot be cached
  event.respondWith(request.url.startsWith(PYTHON) ? cacheFirst(request) : networkFirst(request));
});

async function cacheFirst(request) {
  const cache = await caches.open(PYTHON_CACHE);
  const hit = await cache.match(request, { ignoreSearch: true });
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok && response.status === 200) await cache.put(request, response.clone());
  return response;
}

async function networkFirst(request) {
  const cache = await caches.open(SITE_CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.status === 200 && response.type === "basic") {
      cache.put(request, response.clone()).catch(() => {});
    }
    return response;
  } catch (error) {
    const hit = (await cache.match(request)) || (await cache.match(request, { ignoreSearch: true }));
    if (hit) return hit;
    if (request.mode === "navigate") return notSaved();
    throw error;
  }
}

// A page loaded before this worker took over asks it to keep the page and what it loaded.
self.addEventListener("message", (event) => {
  const data = event.data || {};
  if (data.type !== "keep" || !Array.isArray(data.urls)) return;
  event.waitUntil(Promise.all(data.urls.filter((u) => typeof u === "string" && u.startsWith(ROOT)).map(keep)));
});

async function keep(url) {
  const cache = await caches.open(url.startsWith(PYTHON) ? PYTHON_CACHE : SITE_CACHE);
  if (NEVER.some((prefix) => url.startsWith(prefix)) || (await cache.match(url))) return;
  try {
    const response = await fetch(url); // from the browser's HTTP cache, as a rule
    if (response.ok && response.status === 200) await cache.put(url, response);
  } catch {
    // offline or gone: nothing to keep
  }
}

// Offline, a page not visited before: say so plainly, in the site's language.
function notSaved() {
  const body = `<!doctype html><html lang="ja"><meta charset="utf-8"><meta name="viewport" content="width=device-width">
<title>オフライン</title><body style="font-family:sans-serif;max-width:36em;margin:3em auto;padding:0 1em;line-height:1.7">
<h1 style="font-size:1.3em">オフラインです</h1><p>このページはまだこの端末に保存されていません。
一度開いたページは、オフラインでも読めます。ネットワークにつながったら、もう一度開いてください。</p>
<p><a href="${ROOT}">ホームへ</a>（保存されていれば開けます）</p></body></html>`;
  return new Response(body, { status: 503, headers: { "Content-Type": "text/html; charset=utf-8" } });
}
