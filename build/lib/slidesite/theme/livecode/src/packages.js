// In the worker: install what a cell imports before it runs. Pyodide finds the imports
// and installs the packages; fonttools when the code saves figures (the build leaves it
// out of matplotlib's dependencies); our extras (CJK font, and through speedups.js the
// .pyc overlays and font cache) right after a package is installed.
export const FONT_PATH = "/lib/livecode/fonts/livecode-jp-gothic.ttf";
const FONT_FILE = "livecode-jp-gothic.ttf";

export class Packages {
  /**
   * @param {{extrasURL: string, packages: string[]}} config from the init message
   * @param {(fetchExtra: (name: string) => Promise<ArrayBuffer | null>) => object} makeSpeedups
   */
  constructor(config, makeSpeedups) {
    this.extrasURL = config.extrasURL;
    this.packages = config.packages || [];
    this.extras = new Map();
    this.applied = new Set();
    this.pyodide = null;
    this.speedups = makeSpeedups((name) => this.fetchExtra(name));
  }

  // Our extras (font, .pyc overlays, font cache) are optional: a 404 only costs speed.
  fetchExtra(name) {
    if (!this.extras.has(name)) {
      const url = new URL(name, this.extrasURL).href;
      const p = fetch(url)
        .then((r) => (r.ok ? r.arrayBuffer() : null))
        .catch(() => null);
      this.extras.set(name, p);
    }
    return this.extras.get(name);
  }

  // Downloads for these import names, started before they are needed.
  prefetchExtras(names) {
    this.speedups.prefetchOverlays(names);
    if (names.includes("matplotlib")) this.fetchExtra(FONT_FILE);
  }

  async writeFont() {
    if (this.pyodide.FS.analyzePath(FONT_PATH).exists) return;
    const data = await this.fetchExtra(FONT_FILE);
    if (data) this.pyodide.FS.writeFile(FONT_PATH, new Uint8Array(data));
    else console.warn("livecode: CJK font not loaded");
  }

  // Right after a package is installed and before anything imports it.
  async applyExtras() {
    const loaded = this.pyodide.loadedPackages;
    for (const name of this.packages) {
      if (!loaded[name] || this.applied.has(name)) continue;
      this.applied.add(name);
      await this.speedups.applyOverlays(this.pyodide, name);
      if (name === "matplotlib") await this.writeFont();
    }
  }

  findImports(code) {
    const proxy = this.pyodide.pyimport("pyodide.code").find_imports(code);
    try {
      return proxy.toJs();
    } finally {
      proxy.destroy();
    }
  }

  /**
   * Install the packages `code` imports (and their extras); returns the import names.
   * Pyodide's "Loading …" lines go to onMessage, its errors to onError.
   */
  async load(code, { onMessage, onError }) {
    const callbacks = { messageCallback: onMessage, errorCallback: onError };
    const pyodide = this.pyodide;
    if (SAVES_FIGURES.test(code) && !pyodide.loadedPackages.fonttools && (await this.speedups.lock()).packages.fonttools) {
      await pyodide.loadPackage("fonttools", callbacks);
    }
    if (!/\bimport\b/.test(code)) return []; // nothing to load: skip parsing the code
    const found = this.findImports(code);
    this.prefetchExtras(found);
    await pyodide.loadPackagesFromImports(code, callbacks);
    await this.applyExtras();
    return found;
  }
}

// matplotlib imports fonttools only to write PDF/PS files, so code that saves figures gets it.
const SAVES_FIGURES = /savefig|PdfPages|backend_p(?:df|s)\b/;
