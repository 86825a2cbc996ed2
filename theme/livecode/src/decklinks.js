// A deck's downloads in its toolbar (Marp's on-screen controller): the PDF, the Jupyter notebook and
// 「Colab で開く」, from the <link rel="alternate" data-deck-link> tags the build puts in the deck's <head>
// (notebook.py, deck_head_tags).
import { el } from "./dom.js";

export function addDeckLinks() {
  const bar = document.querySelector(".bespoke-marp-osc");
  if (!bar) return;
  // Marp takes its toolbar's buttons out of the tab order (tabindex=-1; each has a key of its own):
  // put them back, so a keyboard reaches every control the mouse does.
  for (const button of bar.querySelectorAll("button[tabindex='-1']")) button.tabIndex = 0;
  if (bar.querySelector(".slidesite-deck-download")) return;
  const before = bar.querySelector('[data-bespoke-marp-osc="fullscreen"]');
  for (const link of document.querySelectorAll('head link[rel="alternate"][data-deck-link]')) {
    const attrs = { class: "slidesite-deck-download", href: link.href, "data-action": link.dataset.deckLink };
    if (link.dataset.deckLink === "colab") Object.assign(attrs, { target: "_blank", rel: "noopener" });
    else attrs.download = "";
    bar.insertBefore(el("a", attrs, link.title), before);
  }
}
