// Ink on slides, the picture: each slide's <svg data-marpit-svg> gets, after Marp's
// foreignObject, a <g class="ink-layer"> with one <path> per stroke, a <g class="ink-laser">
// for the laser pointer (never a path, never kept), and a transparent <rect class="ink-hit">
// that takes pointer events only in drawing mode (ink.css). All three are in the slide's own
// coordinates, so they scale with the slide: fullscreen, presenter view and audience line up.
import { pathData, strokeColor } from "./ink-strokes.js";

const NS = "http://www.w3.org/2000/svg";
const LASER_TRAIL_MS = 350;
const LASER_DOT_MS = 1500;

function svgEl(tag, attrs) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
  return node;
}

export function strokePath(stroke) {
  const path = svgEl("path", {
    d: pathData(stroke.pts),
    "data-id": stroke.id,
    "data-kind": stroke.kind,
    stroke: strokeColor(stroke),
    "stroke-width": stroke.width,
  });
  if (stroke.kind === "highlighter") path.setAttribute("stroke-opacity", "0.45");
  return path;
}

// Whether the slide's background is dark (01dracula, an inverted slide): luminance of its colour.
function isDark(svg) {
  const section = svg.querySelector("section:not([data-marpit-advanced-background])") || svg.querySelector("section");
  const m = section && getComputedStyle(section).backgroundColor.match(/[\d.]+/g);
  if (!m || (m.length > 3 && Number(m[3]) === 0)) return false;
  const [r, g, b] = m.map(Number);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b < 110;
}

export class SlideLayer {
  constructor(svg, number) {
    const box = svg.viewBox && svg.viewBox.baseVal;
    const [x, y, width, height] = box && box.width ? [box.x, box.y, box.width, box.height] : [0, 0, 1280, 720];
    this.svg = svg;
    this.number = number;
    // Stroke style as attributes, not CSS: the paths look the same in print and without ink.css.
    this.ink = svgEl("g", {
      class: "ink-layer",
      "data-slide": number,
      fill: "none",
      "stroke-linecap": "round",
      "stroke-linejoin": "round",
    });
    this.laser = svgEl("g", { class: "ink-laser" });
    this.hit = svgEl("rect", { class: "ink-hit", x, y, width, height });
    this.trail = [];
    this.laserFrame = 0;
    this.ink.dataset.scheme = isDark(svg) ? "dark" : "light"; // how the highlighter blends (ink.css)
    svg.append(this.ink, this.laser, this.hit);
  }

  /** Draw the slide's committed strokes, then the ones still being drawn (Map id → stroke). */
  draw(strokes, live) {
    const paths = strokes.map(strokePath);
    for (const stroke of live.values()) paths.push(strokePath(stroke));
    this.ink.replaceChildren(...paths);
  }

  /** Update one stroke being drawn (cheaper than redrawing the slide at 60 Hz). */
  drawLive(stroke) {
    const path = [...this.ink.children].find((p) => p.dataset.id === stroke.id);
    if (path) path.setAttribute("d", pathData(stroke.pts));
    else this.ink.append(strokePath(stroke));
  }

  /** Slide coordinates of a point on the screen. */
  toSlide(clientX, clientY) {
    const m = this.svg.getScreenCTM();
    if (!m) return null;
    const p = new DOMPoint(clientX, clientY).matrixTransform(m.inverse());
    return [p.x, p.y];
  }

  /** The laser moved to these points (slide coordinates): a dot and a short fading trail. */
  pointLaser(points) {
    const now = performance.now();
    for (const [x, y] of points) this.trail.push({ x, y, t: now });
    if (!this.laserFrame) this.laserFrame = requestAnimationFrame(() => this.drawLaser());
  }

  hideLaser() {
    this.trail = [];
    this.laser.replaceChildren();
  }

  drawLaser() {
    this.laserFrame = 0;
    const now = performance.now();
    const last = this.trail[this.trail.length - 1];
    if (!last || now - last.t > LASER_DOT_MS) {
      this.hideLaser();
      return;
    }
    const trail = this.trail.filter((p) => now - p.t < LASER_TRAIL_MS);
    this.trail = trail.length ? trail : [last];
    const parts = [];
    if (trail.length > 1) {
      const points = trail.map((p) => `${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(" ");
      parts.push(svgEl("polyline", { points, class: "ink-laser-trail" }));
    }
    parts.push(svgEl("circle", { cx: last.x, cy: last.y, r: 9, class: "ink-laser-dot" }));
    this.laser.replaceChildren(...parts);
    this.laserFrame = requestAnimationFrame(() => this.drawLaser());
  }
}
