// Presenter view → audience window: Marp's presenter view is a second window with its
// own copy of the deck, so a cell run there would otherwise never reach the projector.
// The presenter window publishes what its cells show (code, state, output); the
// audience window of the same deck repeats it. Only the presenter runs Python.
const params = new URLSearchParams(location.search);
const VIEW = params.get("view");
const IS_DECK = () => !!document.querySelector(".bespoke-marp-parent, svg[data-marpit-svg]");

const IS_PRESENTER = VIEW === "presenter";

let channel = null;
function open() {
  if (!channel && typeof BroadcastChannel === "function") channel = new BroadcastChannel(`livecode-mirror:${location.pathname}`);
  return channel;
}

// From the presenter window: one event about one cell.
export function publish(cell, type, data = {}) {
  if (!IS_PRESENTER) return;
  const ch = open();
  if (ch) ch.postMessage({ cell, type, ...data });
}

// In the audience window of a deck: `apply(message)` for every event the presenter sends.
export function subscribe(apply) {
  if (VIEW || !IS_DECK()) return;
  const ch = open();
  if (ch) ch.onmessage = (event) => apply(event.data);
}
