"""The compound map in a real browser: a grid worker finds the compound, sees the confirmed household in red,
opens it with a click, and watches a new quarantine appear without reloading. Assertions are on what a person
sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from anxin.places import views
from tests.browser.test_desk_flow import log_in

pytestmark = pytest.mark.browser


def test_a_grid_worker_sees_the_red_household_and_opens_it(
    transactional_db, live_server, world, browser: Browser, monkeypatch
):
    monkeypatch.setattr(
        views, "POLL_SECONDS", 1
    )  # the page polls every 30 s; the test does not wait that long
    world.wang.quarantine_status = "confirmed"
    world.wang.save()
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server.url, "grid_a")
        page.get_by_role("navigation").get_by_role("link", name="疫情分布图").click()
        page.wait_for_url(re.compile(r"/map/$"))
        page.get_by_role("link", name="A花园").click()
        page.wait_for_url(re.compile(r"/map/\d+/$"))
        expect(page.get_by_role("heading", name="A花园 疫情分布图")).to_be_visible()

        # 王建国 is confirmed: his household, 1栋 101, is red; the legend counts it.
        red = page.locator(f'a.epimap-unit[data-unit="{world.unit_a1.pk}"]')
        expect(red).to_have_attribute("data-status", "confirmed")
        expect(red.locator("rect")).to_have_attribute("fill", "#d32f2f")
        expect(red).to_contain_text("101")
        expect(page.locator('.epimap-legend tr[data-status="confirmed"]')).to_contain_text("确诊病例")
        expect(page.locator('.epimap-legend tr[data-status="confirmed"] td').nth(1)).to_have_text("1")

        # A click opens the household beside the map, masked; the page stays where it is.
        map_url = page.url
        red.click()
        panel = page.locator("#epimap-household")
        expect(panel).to_contain_text("王建国")
        expect(panel).to_contain_text("李秀英")
        expect(panel).to_contain_text("138****8000")
        expect(panel).to_contain_text("确诊病例")
        assert page.url == map_url

        # The baby's household goes into central quarantine: the map turns it pink by itself.
        world.baby.quarantine_status = "quarantine_central"
        world.baby.save()
        pink = page.locator(f'a.epimap-unit[data-unit="{world.unit_a2.pk}"]')
        expect(pink).to_have_attribute("data-status", "quarantine_central", timeout=10_000)
        expect(pink.locator("rect")).to_have_attribute("fill", "#f48fb1")
        expect(page.locator(f'a.epimap-unit[data-unit="{world.unit_a1.pk}"]')).to_have_class(
            re.compile(r"\bchosen\b")
        )

        # The resident's own page is a link away.
        panel.get_by_role("link", name="王建国").click()
        page.wait_for_url(re.compile(rf"/people/{world.wang.pk}/$"))
    finally:
        context.close()
