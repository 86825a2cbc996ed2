// marp-cli engine options (the rest of the setup is passed by marp.py beside this file).
export default {
  options: {
    // Emoji are twemoji pictures served by the site itself (site/assets/twemoji/svg/, from npm
    // @twemoji/svg): never Marp's default CDN. Decks live at /slides/<deck>/; PDF export sets
    // SLIDESITE_TWEMOJI_BASE to a file:// URL of the same pictures.
    emoji: {
      shortcode: 'twemoji',
      unicode: 'twemoji',
      twemoji: { base: process.env.SLIDESITE_TWEMOJI_BASE || '../../assets/twemoji/', ext: 'svg' },
    },
    // MathJax renders formulas to SVG at build time.
    math: 'mathjax',
  },
}
