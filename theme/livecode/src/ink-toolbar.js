// Ink on slides, the controls: the toggle <button data-action="ink"> in the deck's own
// toolbar (Marp's on-screen controls; in presenter view beside the page number), the tool
// palette shown in drawing mode, and the keys. Keys are ones Marp's template does not use
// (it has arrows, Page Up/Down, Space, Home/End, f, F11, o, p, Esc for the overview, + and −
// for the notes); none act while a cell's editor or another text field has the focus.
import { COLORS, HIGHLIGHT } from "./ink-strokes.js";

const NS = "http://www.w3.org/2000/svg";

// 24×24 line icons (stroke = currentColor).
const ICONS = {
  ink: "M4 20l1-5L16 4l4 4L9 19zM14 6l4 4",
  highlighter: "M5 15l8-8 4 4-8 8H5zM3 21h9",
  eraser: "M4 15l8-8 7 7-5 5H8zM9 10l6 6M14 20h6",
  laser: "M12 2v4M12 18v4M2 12h4M18 12h4M5 5l2.5 2.5M16.5 16.5L19 19M19 5l-2.5 2.5M7.5 16.5L5 19",
  undo: "M9 5L4 10l5 5M4 10h10a6 6 0 010 12h-3",
  redo: "M15 5l5 5-5 5M20 10H10a6 6 0 000 12h3",
  clear: "M4 7h16M9 7V4h6v3M6 7l1 14h10l1-14M10 11v6M14 11v6",
  clearAll: "M3 7h14M7 7V4h6v3M4 7l1 13h10l1-13M20 10v8M20 21v.01",
  print: "M7 9V3h10v6M7 17H4v-8h16v8h-3M7 14h10v7H7z",
  close: "M6 6l12 12M18 6L6 18",
};

function icon(name, extra) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const path = document.createElementNS(NS, "path");
  path.setAttribute("d", ICONS[name] || "");
  svg.append(path);
  if (extra) svg.append(extra);
  return svg;
}

