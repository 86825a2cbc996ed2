"""Live-cell fences become one line of HTML each, in decks, pages, lists and admonitions."""

import markdown as python_markdown
from slidesite.livecode.cell_html import transform_cells


def test_live_cells_become_escaped_pre_blocks():
    out = transform_cells('a\n\n```python run autorun timeout=5\nprint("<b>&")\n\nx = 1\n```\n\n```python\ny\n```\n')
    assert '<pre class="livecode-source" data-cell="1" data-options="autorun timeout=5">' in out
    assert "print(&quot;&lt;b&gt;&amp;&quot;)&#10;&#10;x = 1</pre>" in out
    assert "```python\ny\n```" in out


def test_nested_cells_become_placeholders_for_pages_and_indented_html_for_decks():
    from slidesite.livecode.cell_html import put_nested_cells

    text = '- 手順\n\n    ```python run\n    x = "<a>"\n\n    print(x)\n    ```\n\n!!! note\n\n    ```python run autorun\n    1\n    ```\n'
    nested: dict[str, str] = {}
    page = transform_cells(text, nested=nested)
    assert len(nested) == 2 and all(f"    {token}" in page for token in nested)
    html = put_nested_cells(f"<ul><li>手順<p>{list(nested)[0]}</p></li></ul><div>{list(nested)[1]}</div>", nested)
    assert html == (
        '<ul><li>手順<div class="livecode-cell" data-layout="below"><pre class="livecode-source" data-cell="1">'
        'x = &quot;&lt;a&gt;&quot;&#10;&#10;print(x)</pre></div></li></ul>'
        '<div><div class="livecode-cell" data-layout="below"><pre class="livecode-source" data-cell="2" '
        'data-options="autorun">1</pre></div></div>'
    )
    deck = transform_cells(text)
    assert ('    <div class="livecode-cell" data-layout="below"><pre class="livecode-source" data-cell="1">'
            'x = &quot;&lt;a&gt;&quot;&#10;&#10;print(x)</pre></div>') in deck


def test_live_cell_code_survives_python_markdown_with_blank_lines():
    text = '<details markdown="1">\n<summary>解答</summary>\n\n```python run\na = 1\n\n\nprint(a < 2)\n```\n\n</details>\n'
    html = python_markdown.markdown(transform_cells(text), extensions=["md_in_html"])
    assert "a = 1&#10;&#10;&#10;print(a &lt; 2)</pre>" in html and "<p>" not in html

