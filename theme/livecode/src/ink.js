// Ink on slides: draw, highlight, erase and point while presenting a Marp deck. Its own
// bundle (assets/livecode/ink.js + ink.css), loaded by marp.js only in a deck's window, so
// textbook pages never get it. One Ink per window; what it changes on a slide goes to the
// deck's other windows (presenter view ↔ audience) through mirror.js's channel and into
// localStorage (ink-store.js).
//
// Messages (all carry `ink`): live (a stroke being drawn: its points so far, from index
// `from`), slide (a slide's whole state after a change: strokes and history), laser (points
// the laser passed; it fades by itself), clear-all, hello (a new window asks) and all (an
// open window answers with every slide).
import { SlideLayer } from "./ink-layer.js";
import { watchPointers } from "./ink-input.js";
import { fingerprint, loadInk, printsInk, saveInk, setPrintsInk, watchPrintsInk } from "./ink-store.js";
import {
  addPoint,
  addStroke,
  cleanSlide,
  cleanStroke,
  clearSlide,
  emptySlide,
  eraseStrokes,
  HIGHLIGHT_WIDTH,
  newId,
  redo,
  touches,
  undo,
  WIDTHS,
} from "./ink-strokes.js";
import { buildToolbar, watchKeys } from "./ink-toolbar.js";

const STALE_LIVE_MS = 5000; // a stroke another window never finished (it closed mid-stroke)

export class Ink {
  constructor(mirror, { readOnly = false } = {}) {
    this.mirror = mirror;
    this.readOnly = readOnly;
    const svgs = [...document.querySelectorAll(".bespoke-marp-parent > svg[data-marpit-svg]")];
    this.prints = svgs.map((svg) => fingerprint(slideText(svg)));
    this.layers = svgs.map((svg, i) => new SlideLayer(svg, i + 1));
    this.slides = new Map(); // slide number → {strokes, undo, redo}
    this.live = new Map(); // slide number → Map(id → stroke being drawn, here or elsewhere)
    this.changed = new Set(); // slides changed since this window opened
    this.tool = { kind: "pen", color: "red", width: "thin" };
    this.drawing = false;
    this.listeners = new Set(); // the toolbar: called after every change of mode, tool or ink
    for (const [n, strokes] of loadInk(this.prints)) this.slides.set(n, { ...emptySlide(), strokes });
    for (const layer of this.layers) this.render(layer.number);
    document.documentElement.classList.toggle("ink-noprint", !printsInk());
    watchPrintsInk((on) => {
      document.documentElement.classList.toggle("ink-noprint", !on);
      this.notify();
    });
    mirror.listen((msg) => msg && typeof msg.ink === "string" && this.receive(msg));
    this.send({ ink: "hello" });
  }

  // ------------------------------------------------------------ state

  layer(n) {
    return this.layers[n - 1] || null;
  }

  slide(n) {
    if (!this.slides.has(n)) this.slides.set(n, emptySlide());
    return this.slides.get(n);
  }

  liveOf(n) {
    if (!this.live.has(n)) this.live.set(n, new Map());
    return this.live.get(n);
  }

  /** The number of the slide on screen (1-based), or 0. */
  activeSlide() {
    const i = this.layers.findIndex((l) => l.svg.classList.contains("bespoke-marp-active"));
    return i + 1;
  }

  render(n) {
    const layer = this.layer(n);
    if (!layer) return;
    const live = this.liveOf(n);
    const now = performance.now();
    for (const [id, stroke] of live) if (stroke.remote && now - stroke.seen > STALE_LIVE_MS) live.delete(id);
    layer.draw(this.slides.has(n) ? this.slides.get(n).strokes : [], live);
  }

  notify() {
    for (const fn of this.listeners) fn(this);
  }

  send(msg) {
    this.mirror.broadcast(msg);
  }

