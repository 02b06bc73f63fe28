"""Item bodies as HTML: Markdown rendered, raw HTML escaped, dangerous links dropped."""

from __future__ import annotations

import pytest
from django.utils.safestring import SafeString

from anxin.knowledge.render import render_markdown


@pytest.mark.parametrize(
    ("body", "present", "absent"),
    [
        ("<script>alert(1)</script>", "&lt;script&gt;alert(1)&lt;/script&gt;", "<script"),
        ("行内 <b onclick=x>粗</b>", "&lt;b onclick=x&gt;", "<b "),
        ("[点我](javascript:alert(1))", "[点我](javascript:alert(1))", "href"),
        ("**加粗** 与 *斜体*", "<strong>加粗</strong> 与 <em>斜体</em>", "**"),
        ("| 药品 | 剂量 |\n|---|---|\n| 布洛芬 | 0.2g |", "<td>布洛芬</td>", "|---|"),
        (
            "[国家卫健委](https://www.nhc.gov.cn/)",
            '<a href="https://www.nhc.gov.cn/" target="_blank" rel="noopener noreferrer">',
            "<script",
        ),
        ("[本站条目](/kb/home-care/)", '<a href="/kb/home-care/">', "noopener"),
    ],
)
def test_it_renders_markdown_and_escapes_html(body, present, absent):
    html = render_markdown(body)
    assert isinstance(html, SafeString)
    assert present in html
    assert absent not in html


def test_an_empty_body_renders_empty():
    assert render_markdown("") == ""
