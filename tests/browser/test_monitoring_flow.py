"""Daily monitoring end to end in a real browser: the family doctor, on a phone, records a low SpO2 on the
worklist; the on-duty clinician sees the case in the queue at once and follows it back to the reading."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

from anxin.monitoring.services import enrolment_sync

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-123"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_a_low_spo2_on_the_worklist_reaches_the_clinicians_queue(
    transactional_db, live_server, world, browser: Browser
):
    enrolment_sync()
    base = live_server.url
    phone_context = browser.new_context(
        viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True
    )
    desk_context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        # The family doctor opens today's worklist from the menu.
        phone = phone_context.new_page()
        log_in(phone, base, "doctor_a")
        phone.get_by_role("link", name="健康监测").click()
        expect(phone.get_by_role("heading", name=re.compile("今日监测"))).to_be_visible()
        row = phone.locator(".work-item").filter(has_text="王建国")
        expect(row).to_contain_text("高风险")
        expect(row).to_contain_text("独居")

        # One tap opens the form; SpO2 88 % and save.
        row.get_by_text("记录", exact=True).click()
        row.get_by_label("血氧 %").fill("88")
        row.get_by_label("体温 ℃").fill("37.6")
        row.get_by_role("button", name="保存").click()
        result = phone.locator(".check-result")
        expect(result).to_contain_text("危急")
        expect(result).to_contain_text("已生成工单")
        expect(result).to_contain_text("请立即拨打 120")
        number = result.locator("a.case-link").inner_text()
        assert number.startswith("AX")

        # The on-duty clinician: the P1 banner and the line's queue both show the case.
        desk = desk_context.new_page()
        log_in(desk, base, "clinician")
        banner = desk.locator("#alerts")
        expect(banner).to_contain_text(number)
        expect(banner).to_contain_text("P1")
        queue = desk.locator("#list-line_inbox")
        expect(queue).to_contain_text(number)
        expect(queue).to_contain_text("血氧 88%")

        # The case shows where it came from; the link leads back to the reading.
        queue.get_by_role("link", name=number).click()
        desk.wait_for_url(re.compile(r"/desk/cases/\d+/$"))
        sources = desk.locator("#case-monitoring-sources")
        expect(sources).to_contain_text("血氧 88%")
        sources.get_by_role("link", name=re.compile("读数异常告警")).click()
        expect(desk.locator("#alert-reading")).to_contain_text("88%")
        expect(desk.locator("#alert-case")).to_contain_text(number)
    finally:
        phone_context.close()
        desk_context.close()
