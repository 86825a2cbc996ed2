// Page setup: finds the page's cells, reads the page's Python modules, schedules the idle
// preload, and does it again after each of MkDocs Material's instant navigations.
import { ASSETS, config, importedPackages, IN_IFRAME, IS_NEXT_PREVIEW } from "./config.js";
import { allCells, Cell, setCells } from "./cell.js";
import { el } from "./dom.js";
import { stopAutorun, watchAutorun, watchSlides } from "./marp.js";
import { subscribe } from "./mirror.js";
import { runtime } from "./runtime.js";
import { refreshProgress } from "./storage.js";

let pageCounter = 0;
let currentPath = null;

runtime.cells = () => allCells;
runtime.listeners.add((rt) => {
  for (const cell of allCells) cell.showRuntime(rt);
});

// The page's modules (<script class="livecode-modules">: [{name, url}]) as [{name, text}].
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

function setupPage() {
  refreshProgress(document);
  const sources = [...document.querySelectorAll("pre.livecode-source")];
  const samePage = currentPath === location.pathname + location.search && allCells.some((c) => c.root.isConnected);
  if (!sources.length && samePage) return;
  // A new page (first load or instant navigation): stop what ran on the old one.
  if (runtime.current && !runtime.current.cell.root.isConnected) runtime.stop(runtime.current.cell);
  runtime.queue = runtime.queue.filter((j) => j.cell.root.isConnected);
  currentPath = location.pathname + location.search;
  stopAutorun();
  setCells(sources.map((pre, i) => new Cell(pre, parseInt(pre.dataset.cell, 10) || i + 1)));
  pageCounter += 1;
  const modules = readModules(document);
  const allCode = allCells.map((c) => c.authorCode).join("\n");
  runtime.setPage({ id: pageCounter, modules, hints: importedPackages(allCode) });
  if (!allCells.length) return;
  for (const cell of allCells) cell.setState("idle");
  subscribe((msg) => {
    const cell = allCells.find((c) => c.index === msg.cell);
    if (cell) cell.mirror(msg);
  });
  watchSlides(allCells);
  watchAutorun(allCells);
  schedulePreload(allCode, modules);
}

// When to start Python before the first Run. Outputs are computed at build, so reading
// needs none of it: a laptop on a fixed line still loads it when the page is idle (the first
// Run is then quick), but with Data Saver, on a cellular connection or on a touch screen
// (a phone), nothing is loaded until the reader touches a cell.
export function preloadPolicy() {
  if (config.preload !== "idle") return "run";
  const connection = navigator.connection;
  if (connection && (connection.saveData || connection.type === "cellular")) return "touch";
  if (window.matchMedia && matchMedia("(pointer: coarse)").matches) return "touch";
  return "idle";
}

// Start Python (and install what the page imports) once the page is idle or a cell is
// touched, so that the first Run is quick; not in an iframe (a deck inside a page) nor in
// the presenter's preview.
let preloadScheduled = false;
let touchListener = null;
function schedulePreload(code, modules) {
  const policy = preloadPolicy();
  window.__livecode.preloadPolicy = policy;
  if (policy === "run" || IN_IFRAME || IS_NEXT_PREVIEW) return;
  const go = async () => {
    const mods = await modules;
    runtime.preload(code + "\n" + mods.map((m) => m.text).join("\n"));
  };
  if (runtime.status === "ready" || runtime.status === "loading") {
    go();
    return;
  }
  if (policy === "touch") {
    const events = ["focusin", "pointerdown"];
    if (touchListener) for (const type of events) document.removeEventListener(type, touchListener, true);
    touchListener = (e) => {
      if (!(e.target instanceof Element) || !e.target.closest(".livecode")) return;
      for (const type of events) document.removeEventListener(type, touchListener, true);
      touchListener = null;
      go();
    };
    for (const type of events) document.addEventListener(type, touchListener, true);
    return;
  }
  if (preloadScheduled) return;
  preloadScheduled = true;
  setTimeout(() => {
    const idle = window.requestIdleCallback || ((fn) => setTimeout(fn, 1));
    idle(() => go(), { timeout: 2000 });
  }, config.idleDelay);
}

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

/** Add the stylesheet, then set up the page now and after every instant navigation. */
export function startPages() {
  return loadStyles().then(() => {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      // MkDocs Material instant navigation: runs once now and after every page switch.
      window.document$.subscribe(() => setupPage());
    } else {
      setupPage();
    }
  });
}
