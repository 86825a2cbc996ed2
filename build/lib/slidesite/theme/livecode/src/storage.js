// A cell's edits, kept in localStorage per page and cell until the author changes the
// cell (its code's hash is stored with the edit). Storage may be unavailable (privacy
// mode, quota): then edits just do not persist.
import { mark } from "./dom.js";

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

// An exercise's progress ({passed, tries}) in localStorage, under its id (`<page>/<n>`,
// shared by a deck and its textbook page).
const PROGRESS_PREFIX = "livecode:exercise:v1:";

export class ExerciseProgress {
  constructor(id) {
    this.key = PROGRESS_PREFIX + id;
  }

  load() {
    try {
      const saved = JSON.parse(localStorage.getItem(this.key) || "null");
      if (saved && typeof saved === "object") return { passed: !!saved.passed, tries: saved.tries | 0 };
    } catch {
      /* storage unavailable */
    }
    return { passed: false, tries: 0 };
  }

  write(value) {
    try {
      localStorage.setItem(this.key, JSON.stringify(value));
    } catch {
      /* quota or privacy mode */
    }
  }

  tried() {
    const now = this.load();
    this.write({ ...now, tries: now.tries + 1 });
  }

  passed() {
    this.write({ ...this.load(), passed: true });
  }
}

/** Fill the n/m lines (.livecode-exercise-progress) and the 「演習」 page's status cells. */
export function refreshProgress(root) {
  for (const line of root.querySelectorAll(".livecode-exercise-progress[data-exercises]")) {
    const ids = line.dataset.exercises.split(/\s+/).filter(Boolean);
    const solved = ids.filter((id) => new ExerciseProgress(id).load().passed).length;
    line.textContent = `演習: ${solved} / ${ids.length} 問 正解`;
    line.dataset.solved = String(solved);
  }
  for (const span of root.querySelectorAll(".livecode-exercise-status[data-exercise]")) {
    const { passed, tries } = new ExerciseProgress(span.dataset.exercise).load();
    span.dataset.status = passed ? "passed" : tries ? "tried" : "new";
    if (passed) span.replaceChildren(mark(true), ` 正解（${tries} 回）`);
    else span.textContent = tries ? `挑戦中（${tries} 回）` : "未挑戦";
  }
}
