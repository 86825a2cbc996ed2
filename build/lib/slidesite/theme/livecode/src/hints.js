// After an error: a NameError after jumping straight to a later slide or section usually
// means a helper defined in an earlier cell, so offer to run those cells first.
import { LABELS } from "./config.js";

// Cells above `cell` that have not run in the current interpreter.
export function unrunAbove(cell, cells) {
  return cells.filter((c) => c.index < cell.index && (c.state !== "done" || c.root.classList.contains("livecode-stale")));
}

export function hintUnrunCells(cell, cells) {
  if (!/^NameError: /m.test(cell.output.textContent) || !unrunAbove(cell, cells).length) return;
  cell.append("notice", "上のセルで定義された名前かもしれません。まだ実行していないセルがあります。\n");
  cell.addButton("run-above-first", LABELS.runAboveFirst);
}

// The same after 「答え合わせ」: a check line that calls a helper from an earlier cell (a step
// function, a training loop) fails with a NameError until those cells have run.
export function hintUnrunBeforeCheck(cell, cells, results) {
  if (!results.some((r) => /NameError/.test(r.message)) || !unrunAbove(cell, cells).length) return;
  cell.append("notice", "答え合わせの式が、上のまだ実行していないセルで定義される名前を使っています。\n");
  cell.addButton("check-above-first", LABELS.checkAboveFirst);
}
