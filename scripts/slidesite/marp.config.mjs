// marp-cli engine options (the rest of the setup is passed by marp.py beside this file).
export default {
  options: {
    // Keep emoji as text: twemoji would load images from a CDN, and the site sends no request off its origin.
    emoji: { shortcode: true, unicode: false },
    // MathJax renders formulas to SVG at build time.
    math: 'mathjax',
  },
}
