// Ink on slides, the data: a stroke is plain data in slide units (the slide's viewBox, 1280×720
// for 16:9), so it is drawn the same at any size and travels between windows as a message.
// A slide's ink is {strokes, undo, redo}; every change goes through the functions below, so
// each window that applies the same change ends with the same strokes and the same history.

// Pen colours that keep ≥ 3:1 contrast on both honwaka (white) and 01dracula (#282a36).
export const COLORS = { red: "#f03a47", blue: "#1e88e5", green: "#0f9d58" };
export const HIGHLIGHT = "#ffd400";
export const WIDTHS = { thin: 4, thick: 10 };
export const HIGHLIGHT_WIDTH = 28;
export const ERASER_RADIUS = 12;
const KINDS = ["pen", "highlighter"];
const HISTORY = 50; // undo steps kept per slide

let counter = 0;
export function newId() {
  counter += 1;
  return `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}${counter}`;
}

/** A stroke from storage or another window, checked and cleaned; null when it is not one. */
export function cleanStroke(s) {
  if (!s || typeof s !== "object" || typeof s.id !== "string" || !KINDS.includes(s.kind)) return null;
  const color = s.kind === "pen" ? (Object.prototype.hasOwnProperty.call(COLORS, s.color) ? s.color : "red") : "yellow";
  const width = Number.isFinite(s.width) ? Math.min(Math.max(s.width, 1), 60) : WIDTHS.thin;
  const pts = Array.isArray(s.pts) ? s.pts.filter(Number.isFinite) : [];
  if (pts.length < 2) return null;
  return { id: s.id.slice(0, 40), kind: s.kind, color, width, pts: pts.slice(0, pts.length - (pts.length % 2)) };
}

export function strokeColor(stroke) {
  return stroke.kind === "highlighter" ? HIGHLIGHT : COLORS[stroke.color] || COLORS.red;
}

const r1 = (v) => Math.round(v * 10) / 10;

/** Append a point unless it is closer than half a slide pixel to the last one; true if added. */
export function addPoint(pts, x, y) {
  const n = pts.length;
  if (n >= 2 && Math.abs(pts[n - 2] - x) < 0.5 && Math.abs(pts[n - 1] - y) < 0.5) return false;
  pts.push(r1(x), r1(y));
  return true;
}

/** SVG path data through the points: quadratic curves between midpoints (smooth at 60 Hz input). */
export function pathData(pts) {
  const n = pts.length / 2;
  if (n === 0) return "";
  const f = (v) => String(r1(v));
  if (n === 1) return `M${f(pts[0])} ${f(pts[1])}h0.01`; // a dot: round caps draw it
  let d = `M${f(pts[0])} ${f(pts[1])}`;
  for (let i = 1; i < n - 1; i++) {
    const x = pts[2 * i];
    const y = pts[2 * i + 1];
    d += `Q${f(x)} ${f(y)} ${f((x + pts[2 * i + 2]) / 2)} ${f((y + pts[2 * i + 3]) / 2)}`;
  }
  return `${d}L${f(pts[2 * n - 2])} ${f(pts[2 * n - 1])}`;
}

function pointSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const len = dx * dx + dy * dy;
  const t = len ? Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / len)) : 0;
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

/** Whether the eraser moving from (x0, y0) to (x1, y1) touches the stroke. */
export function touches(stroke, x0, y0, x1, y1, radius = ERASER_RADIUS) {
  const reach = radius + stroke.width / 2;
  const pts = stroke.pts;
  const steps = Math.max(1, Math.ceil(Math.hypot(x1 - x0, y1 - y0) / (radius / 2)));
  for (let s = 0; s <= steps; s++) {
    const ex = x0 + ((x1 - x0) * s) / steps;
    const ey = y0 + ((y1 - y0) * s) / steps;
    if (pts.length === 2 && Math.hypot(ex - pts[0], ey - pts[1]) <= reach) return true;
    for (let i = 0; i + 3 < pts.length; i += 2) {
      if (pointSegment(ex, ey, pts[i], pts[i + 1], pts[i + 2], pts[i + 3]) <= reach) return true;
    }
  }
  return false;
}

