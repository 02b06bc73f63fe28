"""An editor finds an item with the live search, edits it with the preview following along, saves, and sees the
new version in the history. Assertions are on what a person sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_desk_flow import log_in

pytestmark = pytest.mark.browser


def test_an_editor_edits_an_item_with_a_live_preview(
    transactional_db, live_server, world, sample_items, browser: Browser
):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, base, "command")
        page.get_by_role("navigation").get_by_role("link", name="知识库").click()
        page.wait_for_url(re.compile(r"/kb/$"))

        # Live search: the results follow the typing, with what matched.
        page.get_by_label("搜索", exact=True).press_sequentially("居家治疗", delay=30)
        results = page.locator("#kb-results")
        expect(results.locator(".kb-result").first).to_contain_text("新冠病毒感染者居家治疗指南要点")
        expect(results.locator(".kb-matched").first).to_contain_text("命中")
        assert "q=" in page.url
        results.get_by_role("link", name="新冠病毒感染者居家治疗指南要点").click()
        page.wait_for_url(re.compile(r"/kb/home-care/$"))
        expect(page.locator("#kb-version")).to_have_text("第 1 版")

        page.get_by_role("link", name="编辑", exact=True).click()
        page.wait_for_url(re.compile(r"/kb/home-care/edit/$"))
        preview = page.locator("#kb-preview")
        expect(preview).to_contain_text("无症状或轻症的感染者可以居家治疗")

        # The preview follows the body as it is typed, and shows HTML as text.
        page.get_by_label("正文（Markdown）").fill(
            "## 居家治疗要点\n\n- 每天测**体温**两次\n- 出现呼吸困难及时就医\n\n<script>alert(1)</script>"
        )
        expect(preview.locator("h2")).to_have_text("居家治疗要点")
        expect(preview.locator("strong")).to_have_text("体温")
        expect(preview.locator("li")).to_have_count(2)
        expect(preview).to_contain_text("<script>alert(1)</script>")

        page.get_by_label("修改说明").fill("改为分条列出")
        page.get_by_role("button", name="保存").click()
        page.wait_for_url(re.compile(r"/kb/home-care/$"))
        expect(page.get_by_text("已保存为第 2 版")).to_be_visible()
        expect(page.locator("#kb-version")).to_have_text("第 2 版")
        expect(page.locator(".kb-item .kb-body strong")).to_have_text("体温")
        history = page.locator("#kb-history")
        expect(history.get_by_role("link", name="第 2 版")).to_be_visible()
        expect(history.get_by_role("link", name="第 1 版")).to_be_visible()
        expect(history).to_contain_text("改为分条列出")
        expect(history).to_contain_text("指挥部")

        # The first version is still there as it was.
        history.get_by_role("link", name="第 1 版").click()
        page.wait_for_url(re.compile(r"/kb/home-care/v/1/$"))
        expect(page.locator(".kb-item .kb-body")).to_contain_text("无症状或轻症的感染者可以居家治疗")
    finally:
        context.close()
