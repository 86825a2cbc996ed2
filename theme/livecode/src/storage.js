// A cell's edits, kept in localStorage per page and cell until the author changes the
// cell (its code's hash is stored with the edit). Storage may be unavailable (privacy
// mode, quota): then edits just do not persist.
const KEY_PREFIX = "livecode:v1:";
const SAVE_DELAY_MS = 200;

// FNV-1a, enough to notice that the author changed a cell.
function hash(text) {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, "0");
}

export class EditStore {
  constructor(index, authorCode) {
    this.key = `${KEY_PREFIX}${location.pathname}#${index}`;
    this.authorCode = authorCode;
    this.hash = hash(authorCode);
    this.timer = null;
  }

  /** The saved edit, or the author's code when there is none (a stale one is dropped). */
  load() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) || "null");
      if (saved && saved.hash === this.hash) return saved.code;
      if (saved) localStorage.removeItem(this.key);
    } catch {
      /* storage unavailable: edits just do not persist */
    }
    return this.authorCode;
  }

  /** Save text a moment after the last change (the author's code removes the entry). */
  save(text) {
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      try {
        if (text === this.authorCode) localStorage.removeItem(this.key);
        else localStorage.setItem(this.key, JSON.stringify({ hash: this.hash, code: text }));
      } catch {
        /* quota or privacy mode */
      }
    }, SAVE_DELAY_MS);
  }

  /** Forget a save that has not happened yet. */
  cancel() {
    clearTimeout(this.timer);
  }

  /** Drop the saved edit now. */
  clear() {
    clearTimeout(this.timer);
    try {
      localStorage.removeItem(this.key);
    } catch {
      /* ignore */
    }
  }
}
