// Live Python cells: turns every <pre class="livecode-source"> into an editor with
// Run / Stop / Reset and runs the code in one Pyodide Web Worker per page (per visit
// with MkDocs Material's instant navigation). Output is only ever inserted as text
// or as <img> of PNG data: nothing a cell prints is parsed as HTML.
//
// Where things are: config.js (settings, labels), protocol.js (page ↔ worker messages),
// runtime.js (worker lifecycle, job queue), cell.js (a cell's DOM and buttons),
// output.js (rendering output), storage.js (saved edits), hints.js (NameError hint),
// page.js (page setup, instant navigation, preload), marp.js (deck glue),
// mirror.js (presenter → audience); worker.js and speedups.js run in the worker.
import { config } from "./config.js";
import { allCells } from "./cell.js";
import { startPages } from "./page.js";
import { runtime } from "./runtime.js";

// For tests and the benchmark.
window.__livecode = { runtime, config, workerStarts: 0, get cells() {
  return allCells;
} };

startPages();
