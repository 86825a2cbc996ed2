// One helper to make elements; text goes in through textContent, never as HTML.
export function el(tag, attrs = {}, text) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

// ✔ / ✘ as text (read aloud, copied, searched) drawn by CSS as a picture: the site ships no font
// with these two glyphs, and a phone without a symbol font would show an empty box.
export function mark(ok) {
  return el("span", { class: "livecode-mark", "data-mark": ok ? "pass" : "fail" }, ok ? "✔" : "✘");
}
