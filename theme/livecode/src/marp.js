// Glue to Marp's bespoke deck: which slide is shown, CodeMirror re-measuring when a
// slide with cells becomes active, `autorun` cells running once they are shown, and ink.
import { ASSETS, IN_IFRAME, IS_NEXT_PREVIEW } from "./config.js";
import { inkMirror } from "./mirror.js";

function isShown(cell) {
  // In a Marp deck only the active slide counts as shown.
  const slide = cell.root.closest("svg[data-marpit-svg]");
  if (slide && document.querySelector(".bespoke-marp-parent")) {
    return slide.classList.contains("bespoke-marp-active");
  }
  return true;
}

// A Marp slide that becomes active was hidden (content-visibility): let CodeMirror re-measure.
let slideObserver = null;
export function watchSlides(cells) {
  if (slideObserver) slideObserver.disconnect();
  const svgs = [...document.querySelectorAll("svg[data-marpit-svg]")].filter((s) => s.querySelector(".livecode"));
  if (!svgs.length) return;
  slideObserver = new MutationObserver((records) => {
    for (const r of records) {
      if (!r.target.classList.contains("bespoke-marp-active")) continue;
      for (const cell of cells) if (r.target.contains(cell.root)) cell.editor.view.requestMeasure();
    }
  });
  svgs.forEach((s) => slideObserver.observe(s, { attributes: true, attributeFilter: ["class"] }));
}

// Run each `autorun` cell once, the first time it is visible (on a deck: its slide is active).
// A cell with an output computed at build shows it at once and is not run: presenting never
// waits for Python; autorun matters for live-only cells.
let autorunObserver = null;
export function watchAutorun(cells) {
  const pending = cells.filter((c) => c.autorun && !c.hasBuiltOutput);
  if (!pending.length || IS_NEXT_PREVIEW) return;
  const tryRun = () => {
    for (const cell of [...pending]) {
      const r = cell.root.getBoundingClientRect();
      const visible = r.width > 0 && r.bottom > 0 && r.top < innerHeight && isShown(cell);
      if (visible) {
        pending.splice(pending.indexOf(cell), 1);
        cell.run();
      }
    }
  };
  autorunObserver = new IntersectionObserver(tryRun);
  pending.forEach((c) => autorunObserver.observe(c.root));
  // Marp switches slides by class, which an IntersectionObserver does not always see.
  const slides = new MutationObserver(tryRun);
  for (const svg of document.querySelectorAll("svg[data-marpit-svg]")) slides.observe(svg, { attributes: true, attributeFilter: ["class"] });
  const prevDisconnect = autorunObserver.disconnect.bind(autorunObserver);
  autorunObserver.disconnect = () => {
    prevDisconnect();
    slides.disconnect();
  };
  tryRun();
}

// Stop watching the previous page's autorun cells (a new page is being set up).
export function stopAutorun() {
  if (autorunObserver) autorunObserver.disconnect();
}

// Ink on the slides (ink.js, its own bundle) in a deck's window: drawn and kept in a deck
// opened on its own and in presenter view, shown read-only in the presenter's next-slide
// preview, never in a deck embedded in a textbook page nor on any other page.
export function loadInk() {
  if (!document.querySelector(".bespoke-marp-parent") || (IN_IFRAME && !IS_NEXT_PREVIEW)) return;
  import(new URL("ink.js", ASSETS).href)
    .then((m) => m.startInk(inkMirror, { readOnly: IN_IFRAME }))
    .catch((err) => console.warn("livecode: ink not loaded", err));
}