  save() {
    if (!saveInk(this.slides, this.prints)) console.warn("livecode: ink not saved (storage unavailable or full)");
  }

  /** After a change made here: draw it, tell the other windows, keep it. */
  commit(n, extra = {}) {
    this.changed.add(n);
    this.render(n);
    this.send({ ink: "slide", n, state: this.slide(n), ...extra });
    this.save();
    this.notify();
  }

  // ------------------------------------------------------------ mode and tools

  setDrawing(on) {
    if (this.readOnly) return;
    this.drawing = !!on;
    document.documentElement.classList.toggle("ink-drawing", this.drawing);
    if (!this.drawing) for (const layer of this.layers) layer.hideLaser();
    this.notify();
  }

  setTool(change) {
    this.tool = { ...this.tool, ...change };
    document.documentElement.dataset.inkTool = this.tool.kind;
    this.notify();
  }

  setPrints(on) {
    setPrintsInk(on);
    document.documentElement.classList.toggle("ink-noprint", !on);
    this.notify();
  }

  // ------------------------------------------------------------ strokes (ink-input.js calls these)

  beginStroke(n, x, y) {
    const kind = this.tool.kind === "highlighter" ? "highlighter" : "pen";
    const width = kind === "highlighter" ? HIGHLIGHT_WIDTH : WIDTHS[this.tool.width] || WIDTHS.thin;
    const stroke = { id: newId(), kind, color: this.tool.color, width, pts: [], sent: 0 };
    addPoint(stroke.pts, x, y);
    this.liveOf(n).set(stroke.id, stroke);
    this.strokeMoved(n, stroke);
    return stroke;
  }

  extendStroke(n, stroke, x, y) {
    addPoint(stroke.pts, x, y);
  }

  /**
   * Draw the new points and send them at once: the browser delivers pointer moves once per
   * frame (the rest as coalesced events), so this runs at most at the display's rate.
   */
  strokeMoved(n, stroke) {
    if (stroke.sent === stroke.pts.length) return;
    this.layer(n).drawLive(stroke);
    const { id, kind, color, width } = stroke;
    this.send({ ink: "live", n, id, kind, color, width, from: stroke.sent, pts: stroke.pts.slice(stroke.sent) });
    stroke.sent = stroke.pts.length;
  }

  endStroke(n, stroke) {
    this.liveOf(n).delete(stroke.id);
    if (stroke.pts.length === 2) addPoint(stroke.pts, stroke.pts[0] + 0.5, stroke.pts[1]); // a tap: a dot
    const { id, kind, color, width, pts } = stroke;
    addStroke(this.slide(n), { id, kind, color, width, pts: [...pts] });
    this.commit(n, { done: stroke.id });
  }

  erase(n, x0, y0, x1, y1, gesture) {
    const slide = this.slide(n);
    const ids = slide.strokes.filter((s) => touches(s, x0, y0, x1, y1)).map((s) => s.id);
    if (ids.length && eraseStrokes(slide, ids, gesture)) this.commit(n);
  }

  laser(n, points) {
    this.layer(n).pointLaser(points);
    this.send({ ink: "laser", n, pts: points });
  }

  // ------------------------------------------------------------ commands (toolbar and keys)

  undo() {
    const n = this.activeSlide();
    if (n && undo(this.slide(n))) this.commit(n);
  }

  redo() {
    const n = this.activeSlide();
    if (n && redo(this.slide(n))) this.commit(n);
  }

  clear() {
    const n = this.activeSlide();
    if (n && clearSlide(this.slide(n))) this.commit(n);
  }

  clearAll() {
    this.slides.clear();
    this.live.clear();
    for (const layer of this.layers) this.render(layer.number);
    this.send({ ink: "clear-all" });
    this.save();
    this.notify();
  }

  canUndo() {
    const n = this.activeSlide();
    return !!n && this.slides.has(n) && this.slides.get(n).undo.length > 0;
  }

