"""The knowledge panel at the desk in a real browser: a weak match is said to be one, its items folded away;
a good match is shown with its answer button."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_desk_flow import log_in

pytestmark = pytest.mark.browser


def test_the_panel_says_when_it_has_no_confident_answer(
    transactional_db, live_server, world, sample_items, browser: Browser
):
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        desk = context.new_page()
        log_in(desk, live_server.url, "agent")
        panel = desk.locator("#knowledge-panel")
        summary = desk.get_by_label("来电内容")

        summary.fill("明天会不会下雪，出门要带什么")
        expect(panel.locator("#kb-no-confident")).to_contain_text("没有把握的答案")
        nearest = panel.locator(".kb-unsure .kb-suggestion").first
        expect(nearest).to_be_hidden()
        panel.get_by_text("仍可查看最接近的条目").click()
        expect(nearest).to_be_visible()

        summary.fill("我想问一下抗原出现两道杠是什么意思")
        expect(panel.locator("#kb-no-confident")).to_have_count(0)
        expect(panel.get_by_role("button", name="用此条答复并办结").first).to_be_visible()
    finally:
        context.close()
