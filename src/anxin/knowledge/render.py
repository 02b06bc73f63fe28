"""Item bodies (Markdown) as HTML for the pages.

CommonMark plus tables, with raw HTML switched off: a ``<script>`` or ``<b>`` typed in a body comes out as text,
so the result is safe to put in a page as it is. markdown-it's own link check already drops ``javascript:``,
``vbscript:`` and ``file:`` links; links to other sites open in a new tab without handing it this page.
"""

from __future__ import annotations

from functools import cache

from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

_EXTERNAL = ("http://", "https://")


def _link_open(renderer, tokens, idx, options, env) -> str:
    token = tokens[idx]
    if str(token.attrGet("href") or "").startswith(_EXTERNAL):
        token.attrSet("target", "_blank")
        token.attrSet("rel", "noopener noreferrer")
    return renderer.renderToken(tokens, idx, options, env)


@cache
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False})
    if "table" in parser.get_all_rules()["block"]:
        parser.enable("table")
    parser.add_render_rule("link_open", _link_open)
    return parser


def render_markdown(text: str) -> SafeString:
    """The body as HTML, safe to output unescaped (raw HTML in ``text`` is escaped, never passed through)."""
    return mark_safe(_parser().render(text or ""))  # noqa: S308 (html=False: markdown-it escapes all raw HTML)
