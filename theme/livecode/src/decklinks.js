// A deck's downloads in its toolbar (Marp's on-screen controller): the PDF and the Jupyter
// notebook, from the <link rel="alternate"> tags the build puts in the deck's <head>.
import { el } from "./dom.js";

const LABELS = { "application/pdf": "PDF", "application/x-ipynb+json": "ノートブック (.ipynb)" };

export function addDeckLinks() {
  const bar = document.querySelector(".bespoke-marp-osc");
  if (!bar || bar.querySelector(".slidesite-deck-download")) return;
  const before = bar.querySelector('[data-bespoke-marp-osc="fullscreen"]');
  for (const link of document.querySelectorAll('head link[rel="alternate"]')) {
    const label = LABELS[link.type];
    if (!label) continue;
    const a = el("a", { class: "slidesite-deck-download", href: link.href, download: "", title: link.title || label }, label);
    bar.insertBefore(a, before);
  }
}
