// CodeMirror 6 editor for one cell: Python highlighting, Shift/Ctrl+Enter to run,
// Tab indents; Esc then Tab leaves the editor (keyboard users are never trapped).
import { EditorState, Prec } from "@codemirror/state";
import { EditorView, keymap, lineNumbers, drawSelection, highlightActiveLine } from "@codemirror/view";
import { defaultKeymap, history, historyKeymap, indentWithTab, simplifySelection } from "@codemirror/commands";
import { python } from "@codemirror/lang-python";
import { syntaxHighlighting, indentOnInput, bracketMatching, indentUnit } from "@codemirror/language";
import { classHighlighter } from "@lezer/highlight";

/**
 * @param {HTMLElement} parent
 * @param {string} doc
 * @param {{onRun: () => void, onChange: (code: string) => void, label: string}} opts
 */
export function createEditor(parent, doc, opts) {
  const leave = (view) => {
    simplifySelection(view);
    view.setTabFocusMode(3000);
    return true;
  };
  const run = () => {
    opts.onRun();
    return true;
  };
  const view = new EditorView({
    parent,
    state: EditorState.create({
      doc,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        indentOnInput(),
        bracketMatching(),
        indentUnit.of("    "),
        python(),
        syntaxHighlighting(classHighlighter),
        Prec.highest(
          keymap.of([
            { key: "Shift-Enter", run },
            { key: "Mod-Enter", run },
            { key: "Escape", run: leave },
          ]),
        ),
        keymap.of([...defaultKeymap, ...historyKeymap, indentWithTab]),
        // tabindex: the editor is already in the tab order (contenteditable); saying so lets checkers see that
        // its scrolling box has focusable content.
        EditorView.contentAttributes.of({ "aria-label": opts.label, tabindex: "0" }),
        EditorView.updateListener.of((update) => {
          if (update.docChanged) opts.onChange(update.state.doc.toString());
        }),
      ],
    }),
  });
  return {
    view,
    get code() {
      return view.state.doc.toString();
    },
    set code(text) {
      view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: text } });
    },
  };
}
