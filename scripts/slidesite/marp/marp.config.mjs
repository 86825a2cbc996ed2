// marp-cli engine options (the rest of the setup is passed by worker.py beside this file).

// The site's own web fonts (site/assets/fonts/, from npm @fontsource), seen from a deck; PDF export sets
// SLIDESITE_FONTS_URL to a file:// URL of the same files.
const fonts = process.env.SLIDESITE_FONTS_URL || '../../assets/fonts'
const FONT_CDN_IMPORT = /@import\s+(?:url\()?["']https:\/\/fonts\.bunny\.net\/[^"']*["']\)?\s*;/g

const escapeAttribute = (text) =>
  text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;')

// MathJax's SVG says role="img" with no name: a screen reader would skip every formula. Its TeX source
// becomes the SVG's accessible name; it is part of the HTML, so it survives into textbook pages.
// (KaTeX's output carries a MathML copy that screen readers read already.)
const nameFormulas = (markdown) => {
  for (const rule of ['marp_math_inline', 'marp_math_block']) {
    const render = markdown.renderer.rules[rule]
    if (!render) continue
    markdown.renderer.rules[rule] = (tokens, idx, ...rest) => {
      const html = render(tokens, idx, ...rest)
      const tex = escapeAttribute(tokens[idx].content.trim())
      return html.replace(/<svg\b(?![^>]*\baria-label=)([^>]*?)\brole="img"/g, `<svg$1role="img" aria-label="${tex}"`)
    }
  }
}

export default {
  // Marp's built-in gaia theme imports Lato and Roboto Mono from a font CDN: the same theme, with
  // the fonts taken from the site instead (a theme added under an existing name replaces it).
  engine: ({ marp }) => {
    const gaia = marp.themeSet.get('gaia')
    if (gaia && gaia.css.includes('fonts.bunny.net')) {
      marp.themeSet.add(
        gaia.css.replace(FONT_CDN_IMPORT, `@import "${fonts}/lato.css";@import "${fonts}/roboto-mono.css";`),
      )
    }
    nameFormulas(marp.markdown)
    return marp
  },
  options: {
    // Emoji are twemoji pictures served by the site itself (site/assets/twemoji/svg/, from npm
    // @twemoji/svg): never Marp's default CDN. Decks live at /slides/<deck>/; PDF export sets
    // SLIDESITE_TWEMOJI_BASE to a file:// URL of the same pictures.
    emoji: {
      shortcode: 'twemoji',
      unicode: 'twemoji',
      twemoji: { base: process.env.SLIDESITE_TWEMOJI_BASE || '../../assets/twemoji/', ext: 'svg' },
    },
    // MathJax renders formulas to SVG at build time; a deck that says `math: katex` gets KaTeX, whose
    // fonts come from the site (site/assets/katex/fonts/, npm katex), never Marp's default CDN. PDF
    // export sets SLIDESITE_KATEX_FONTS to a file:// URL of the same fonts.
    math: {
      lib: 'mathjax',
      katexFontPath: process.env.SLIDESITE_KATEX_FONTS || '../../assets/katex/fonts/',
    },
  },
}