  canRedo() {
    const n = this.activeSlide();
    return !!n && this.slides.has(n) && this.slides.get(n).redo.length > 0;
  }

  hasInk() {
    return [...this.slides.values()].some((s) => s.strokes.length);
  }

  // ------------------------------------------------------------ from the other windows

  receive(msg) {
    const n = msg.n;
    if (n !== undefined && !(Number.isInteger(n) && this.layer(n))) return;
    if (msg.ink === "hello") {
      const slides = [...this.slides].filter(([, s]) => s.strokes.length || s.undo.length || s.redo.length);
      if (slides.length) this.send({ ink: "all", slides });
    } else if (msg.ink === "all" && Array.isArray(msg.slides)) {
      // A window opened later takes what the open ones have (history too), unless it changed it.
      for (const [m, state] of msg.slides) {
        if (!Number.isInteger(m) || !this.layer(m) || this.changed.has(m)) continue;
        this.slides.set(m, cleanSlide(state));
        this.render(m);
      }
      this.notify();
    } else if (msg.ink === "slide") {
      this.slides.set(n, cleanSlide(msg.state));
      this.changed.add(n);
      if (typeof msg.done === "string") this.liveOf(n).delete(msg.done);
      this.render(n);
      this.notify();
    } else if (msg.ink === "live" && typeof msg.id === "string" && Array.isArray(msg.pts)) {
      this.receiveLive(n, msg);
    } else if (msg.ink === "laser" && Array.isArray(msg.pts)) {
      const pts = msg.pts.filter((p) => Array.isArray(p) && Number.isFinite(p[0]) && Number.isFinite(p[1]));
      this.layer(n).pointLaser(pts.slice(0, 100));
    } else if (msg.ink === "clear-all") {
      this.slides.clear();
      this.live.clear();
      for (const layer of this.layers) this.render(layer.number);
      this.notify();
    }
  }

  receiveLive(n, msg) {
    const live = this.liveOf(n);
    let stroke = live.get(msg.id);
    if (!stroke) {
      const clean = cleanStroke({ id: msg.id, kind: msg.kind, color: msg.color, width: msg.width, pts: [0, 0] });
      if (!clean || msg.from !== 0) return;
      stroke = { ...clean, pts: [], remote: true };
      live.set(msg.id, stroke);
    }
    if (msg.from !== stroke.pts.length) return; // a message was lost: the committed stroke will come
    stroke.pts.push(...msg.pts.filter(Number.isFinite));
    stroke.seen = performance.now();
    this.layer(n).drawLive(stroke);
  }
}

// A slide's own text, without its cells (the runtime turns them into editors, a run changes
// their output): the same on every visit until the author edits the slide.
function slideText(svg) {
  const skip = (node) =>
    node.parentElement && node.parentElement.closest(".livecode-cell, .livecode, script, style")
      ? NodeFilter.FILTER_REJECT
      : NodeFilter.FILTER_ACCEPT;
  const walker = document.createTreeWalker(svg, NodeFilter.SHOW_TEXT, { acceptNode: skip });
  let text = "";
  while (walker.nextNode()) text += walker.currentNode.data;
  return text.replace(/\s+/g, " ").trim();
}

/** Start ink in this deck window; mirror: {broadcast, listen} from mirror.js. */
export function startInk(mirror, options = {}) {
  const ink = new Ink(mirror, options);
  window.__ink = ink; // for tests
  loadStyles();
  if (ink.readOnly || !ink.layers.length) return ink;
  ink.setTool({});
  buildToolbar(ink);
  watchKeys(ink);
  watchPointers(ink);
  return ink;
}

function loadStyles() {
  const href = new URL("ink.css", import.meta.url).href;
  if ([...document.querySelectorAll('link[rel="stylesheet"]')].some((l) => l.href === href)) return;
  const link = document.createElement("link");
  link.rel = "stylesheet";
  link.href = href;
  document.head.append(link);
}
