// A cell's output area. Text only ever goes in through Text nodes (`<img onerror=…>`
// prints as characters); an image is an <img> of PNG data. Consecutive text of one kind
// shares a span: kinds are stdout, stderr, result, error and notice (class livecode-<kind>).
import { el } from "./dom.js";
import { figureAlt } from "./figure_alt.js";

export class Output {
  /**
   * @param {HTMLElement} element the cell's .livecode-output
   * @param {number} cell the cell's number, for the images' alt text
   * @param {string} [alt] the author's alt text for the cell's figures (`alt="…"`)
   */
  constructor(element, cell, alt = "") {
    this.element = element;
    this.cell = cell;
    this.alt = alt;
    this.pre = null;
    this.lastKind = null;
    this.lastText = null;
    this.images = 0;
  }

  clear() {
    this.element.replaceChildren();
    this.element.hidden = true;
    this.pre = null;
    this.lastKind = null;
    this.lastText = null;
    this.images = 0;
  }

  /** Add one piece of output: kind "image" (text = PNG as base64) or a text kind. */
  append(kind, text) {
    this.element.hidden = false;
    const out = this.element;
    const atBottom = out.scrollHeight - out.scrollTop - out.clientHeight < 8;
    if (kind === "image") {
      this.images += 1;
      const img = el("img", { class: "livecode-figure", alt: figureAlt(text, this.images, this.cell, this.alt) });
      img.src = `data:image/png;base64,${text}`;
      out.append(img);
      this.pre = null;
      this.lastKind = null;
    } else {
      if (!this.pre) {
        this.pre = el("div", { class: "livecode-text" });
        out.append(this.pre);
      }
      if (kind === this.lastKind) this.lastText.appendData(text);
      else {
        const span = el("span", { class: `livecode-${kind}` });
        this.lastText = document.createTextNode(text);
        span.append(this.lastText);
        this.pre.append(span);
        this.lastKind = kind;
      }
    }
    if (atBottom) out.scrollTop = out.scrollHeight;
  }

  /** Take over nodes the build rendered (the same structure append makes); later text starts a new block. */
  adopt(nodes) {
    this.element.hidden = false;
    this.element.append(...nodes);
    this.images = this.element.querySelectorAll("img.livecode-figure").length;
    this.pre = null;
    this.lastKind = null;
  }

  /** A quiet line under the output that says where it came from (title: the longer explanation). */
  note(text, title = "") {
    this.element.append(el("p", { class: "livecode-built-note", title }, text));
    this.pre = null;
    this.lastKind = null;
  }

  /** A button after the output (e.g. retry); the cell's click handler acts on its data-action. */
  addButton(action, label) {
    const btn = el("button", { type: "button", "data-action": action, class: "livecode-btn" }, label);
    this.element.append(btn);
    this.pre = null;
  }
}

/**
 * Show a list of output items (e.g. computed at build time) in an output element,
 * exactly as a run that printed them would. Returns the Output, to append more.
 * @param {HTMLElement} element
 * @param {{kind: string, text: string}[]} items
 * @param {number} cell the cell's number, for the images' alt text
 */
export function renderOutputs(element, items, cell) {
  const output = new Output(element, cell);
  output.clear();
  for (const { kind, text } of items) output.append(kind, text);
  return output;
}
