// `#@param` controls of a cell (scripts/slidesite/params.py): sliders, menus, checkboxes and number
// boxes made from the JSON the build put after the code. Every state of the sliders, menus and
// checkboxes was computed at build into one JSON file (outputs as [kind, text], figures by name
// beside it): moving a control swaps in that state's output without Python. The file loads when
// the cell comes on screen or a control is first touched; the neighbouring states' figures are
// prefetched. The cell's code always shows the current values on its #@param lines.
import { el } from "./dom.js";
import { figureAlt } from "./figure_alt.js";

// `name = value  #@param …`: what the build's PARAM_LINE matches.
const PARAM_LINE = /^(\s*[A-Za-z_]\w*\s*=\s*)(.*?)(\s*#\s*@param\b.*)$/;

/** The controls' spec of a .livecode-cell ({params, states}), or null; removes the no-JS caption. */
export function readParams(holder) {
  if (!holder) return null;
  const script = holder.querySelector(":scope > script.livecode-params");
  const caption = holder.querySelector(":scope > .livecode-params-caption");
  if (caption) caption.remove();
  if (!script) return null;
  script.remove();
  try {
    return JSON.parse(script.textContent);
  } catch {
    return null;
  }
}

/** The code with every #@param line's value blanked: equal for two codes that differ only in values. */
export function withoutValues(code) {
  return code
    .split("\n")
    .map((line) => line.replace(PARAM_LINE, "$1\u0000$3"))
    .join("\n");
}

// Keys that move a control; they must not reach the deck (which would change slides).
const CONTROL_KEYS = new Set(["ArrowLeft", "ArrowRight", "ArrowUp", "ArrowDown", "PageUp", "PageDown", "Home", "End", " "]);

export class Controls {
  /**
   * @param {{params: object[], states: string}} spec
   * @param {number} cell the cell's number (labels, alt text)
   * @param {(name: string, fromReader: boolean) => void} onChange
   * @param {string} [alt] the cell's alt="…" option, for every state's figures
   */
  constructor(spec, cell, onChange, alt = "") {
    this.alt = alt;
    this.params = spec.params;
    this.statesUrl = spec.states ? new URL(spec.states, document.baseURI) : null;
    this.cell = cell;
    this.onChange = onChange;
    this.values = Object.fromEntries(this.params.map((p) => [p.name, p.default]));
    this.inputs = {};
    this.shown = {};
    this.data = null; // a promise of the state list, once asked for
    this.element = el("div", { class: "livecode-params", role: "group", "aria-label": `セル ${cell} の値` });
    for (const p of this.params) this.element.append(this.control(p));
    this.element.addEventListener("keydown", (e) => {
      if (CONTROL_KEYS.has(e.key) && e.target.matches("input, select")) e.stopPropagation();
    });
  }

  control(p) {
    const label = el("label", { class: "livecode-param", "data-kind": p.kind });
    label.append(el("code", { class: "livecode-param-name" }, p.name));
    let input;
    if (p.kind === "slider") {
      input = el("input", { type: "range", min: p.min, max: p.max, step: p.step, value: this.number(p, p.default) });
    } else if (p.kind === "menu") {
      input = el("select");
      p.values.forEach((v, i) => input.append(el("option", { value: v }, p.labels[i])));
      input.value = p.default;
    } else if (p.kind === "boolean") {
      input = el("input", { type: "checkbox" });
      input.checked = p.default === "True";
    } else {
      input = el("input", { type: "number", step: p.kind === "integer" ? "1" : "any", value: p.default });
      input.title = "数値ボックスの値は、ブラウザで Python を実行して反映します";
    }
    input.dataset.param = p.name;
    input.addEventListener(p.kind === "number" || p.kind === "integer" ? "change" : "input", () => this.read(p, true));
    if (p.kind === "menu" || p.kind === "boolean") input.addEventListener("change", () => this.read(p, true));
    this.inputs[p.name] = input;
    const shown = el("output", { class: "livecode-param-value" });
    this.shown[p.name] = shown;
    label.append(input);
    if (p.kind === "slider") label.append(shown);
    if (!p.values.length) label.append(el("small", { class: "livecode-param-note" }, "変えると Python で実行"));
    this.show(p);
    return label;
  }

  number(p, literal) {
    return String(Number(literal));
  }

  // The literal a control now stands for (a slider snaps to the nearest step of the build's list).
  literalOf(p) {
    const input = this.inputs[p.name];
    if (p.kind === "slider") {
      const at = Math.round((Number(input.value) - Number(p.min)) / Number(p.step));
      return p.values[Math.max(0, Math.min(p.values.length - 1, at))];
    }
    if (p.kind === "menu") return input.value;
    if (p.kind === "boolean") return input.checked ? "True" : "False";
    const v = input.value.trim();
    if (v === "" || !Number.isFinite(Number(v))) return p.default;
    return p.kind === "integer" ? String(Math.trunc(Number(v))) : v;
  }

  read(p, fromReader) {
    const literal = this.literalOf(p);
    if (literal === this.values[p.name]) return;
    this.values[p.name] = literal;
    this.show(p);
    this.onChange(p.name, fromReader);
  }

  show(p) {
    const literal = this.values[p.name];
    const label = p.values.length ? p.labels[p.values.indexOf(literal)] : literal;
    this.shown[p.name].textContent = label;
    const input = this.inputs[p.name];
    // ARIA allows a value text on a slider or spin box only; a menu and a checkbox speak their own value.
    if (input.matches('input[type="range"], input[type="number"]')) input.setAttribute("aria-valuetext", `${p.name} = ${label}`);
  }

  /** Set a control from outside (the presenter's window, Reset); no onChange. */
  set(name, literal) {
    const p = this.params.find((q) => q.name === name);
    if (!p) return;
    const input = this.inputs[name];
    if (p.kind === "slider") input.value = this.number(p, literal);
    else if (p.kind === "boolean") input.checked = literal === "True";
    else input.value = literal;
    this.values[name] = literal;
    this.show(p);
  }

  reset() {
    for (const p of this.params) this.set(p.name, p.default);
  }

  /** Whether a number box (live only) is away from its default. */
  get liveOnlyMoved() {
    return this.params.some((p) => !p.values.length && this.values[p.name] !== p.default);
  }

  get atDefault() {
    return this.params.every((p) => this.values[p.name] === p.default);
  }

  /** The code with the controls' current values on their lines. */
  apply(code) {
    const lines = code.split("\n");
    for (const p of this.params) {
      const i = lines.findIndex((line) => {
        const m = line.match(PARAM_LINE);
        return m && m[1].trim().split(/\s*=/)[0] === p.name;
      });
      if (i >= 0) lines[i] = lines[i].replace(PARAM_LINE, (_, head, _v, tail) => head + this.values[p.name] + tail);
    }
    return lines.join("\n");
  }

  /** `eta = 0.3\nmethod = "Adam"`: assignments that give a later cell the current values. */
  assignments() {
    return this.params.map((p) => `${p.name} = ${this.values[p.name]}`).join("\n");
  }

  // Row-major index of a combination of the enumerable controls (as params.combinations).
  indexOf(values) {
    let index = 0;
    for (const p of this.params) {
      if (!p.values.length) continue;
      index = index * p.values.length + p.values.indexOf(values[p.name]);
    }
    return index;
  }

  /** The state list (fetched once). */
  load() {
    if (!this.statesUrl) return Promise.resolve(null);
    if (!this.data) {
      this.data = fetch(this.statesUrl)
        .then((r) => (r.ok ? r.json() : Promise.reject(new Error(`HTTP ${r.status}`))))
        .then((d) => d.states)
        .catch((err) => {
          this.data = null; // try again on the next touch
          throw err;
        });
    }
    return this.data;
  }

  figureUrl(name) {
    return new URL(name, this.statesUrl).href;
  }

  /** The output nodes of the current state (the build's markup), its figures decoded; null if unknown. */
  async nodes() {
    const states = await this.load();
    const state = states && states[this.indexOf(this.values)];
    if (!state) return null;
    const nodes = [];
    let text = null;
    let images = 0;
    const decoding = [];
    for (const [kind, value, described] of state) {
      if (kind === "image") {
        images += 1;
        // The build's rule (figure_alt): the author's alt="…", else what the figure says, else which cell.
        const alt = this.alt ? figureAlt("", images, this.cell, this.alt) : described || figureAlt("", images, this.cell);
        const img = el("img", { class: "livecode-figure", alt });
        img.src = this.figureUrl(value);
        decoding.push(img.decode().catch(() => {}));
        nodes.push(img);
        text = null;
      } else {
        if (!text) {
          text = el("div", { class: "livecode-text" });
          nodes.push(text);
        }
        const last = text.lastElementChild;
        if (last && last.className === `livecode-${kind}`) last.append(value);
        else text.append(el("span", { class: `livecode-${kind}` }, value));
      }
    }
    await Promise.all(decoding);
    this.prefetch(states);
    return nodes;
  }

  // The figures one step away on each control, so the next move is instant.
  prefetch(states) {
    for (const p of this.params) {
      if (!p.values.length) continue;
      const at = p.values.indexOf(this.values[p.name]);
      for (const i of [at - 1, at + 1]) {
        if (i < 0 || i >= p.values.length) continue;
        const state = states[this.indexOf({ ...this.values, [p.name]: p.values[i] })];
        for (const [kind, value] of state || []) {
          if (kind === "image") new Image().src = this.figureUrl(value);
        }
      }
    }
  }

  /** Load the states when the cell comes on screen (and prefetch around the default). */
  watch(root) {
    if (!this.statesUrl || typeof IntersectionObserver !== "function") return;
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      seen.disconnect();
      this.load().then((states) => states && this.prefetch(states), () => {});
    }, { rootMargin: "200px" });
    seen.observe(root);
  }
}
