"""Tells whether an element is invisible to a reader, and how it was hidden.

Hacked portals hide spam from the people who run them while search engines still read it:
inline ``display:none``, ``visibility:hidden``, ``font-size:0``, off-screen absolute positioning,
zero width/height with overflow hidden, 1-pixel ``<marquee>`` blocks, the ``hidden`` attribute,
and classes or ids hidden by a ``<style>`` block on the page. Plain trafilatura only catches the
first two when inline.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

_DECLS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("display_none", re.compile(r"display\s*:\s*none", re.I)),
    ("visibility_hidden", re.compile(r"visibility\s*:\s*hidden", re.I)),
    ("font_size_zero", re.compile(r"font-size\s*:\s*0(?:\.0+)?\s*(?:px|pt|em|rem|%)?\s*(?:;|$|!)", re.I)),
    # 1–2 px text is unreadable: "color:#fff;font-size:1px" link farms
    ("font_size_tiny", re.compile(
        r"font-size\s*:\s*(?:[12](?:\.\d+)?\s*(?:px|pt)|0?\.\d+\s*(?:px|pt)|0?\.[0-3]\d*\s*(?:em|rem))\s*(?:;|$|!)",
        re.I)),
    ("off_screen", re.compile(
        r"(?:position\s*:\s*(?:absolute|fixed)[^\n]*?(?<![\w-])(?:left|top|right)\s*:\s*-\s*\d{3,}"
        r"|(?<![\w-])(?:left|top|right)\s*:\s*-\s*\d{3,}[^\n]*?position\s*:\s*(?:absolute|fixed)"
        r"|(?<![\w-])(?:left|top)\s*:\s*-\s*\d{2,}\s*(?:em|rem)"
        r"|text-indent\s*:\s*-\s*\d{4,})", re.I)),
    ("opacity_zero", re.compile(r"opacity\s*:\s*0(?:\.0+)?\s*(?:;|$|!)", re.I)),
    ("white_text", re.compile(
        r"(?<![\w-])color\s*:\s*(?:#fff(?:fff)?|white|rgb\(\s*255\s*,\s*255\s*,\s*255\s*\))\s*(?:;|$|!)", re.I)),
    ("transparent_text", re.compile(
        r"(?<![\w-])color\s*:\s*(?:transparent|rgba\([^)]*,\s*0(?:\.0+)?\s*\)|hsla\([^)]*,\s*0(?:\.0+)?\s*\))", re.I)),
    ("clip_zero", re.compile(r"clip\s*:\s*rect\(\s*0", re.I)),
)
# a box 0–2 px wide or tall that clips its content (1×1 overflow:hidden link farms)
_ZERO_BOX = re.compile(
    r"(?:^|;|\s)(?:width|height|max-height|max-width)\s*:\s*(?:0(?:\.0+)?|[12](?:\.\d+)?\s*px)\s*(?:px|pt|em|%)?\s*(?:;|$|!)",
    re.I)
_OVERFLOW_HIDDEN = re.compile(r"overflow\s*:\s*hidden", re.I)
# white text on a government page's white body is written for crawlers (<font color="#FFFFFF">)
_WHITE = frozenset({"#fff", "#ffffff", "white", "#fffffe"})
_CSS_TOKENS = re.compile(r"[{}]|[^{}]+")
# a selector's last compound, when it is a class or an id: ".xxgk_detail .tj" hides every .tj
# (the ancestor condition is not checked: injected rules do not depend on it)
_SIMPLE_SELECTOR = re.compile(r"(?:^|[\s>+~])\s*(?:[a-zA-Z0-9]*)([.#])([\w-]+)\s*$")


# all the declarations above in one regex, so a visible element costs one search, not six
_ANY = re.compile("|".join(f"(?P<{reason}>{rx.pattern})" for reason, rx in _DECLS), re.I)


@lru_cache(maxsize=8192)
def style_reason(style: str) -> str | None:
    """How a CSS declaration block hides its element, or None if it does not (cached: pasted
    Word tables repeat one style on every cell)."""
    m = _ANY.search(style)
    if m:
        return m.lastgroup
    if _ZERO_BOX.search(style) and (_OVERFLOW_HIDDEN.search(style) or "position" in style.lower()):
        return "zero_size"
    return None


def hidden_selectors(root: HtmlElement) -> dict[str, str]:
    """Classes (``.x``) and ids (``#x``) that the page's own ``<style>`` blocks hide.

    Rules inside ``@media``/``@supports`` are conditional (a mobile layout hiding the PC body,
    ``@media print``) and do not count; nor do styles with a ``media`` attribute other than screen/all.
    """
    hidden: dict[str, str] = {}
    for style in root.iter("style"):
        media = (style.get("media") or "all").lower()
        if "screen" not in media and "all" not in media:
            continue
        for selectors, body in _css_rules(style.text or ""):
            reason = style_reason(body)
            if not reason:
                continue
            for selector in selectors.split(","):
                m = _SIMPLE_SELECTOR.search(selector.strip())
                if m:
                    hidden[m.group(1) + m.group(2)] = "css_" + reason
    return hidden


def _css_rules(css: str) -> list[tuple[str, str]]:
    """(selectors, declarations) of the unconditional rules, in one linear scan of the braces."""
    rules = []
    stack: list[str] = []
    pending = ""
    for token in _CSS_TOKENS.findall(css):
        if token == "{":
            stack.append(pending.strip())
            pending = ""
        elif token == "}":
            if stack:
                selector = stack.pop()
                if not any(s.startswith("@") for s in stack) and not selector.startswith("@"):
                    rules.append((selector, pending))
            pending = ""
        else:
            pending = token
    return rules


def hidden_reason(el: HtmlElement, selectors: dict[str, str]) -> str | None:
    """Why this element is invisible (``display_none``, ``css_display_none``, ``marquee`` …), or None."""
    if el.tag in ("html", "body"):
        return None  # <body style="visibility:hidden"> is a loading trick; a script shows it
    attrib = el.attrib
    if "hidden" in attrib:
        return "hidden_attribute"
    style = attrib.get("style")
    if style:
        reason = style_reason(style)
        if reason:
            return reason
    if el.tag == "marquee" and _tiny_marquee(el):
        return "marquee"
    if el.tag == "font" and (attrib.get("color") or "").strip().lower() in _WHITE:
        return "white_text"
    if selectors:
        for cls in attrib.get("class", "").split():
            reason = selectors.get("." + cls)
            if reason:
                return reason
        ident = attrib.get("id")
        if ident and "#" + ident in selectors:
            return selectors["#" + ident]
    return None


def _tiny_marquee(el: HtmlElement) -> bool:
    """A marquee 0–5 px tall or wide, or scrolling too fast to read, exists only for crawlers."""
    for key in ("width", "height"):
        value = el.attrib.get(key, "").strip().rstrip("px")
        if value.isdigit() and int(value) <= 5:
            return True
    amount = el.attrib.get("scrollamount", "").strip()
    return amount.isdigit() and int(amount) >= 500
