// Settings of the runtime: defaults, what the build put in <meta name="livecode-config">
// (see runtime_head_tags in scripts/slidesite/livecode_assets.py), the page's URL
// parameters, and the labels every cell shows.

const DEFAULTS = {
  pyodideUrl: null, // null: self-hosted next to this bundle (../pyodide/)
  pyodideVersion: null, // the Pyodide the build serves
  packages: [], // what cells may import (the build's PACKAGES): preloaded and prefetched
  preload: "idle", // "idle": start Python when the page is idle; "run": only at the first Run
  idleDelay: 800, // ms after load before the idle preload starts
  timeout: 30, // seconds, per run; a cell's timeout=N overrides it
  maxLines: 1000,
  maxChars: 100000,
  loadTimeout: 120, // seconds before a load that never finishes is reported
  speedups: true, // false (or ?livecode-speedups=off): plain Pyodide start, see speedups.js
};

export const LABELS = {
  run: "▶ 実行",
  stop: "■ 停止",
  reset: "元に戻す",
  copy: "コピー",
  restart: "Python を再起動",
  resetAll: "すべてのセルを元に戻す",
  retry: "再試行",
  rerunAbove: "上のセルを再実行",
  runAboveFirst: "上のセルを実行してから再実行",
  checkAboveFirst: "上のセルを実行してから答え合わせ",
};

export const BUILT_NOTE = "ビルド時に計算した出力";
export const BUILT_NOTE_TITLE = "サイトを作るときに計算しておいた出力です。「▶ 実行」を押すと、この場で計算し直した出力に置き換わります。";
export const LIVE_ONLY_NOTE = "このセルはビルド時には実行していません。「▶ 実行」で結果が表示されます。\n";

export const STATE_TEXT = {
  idle: "",
  loading: "準備中…",
  running: "実行中…",
  done: "完了",
  error: "エラー",
  stopped: "停止しました",
};

const params = new URLSearchParams(location.search);

function readConfig() {
  const meta = document.querySelector('meta[name="livecode-config"]');
  let fromMeta = {};
  if (meta) {
    try {
      fromMeta = JSON.parse(meta.content);
    } catch {
      console.warn("livecode: bad livecode-config meta");
    }
  }
  const fromUrl = params.get("livecode-speedups") === "off" ? { speedups: false } : {};
  return { ...DEFAULTS, ...(window.LIVECODE_CONFIG || {}), ...fromMeta, ...fromUrl };
}

export const config = readConfig();
// How long Python gets to answer a KeyboardInterrupt before its worker is terminated;
// generous because a loaded two-core machine can starve the worker thread for a while.
export const STOP_GRACE_MS = 1500;
export const ASSETS = new URL("./", import.meta.url);
export const indexURL = new URL(config.pyodideUrl || "../pyodide/", ASSETS).href;
// Our own additions (CJK font, .pyc overlays, font cache) are on the site even with a CDN.
export const extrasURL = new URL("../pyodide/livecode/", ASSETS).href;
export const IS_NEXT_PREVIEW = params.get("view") === "next"; // Marp presenter's next-slide iframe
export const IN_IFRAME = window.self !== window.top;

// Top-level packages of config.packages that code imports (a rough look before Python is there).
export function importedPackages(code) {
  const names = new Set();
  for (const m of code.matchAll(/^\s*(?:from|import)\s+([A-Za-z_][\w]*)/gm)) names.add(m[1]);
  return [...names].filter((n) => config.packages.includes(n));
}

// Whether code names one of config.packages anywhere (worth an idle preload).
export function mentionsPackage(code) {
  return config.packages.some((name) => new RegExp(`\\b${name.replace(/[^\w]/g, "\\$&")}\\b`).test(code));
}