function dot(color, r) {
  const svg = document.createElementNS(NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("aria-hidden", "true");
  const c = document.createElementNS(NS, "circle");
  for (const [k, v] of Object.entries({ cx: 12, cy: 12, r, fill: color, stroke: "none" })) c.setAttribute(k, String(v));
  svg.append(c);
  return svg;
}

function button(attrs, label, child) {
  const b = document.createElement("button");
  b.type = "button";
  b.tabIndex = -1; // like Marp's own controls: keys stay with the deck
  for (const [k, v] of Object.entries(attrs)) b.setAttribute(k, v);
  b.title = label;
  b.setAttribute("aria-label", label);
  b.append(child);
  // A button must not take the focus: arrows keep moving slides, a cell's editor keeps typing.
  b.addEventListener("mousedown", (e) => e.preventDefault());
  return b;
}

const PENS = [
  ["red", "赤"],
  ["blue", "青"],
  ["green", "緑"],
];

export function buildToolbar(ink) {
  const toggle = button({ "data-action": "ink", class: "ink-toggle", "aria-pressed": "false" }, "書き込み (d)", icon("ink"));
  toggle.addEventListener("click", () => ink.setDrawing(!ink.drawing));
  const presenter = document.querySelector(".bespoke-marp-presenter-info-page-area");
  const osc = document.querySelector(".bespoke-marp-osc");
  if (presenter) presenter.append(toggle);
  else if (osc) osc.append(toggle);

  const palette = document.createElement("div");
  palette.className = "ink-palette";
  palette.setAttribute("role", "toolbar");
  palette.setAttribute("aria-label", "書き込みツール");
  const pens = PENS.map(([color, name], i) =>
    button({ "data-ink-tool": "pen", "data-ink-color": color }, `ペン ${name} (${i + 1})`, dot(COLORS[color], 7)),
  );
  const widths = [
    button({ "data-ink-width": "thin" }, "細い線 (w)", dot("currentColor", 3)),
    button({ "data-ink-width": "thick" }, "太い線 (w)", dot("currentColor", 6)),
  ];
  const tools = [
    button({ "data-ink-tool": "highlighter" }, "蛍光ペン (h)", icon("highlighter")),
    button({ "data-ink-tool": "eraser" }, "消しゴム: 触れた線を消す (e)", icon("eraser")),
    button({ "data-ink-tool": "laser" }, "レーザーポインター (l)", icon("laser")),
  ];
  const commands = {
    undo: button({ "data-ink-command": "undo" }, "元に戻す (z, Ctrl+Z)", icon("undo")),
    redo: button({ "data-ink-command": "redo" }, "やり直す (y, Ctrl+Y)", icon("redo")),
    clear: button({ "data-ink-command": "clear" }, "このスライドの書き込みを消す (c)", icon("clear")),
    "clear-all": button({ "data-ink-command": "clear-all" }, "このデッキの書き込みをすべて消す", icon("clearAll")),
    print: button({ "data-ink-command": "print", "aria-pressed": "true" }, "印刷に書き込みを含める", icon("print")),
    close: button({ "data-ink-command": "close" }, "書き込みをやめる (Esc)", icon("close")),
  };
  tools[0].querySelector("path").setAttribute("fill", HIGHLIGHT);
  const sep = () => Object.assign(document.createElement("span"), { className: "ink-sep" });
  palette.append(...pens, sep(), ...widths, sep(), ...tools, sep(), commands.undo, commands.redo, commands.clear,
    commands["clear-all"], commands.print, sep(), commands.close);
  (document.querySelector(".bespoke-marp-parent") || document.body).append(palette);

  for (const b of pens) b.addEventListener("click", () => ink.setTool({ kind: "pen", color: b.dataset.inkColor }));
  for (const b of widths) {
    b.addEventListener("click", () => ink.setTool({ kind: "pen", width: b.dataset.inkWidth }));
  }
  for (const b of tools) b.addEventListener("click", () => ink.setTool({ kind: b.dataset.inkTool }));
  commands.undo.addEventListener("click", () => ink.undo());
  commands.redo.addEventListener("click", () => ink.redo());
  commands.clear.addEventListener("click", () => ink.clear());
  commands["clear-all"].addEventListener("click", () => clearAll(ink));
  commands.print.addEventListener("click", () => ink.setPrints(commands.print.getAttribute("aria-pressed") !== "true"));
  commands.close.addEventListener("click", () => ink.setDrawing(false));

  const show = () => {
    toggle.setAttribute("aria-pressed", String(ink.drawing));
    palette.hidden = !ink.drawing;
    const t = ink.tool;
    for (const b of pens) b.setAttribute("aria-pressed", String(t.kind === "pen" && t.color === b.dataset.inkColor));
    for (const b of widths) b.setAttribute("aria-pressed", String(t.width === b.dataset.inkWidth));
    for (const b of tools) b.setAttribute("aria-pressed", String(t.kind === b.dataset.inkTool));
    commands.undo.disabled = !ink.canUndo();
    commands.redo.disabled = !ink.canRedo();
    commands.print.setAttribute("aria-pressed", String(!document.documentElement.classList.contains("ink-noprint")));
  };
  ink.listeners.add(show);
  // Undo and redo act on the slide on screen: their state follows the slide.
  for (const layer of ink.layers) {
    new MutationObserver(show).observe(layer.svg, { attributes: true, attributeFilter: ["class"] });
  }
  show();
}

function clearAll(ink) {
  if (!ink.hasInk()) return;
  if (window.confirm("このデッキのすべてのスライドの書き込みを消します。よろしいですか？")) ink.clearAll();
}

function typingInto(target) {
  if (!(target instanceof Element)) return false;
  return !!target.closest("input, textarea, select, [contenteditable]:not([contenteditable=false])");
}

const PEN_KEYS = { 1: "red", 2: "blue", 3: "green" };

export function watchKeys(ink) {
  window.addEventListener(
    "keydown",
    (e) => {
      if (e.defaultPrevented || e.isComposing || typingInto(e.target)) return;
      const key = e.key;
      const k = key.length === 1 ? key.toLowerCase() : key; // Caps Lock on: the same key
      let done = true;
      if (e.ctrlKey || e.metaKey) {
        if (!ink.drawing || e.altKey) return;
        if (k === "z" && !e.shiftKey) ink.undo();
        else if ((k === "z" && e.shiftKey) || k === "y") ink.redo();
        else return;
      } else if (e.altKey) {
        return;
      } else if (k === "d") {
        if (!ink.drawing && ink.tool.kind === "laser") ink.setTool({ kind: "pen" });
        ink.setDrawing(!ink.drawing);
      } else if (k === "l") {
        const on = !(ink.drawing && ink.tool.kind === "laser");
        if (on) ink.setTool({ kind: "laser" });
        ink.setDrawing(on);
      } else if (!ink.drawing) {
        return;
      } else if (key === "Escape") {
        ink.setDrawing(false);
      } else if (PEN_KEYS[key]) {
        ink.setTool({ kind: "pen", color: PEN_KEYS[key] });
      } else if (k === "h") {
        ink.setTool({ kind: "highlighter" });
      } else if (k === "e") {
        ink.setTool({ kind: "eraser" });
      } else if (k === "w") {
        ink.setTool({ kind: "pen", width: ink.tool.width === "thin" ? "thick" : "thin" });
      } else if (key === "z") {
        ink.undo();
      } else if (k === "y" || key === "Z") {
        ink.redo();
      } else if (k === "c") {
        ink.clear();
      } else {
        done = false;
      }
      if (done) {
        e.preventDefault();
        e.stopImmediatePropagation(); // Esc must not also open Marp's overview
      }
    },
    true,
  );
}
