"""One call worked end to end in a real browser: pop, intake, transfer to a grid, accept, resolve, return
visit, close. Assertions are on what a person sees."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page, expect

pytestmark = pytest.mark.browser
PASSWORD = "pw-for-tests-123"


def log_in(page: Page, base_url: str, username: str) -> None:
    page.goto(f"{base_url}/accounts/login/")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_an_agent_and_a_grid_worker_work_a_call_to_closure(
    transactional_db, live_server, world, browser: Browser
):
    base = live_server.url
    agent = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    # The grid worker is on a phone.
    grid = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    try:
        desk = agent.new_page()
        log_in(desk, base, "agent")
        expect(desk.get_by_role("heading", name="受理登记")).to_be_visible()
        expect(desk.get_by_text("黄医生")).to_be_visible()

        # The phone rings: the agent types the number and the resident pops.
        desk.locator("#pop-phone").press_sequentially("13800138000", delay=20)
        pop = desk.locator("#pop")
        expect(pop).to_contain_text("王建国")
        expect(pop).to_contain_text("独居")
        expect(pop).to_contain_text("松元厦第一网格")
        expect(pop).to_contain_text("李秀英")
        entry = pop.locator("article").filter(has_text="王建国").first
        entry.get_by_role("button", name="设为来电人").click()
        entry.get_by_role("button", name="设为求助对象").first.click()
        expect(desk.locator("#subject-resident-label")).to_contain_text("王建国")

        # Intake.
        desk.get_by_label("来电内容").fill("独居老人头晕两天，血压 170/100，行动不便，需要上门查看")
        desk.get_by_label("类别").select_option(label="医疗咨询")
        desk.get_by_label("紧急程度").select_option(label="P3 24小时内")
        desk.get_by_label("处置").select_option(label="转社区/网格")
        # The triage proposal is a home visit; handing it to the grid instead needs a reason.
        expect(desk.locator("#proposal-disposition")).to_have_text("上门服务")
        desk.get_by_label("改判理由").fill("行动不便，请网格员上门测血压")
        desk.get_by_role("button", name="登记工单").click()
        desk.wait_for_url(re.compile(r"/desk/cases/\d+/$"))
        expect(desk.locator("#case-status")).to_have_text("处理中")
        expect(desk.get_by_text("首问负责人", exact=True)).to_be_visible()
        number = desk.locator("#case-panel h1").inner_text().split()[0]
        assert number.startswith("AX")
        case_url = desk.url

        # Hand it to the community grid with a note.
        desk.locator("#step-transfer summary").click()
        desk.get_by_label("转给").select_option(label="松元厦第一网格")
        desk.get_by_label("交接说明").fill("请网格员今天上门测血压")
        desk.get_by_role("button", name="确认转办").click()
        expect(desk.locator("#case-status")).to_have_text("已转办待接收")
        expect(desk.locator(".timeline")).to_contain_text("请网格员今天上门测血压")

        # The grid worker, on a phone, finds it in the community inbox, accepts and resolves it.
        phone = grid.new_page()
        log_in(phone, base, "grid_a")
        expect(phone.get_by_role("heading", name="转给本社区/网格的工单")).to_be_visible()
        phone.get_by_role("link", name=number).first.click()
        phone.wait_for_url(case_url)
        phone.get_by_role("button", name="接收工单").click()
        expect(phone.locator("#case-status")).to_have_text("处理中")
        expect(phone.locator(".timeline")).to_contain_text("接收")
        phone.locator("#step-resolve summary").click()
        phone.get_by_label("办结情况").fill("已上门，血压 150/90，已联系家庭医生调整用药")
        phone.get_by_role("button", name="确认办结").click()
        expect(phone.locator("#case-status")).to_have_text("已办结待回访")

        # Back at the desk: the return visit, then closure.
        desk.reload()
        expect(desk.locator("#case-status")).to_have_text("已办结待回访")
        expect(desk.locator(".summary-text").filter(has_text="已上门，血压 150/90")).to_be_visible()
        desk.get_by_label("满意度").select_option(label="满意")
        desk.get_by_role("button", name="记录回访").click()
        expect(desk.get_by_text("回访满意度")).to_be_visible()
        desk.get_by_role("button", name="确认关闭").click()
        expect(desk.locator("#case-status")).to_have_text("已关闭")
        timeline = desk.locator(".timeline")
        for step in ("受理", "转办", "接收", "办结", "回访", "关闭"):
            expect(timeline).to_contain_text(step)
        expect(desk.locator(".card").first).to_contain_text("黄医生")  # still the first owner
    finally:
        agent.close()
        grid.close()
