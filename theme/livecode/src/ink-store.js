// Ink kept in localStorage: one entry per deck (its path), each slide's strokes with a
// fingerprint of the slide's text, so strokes follow a slide the author moved. Storage may
// be unavailable (privacy mode, quota): then ink lasts as long as the window.
import { cleanStroke } from "./ink-strokes.js";

const KEY = `livecode:ink:v1:${location.pathname}`;
const PRINT_KEY = "livecode:ink:print";

// FNV-1a of the slide's text.
export function fingerprint(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16);
}

/**
 * Strokes saved for this deck: Map slide number → strokes. `prints[n - 1]` is slide n's
 * fingerprint now; a saved slide whose fingerprint moved to exactly one other slide goes there.
 */
export function loadInk(prints) {
  const out = new Map();
  let saved = null;
  try {
    saved = JSON.parse(localStorage.getItem(KEY) || "null");
  } catch {
    return out;
  }
  if (!saved || typeof saved.slides !== "object" || !saved.slides) return out;
  for (const [key, entry] of Object.entries(saved.slides)) {
    let n = parseInt(key, 10);
    if (!entry || !Array.isArray(entry.strokes)) continue;
    if (entry.fp && prints[n - 1] !== entry.fp) {
      const moved = prints.flatMap((fp, i) => (fp === entry.fp ? [i + 1] : []));
      if (moved.length === 1) n = moved[0];
    }
    if (!(n >= 1 && n <= prints.length)) continue;
    const strokes = entry.strokes.map(cleanStroke).filter(Boolean);
    if (strokes.length) out.set(n, [...(out.get(n) || []), ...strokes]);
  }
  return out;
}

/** Save every slide's strokes (Map slide number → {strokes}); an empty deck removes the entry. */
export function saveInk(slides, prints) {
  const entries = {};
  for (const [n, slide] of slides) {
    if (slide.strokes.length) entries[n] = { fp: prints[n - 1], strokes: slide.strokes };
  }
  try {
    if (Object.keys(entries).length) localStorage.setItem(KEY, JSON.stringify({ slides: entries }));
    else localStorage.removeItem(KEY);
    return true;
  } catch {
    return false; // quota or privacy mode
  }
}

/** Whether printing the deck includes the strokes (one setting for every deck). */
export function printsInk() {
  try {
    return localStorage.getItem(PRINT_KEY) !== "off";
  } catch {
    return true;
  }
}

export function setPrintsInk(on) {
  try {
    if (on) localStorage.removeItem(PRINT_KEY);
    else localStorage.setItem(PRINT_KEY, "off");
  } catch {
    /* storage unavailable */
  }
}

/** Call fn(on) when another window of the site changes the print setting. */
export function watchPrintsInk(fn) {
  window.addEventListener("storage", (e) => {
    if (e.key === PRINT_KEY || e.key === null) fn(printsInk());
  });
}
