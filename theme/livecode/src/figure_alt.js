// A figure's alt text in the browser, by the build's rule (scripts/slidesite/livecode/output_html.py
// figure_alt): the author's `alt="…"`, else what the figure says (the runner writes its title, axes
// and legend into the PNG as an iTXt "Description" chunk), else which cell drew it.

const KEY = "Description";

/** The Description text chunk (tEXt or uncompressed iTXt) of a base64 PNG, or "". */
export function pngDescription(base64) {
  let bytes;
  try {
    bytes = Uint8Array.from(atob(base64.slice(0, 65536)), (c) => c.charCodeAt(0));
  } catch {
    return "";
  }
  const view = new DataView(bytes.buffer);
  const latin1 = new TextDecoder("latin1");
  const utf8 = new TextDecoder("utf-8");
  // Text chunks come before the image data, within the first 64 KiB that were decoded.
  for (let at = 8; at + 8 <= bytes.length; ) {
    const length = view.getUint32(at);
    const type = latin1.decode(bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, Math.min(bytes.length, at + 8 + length));
    if (type === "IDAT" || type === "IEND") break;
    const nul = data.indexOf(0);
    if (nul > 0 && latin1.decode(data.subarray(0, nul)) === KEY) {
      if (type === "tEXt") return latin1.decode(data.subarray(nul + 1));
      if (type === "iTXt" && data[nul + 1] === 0) {
        // keyword \0 compression-flag method language \0 translated-keyword \0 text
        let rest = data.subarray(nul + 3);
        for (let skip = 0; skip < 2; skip += 1) rest = rest.subarray(rest.indexOf(0) + 1);
        return utf8.decode(rest);
      }
    }
    at += 12 + length;
  }
  return "";
}

export function figureAlt(base64, number, cell, authorAlt) {
  if (authorAlt) return number === 1 ? authorAlt : `${authorAlt}（図 ${number}）`;
  return pngDescription(base64) || `図 ${number}（セル ${cell} の出力）`;
}
