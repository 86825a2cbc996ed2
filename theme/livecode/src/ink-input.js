// Ink on slides, the input, like a tablet app: a stylus draws (in drawing mode anywhere on
// the slide, outside it on the slide's background but not on cells, links or buttons); once
// a stylus has been seen, a finger never draws and still swipes slides; a mouse (and a finger
// on a screen without a stylus) draws only in drawing mode. Outside drawing mode the layer
// takes no events at all: only a stylus touching the slide's background starts a stroke.

const PEN_KEY = "livecode:ink:pen-seen";
// Where a stylus outside drawing mode keeps doing what it does today.
const INTERACTIVE = "a, button, input, textarea, select, label, summary, video, audio, iframe, [contenteditable], [tabindex], .livecode";

function readPenSeen() {
  try {
    return sessionStorage.getItem(PEN_KEY) === "1";
  } catch {
    return false;
  }
}

export function watchPointers(ink) {
  let penSeen = readPenSeen();
  let gesture = null;
  const root = document.documentElement;
  root.classList.toggle("ink-pen", penSeen);

  const markPen = (e) => {
    if (e.pointerType !== "pen" || penSeen) return;
    penSeen = true;
    root.classList.add("ink-pen");
    try {
      sessionStorage.setItem(PEN_KEY, "1");
    } catch {
      /* storage unavailable */
    }
  };

  const mayDraw = (e, layer) => {
    if (ink.drawing) {
      if (e.target !== layer.hit) return false;
      if (e.pointerType === "pen") return true;
      if (e.pointerType === "touch") return !penSeen && e.isPrimary; // palm rejection
      return e.button === 0;
    }
    if (e.pointerType !== "pen" || ink.readOnly) return false;
    const target = e.target instanceof Element ? e.target : null;
    return !!target && layer.svg.contains(target) && !target.closest(INTERACTIVE);
  };

  const finish = () => {
    if (!gesture) return;
    const g = gesture;
    gesture = null;
    if (g.stroke) ink.endStroke(g.n, g.stroke); // an eraser has committed as it went; the laser fades
  };

  const step = (g, x, y) => {
    if (g.tool === "laser") ink.laser(g.n, [[x, y]]);
    else if (g.tool === "eraser") ink.erase(g.n, g.last[0], g.last[1], x, y, g.id);
    else ink.extendStroke(g.n, g.stroke, x, y);
    g.last = [x, y];
  };

  document.addEventListener("pointerover", markPen, { capture: true, passive: true });
  document.addEventListener(
    "pointerdown",
    (e) => {
      markPen(e);
      if (gesture) return; // one pointer at a time; a second finger or a palm is ignored
      const n = ink.activeSlide();
      const layer = ink.layer(n);
      if (!layer || ink.readOnly || !mayDraw(e, layer)) return;
      const p = layer.toSlide(e.clientX, e.clientY);
      if (!p) return;
      e.preventDefault();
      e.stopPropagation();
      try {
        e.target.setPointerCapture(e.pointerId);
      } catch {
        /* not capturable: window listeners still follow it */
      }
      const tool = ink.tool.kind;
      gesture = { pointerId: e.pointerId, pointerType: e.pointerType, n, layer, tool, last: p, id: `${Date.now()}-${e.pointerId}` };
      if (tool === "pen" || tool === "highlighter") gesture.stroke = ink.beginStroke(n, p[0], p[1]);
      else step(gesture, p[0], p[1]);
    },
    true,
  );
  window.addEventListener(
    "pointermove",
    (e) => {
      if (gesture && e.pointerId === gesture.pointerId) {
        if (ink.activeSlide() !== gesture.n) return finish();
        const events = typeof e.getCoalescedEvents === "function" ? e.getCoalescedEvents() : [];
        for (const ev of events.length ? events : [e]) {
          const p = gesture.layer.toSlide(ev.clientX, ev.clientY);
          if (p) step(gesture, p[0], p[1]);
        }
        if (gesture.stroke) ink.strokeMoved(gesture.n, gesture.stroke);
        e.preventDefault();
        return;
      }
      // The laser follows a hovering mouse or stylus in drawing mode, no button needed.
      if (gesture || !ink.drawing || ink.tool.kind !== "laser" || e.pointerType === "touch") return;
      const n = ink.activeSlide();
      const layer = ink.layer(n);
      if (!layer || e.target !== layer.hit) return;
      const p = layer.toSlide(e.clientX, e.clientY);
      if (p) ink.laser(n, [p]);
    },
    { capture: true, passive: false },
  );
  for (const type of ["pointerup", "pointercancel"]) {
    window.addEventListener(type, (e) => gesture && e.pointerId === gesture.pointerId && finish(), true);
  }
  // A finger that draws (no stylus seen) must not also swipe to the next slide: Marp's swipe
  // listens to touch events on its parent, so they stop at the hit area while it draws.
  for (const layer of ink.layers) {
    for (const type of ["touchstart", "touchmove", "touchend"]) {
      layer.hit.addEventListener(type, (e) => gesture && gesture.pointerType === "touch" && e.stopPropagation(), {
        passive: true,
      });
    }
  }
  return { finish, get penSeen() {
    return penSeen;
  } };
}
