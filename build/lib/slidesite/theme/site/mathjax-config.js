// MathJax for pages: typeset arithmatex output, again after every instant navigation.
window.MathJax = {
  loader: { load: ["[tex]/boldsymbol"] },
  tex: {
    packages: { "[+]": ["boldsymbol"] },
    inlineMath: [["\\(", "\\)"]],
    displayMath: [["\\[", "\\]"]],
    processEscapes: true,
    processEnvironments: true,
  },
  options: {
    ignoreHtmlClass: ".*|",
    // md-ellipsis: the table of contents repeats a heading's text, math included, as plain \(…\).
    processHtmlClass: "arithmatex|md-ellipsis",
  },
  startup: {
    ready() {
      // The menu's accessibility switches re-render before the speech rules they load are
      // ready; unhandled, that "retry" leaves the page with no math at all. Let it retry.
      const { AbstractMathDocument } = MathJax._.core.MathDocument;
      const { handleRetriesFor } = MathJax._.util.Retries;
      const rerender = AbstractMathDocument.prototype.rerender;
      AbstractMathDocument.prototype.rerender = function (start) {
        handleRetriesFor(() => rerender.call(this, start)).catch((err) => console.error(err));
        return this;
      };
      MathJax.startup.defaultReady();
    },
  },
};

document$.subscribe(() => {
  if (!window.MathJax.typesetPromise) return;
  MathJax.startup.output.clearCache();
  MathJax.typesetClear();
  MathJax.texReset();
  MathJax.typesetPromise();
});