// ---------------------------------------------------------------- a slide's ink and its history

export function emptySlide() {
  return { strokes: [], undo: [], redo: [] };
}

function record(slide, entry) {
  slide.undo.push(entry);
  if (slide.undo.length > HISTORY) slide.undo.shift();
  slide.redo = [];
}

export function addStroke(slide, stroke) {
  slide.strokes.push(stroke);
  record(slide, { op: "add", stroke });
}

/** Remove strokes by id; one eraser gesture (same `gesture`) is one undo step. */
export function eraseStrokes(slide, ids, gesture) {
  const items = [];
  for (const id of ids) {
    const index = slide.strokes.findIndex((s) => s.id === id);
    if (index < 0) continue;
    items.push({ index, stroke: slide.strokes[index] });
    slide.strokes.splice(index, 1);
  }
  if (!items.length) return false;
  const last = slide.undo[slide.undo.length - 1];
  if (last && last.op === "erase" && gesture && last.gesture === gesture && !slide.redo.length) last.items.push(...items);
  else record(slide, { op: "erase", gesture, items });
  return true;
}

export function clearSlide(slide) {
  if (!slide.strokes.length) return false;
  record(slide, { op: "clear", items: slide.strokes });
  slide.strokes = [];
  return true;
}

function revert(slide, entry) {
  if (entry.op === "add") slide.strokes = slide.strokes.filter((s) => s.id !== entry.stroke.id);
  else if (entry.op === "clear") slide.strokes = [...entry.items, ...slide.strokes];
  else for (const { index, stroke } of [...entry.items].reverse()) slide.strokes.splice(index, 0, stroke);
}

function reapply(slide, entry) {
  if (entry.op === "add") slide.strokes.push(entry.stroke);
  else if (entry.op === "clear") slide.strokes = [];
  else {
    const gone = new Set(entry.items.map((i) => i.stroke.id));
    slide.strokes = slide.strokes.filter((s) => !gone.has(s.id));
  }
}

export function undo(slide) {
  const entry = slide.undo.pop();
  if (!entry) return false;
  revert(slide, entry);
  slide.redo.push(entry);
  return true;
}

export function redo(slide) {
  const entry = slide.redo.pop();
  if (!entry) return false;
  reapply(slide, entry);
  slide.undo.push(entry);
  return true;
}

/** A slide's state from another window, checked (history entries too). */
export function cleanSlide(state) {
  const slide = emptySlide();
  if (!state || typeof state !== "object") return slide;
  const strokes = (list) => (Array.isArray(list) ? list.map(cleanStroke).filter(Boolean) : []);
  slide.strokes = strokes(state.strokes);
  const entries = (list) =>
    (Array.isArray(list) ? list : []).flatMap((e) => {
      if (!e || typeof e !== "object") return [];
      if (e.op === "add") {
        const stroke = cleanStroke(e.stroke);
        return stroke ? [{ op: "add", stroke }] : [];
      }
      if (e.op !== "erase" && e.op !== "clear") return [];
      const items = (Array.isArray(e.items) ? e.items : []).flatMap((i) => {
        if (e.op === "clear") {
          const stroke = cleanStroke(i);
          return stroke ? [stroke] : [];
        }
        const stroke = cleanStroke(i && i.stroke);
        return stroke && Number.isInteger(i.index) && i.index >= 0 ? [{ index: i.index, stroke }] : [];
      });
      return [{ op: e.op, gesture: typeof e.gesture === "string" ? e.gesture : undefined, items }];
    });
  slide.undo = entries(state.undo).slice(-HISTORY);
  slide.redo = entries(state.redo).slice(-HISTORY);
  return slide;
}
