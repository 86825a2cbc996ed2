"""Slide colours on a page (slidesite.textbook.page_colors): parsed like CSS, re-tuned only where they would not read."""

from __future__ import annotations

import pytest
from slidesite.textbook.page_colors import PAGE_BG, PAGE_CONTRAST, contrast, fix_colors, parse_color, readable
from slidesite.textbook.slide_html import parse_slides, serialise


@pytest.mark.parametrize(("value", "rgb", "alpha"), [
    ("#eee", (238, 238, 238), 1.0),
    ("#EEEEEE80", (238, 238, 238), 128 / 255),
    ("rgb(10, 20, 30)", (10, 20, 30), 1.0),
    ("rgba(10 20 30 / 50%)", (10, 20, 30), 0.5),
    ("hsl(120, 100%, 25%)", (0, 127.5, 0), 1.0),
    ("Navy", (0, 0, 128), 1.0),
    ("yellow !important", (255, 255, 0), 1.0),
    ("transparent", (0, 0, 0), 0.0),
])
def test_css_colours_parse(value, rgb, alpha):
    found = parse_color(value)
    assert found is not None
    assert found[0] == pytest.approx(rgb, abs=0.6) and found[1] == pytest.approx(alpha)


@pytest.mark.parametrize("value", ["var(--x)", "currentColor", "inherit", "url(a.png)", "nonsense", "rgb(1, 2)"])
def test_what_cannot_be_known_is_left_alone(value):
    assert parse_color(value) is None


@pytest.mark.parametrize("colour", [(238, 238, 238), (255, 255, 0), (0, 0, 255), (80, 250, 123), (128, 128, 128)])
def test_readable_reaches_the_target_on_both_page_backgrounds(colour):
    for background in PAGE_BG:
        assert contrast(readable(colour, background), background) >= PAGE_CONTRAST


def slide(body: str) -> str:
    page = ('<svg data-marpit-svg="" viewBox="0 0 1280 720"><foreignObject width="1280" height="720">'
            f'<section id="1">{body}</section></foreignObject></svg>')
    nodes = parse_slides(page)[0].body
    fix_colors(nodes)
    return serialise(nodes)


def test_a_colour_keeps_its_value_where_it_reads_and_its_hue_where_it_does_not():
    # No colour reads at 4.5 : 1 on both a white and a near-black page: each scheme gets its own.
    out = slide('<p><span style="color: #d04040">赤</span></p>')
    assert out == '<p><span style="--slide-fg-light: #d04040; --slide-fg-dark: #d96666" class="slide-color">赤</span></p>'
    colours = [(208, 64, 64), (217, 102, 102)]
    assert all(contrast(c, b) >= PAGE_CONTRAST for c, b in zip(colours, PAGE_BG, strict=True))


def test_near_white_text_is_retuned_for_the_light_page_only():
    out = slide('<p><a style="color:#eeeeee">作者</a></p>')
    assert out == ('<p><a style="--slide-fg-light: #6b6b6b; --slide-fg-dark: #eeeeee" class="slide-color">'
                   "作者</a></p>")


def test_text_on_a_background_of_its_own_is_checked_against_it():
    assert "slide-color" not in slide('<p><span style="background:#333;color:#f0f0f0">帯</span></p>')
    # A pale box without a text colour: the dark page's light text would vanish on it.
    out = slide('<div style="background-color: #ffffcc"><p>淡い箱 <b style="color: #ffff00">黄</b></p></div>')
    assert out.startswith('<div style="background-color: #ffffcc; --slide-fg-light: #212121; --slide-fg-dark: #')
    assert '<b style="--slide-fg-light: #' in out  # yellow on pale yellow: darkened in both schemes


def test_font_colour_attribute_and_other_declarations():
    out = slide('<p><font color="#ffff66">f</font> <span style="font-weight: bold; color: white">w</span></p>')
    assert '<font class="slide-color" style="--slide-fg-light' in out or '<font style="--slide-fg-light' in out
    assert 'color="#ffff66"' not in out
    assert '<span style="font-weight: bold; --slide-fg-light: #' in out
