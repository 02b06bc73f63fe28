"""Triage at the desk in a real browser: the proposal appears as the agent types, an override needs a reason,
accepting the proposal fills the form, and a P1 reaches the on-duty clinician's phone as a banner."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from anxin.hotline.models import Case, ClinicianAlert, TriageOverride
from tests.browser.test_desk_flow import log_in

pytestmark = pytest.mark.browser
CONVULSION = "宝宝三个月大，烧到三十八度六，刚才抽了一下"
POLL_WAIT_MS = 12_000  # the banner polls every 5 s


def test_the_agent_sees_the_proposal_overrides_it_with_a_reason_and_the_clinician_acknowledges_a_p1(
    transactional_db, live_server, world, browser: Browser
):
    base = live_server.url
    agent = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    # The clinician on duty is on a phone.
    doctor = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    try:
        phone = doctor.new_page()
        log_in(phone, base, "clinician")
        banner = phone.locator(".alert-banner")
        expect(phone.get_by_role("heading", name="受理登记")).to_be_visible()
        expect(banner).to_have_count(0)

        desk = agent.new_page()
        log_in(desk, base, "agent")
        panel = desk.locator("#triage-panel")
        reason = desk.get_by_label("改判理由")

        # The proposal appears while the agent types, before anything is submitted.
        desk.get_by_label("来电内容").press_sequentially(CONVULSION, delay=15)
        expect(panel.locator("#proposal-urgency")).to_have_text("P1 危急")
        expect(panel.locator("#proposal-disposition")).to_have_text("呼叫120")
        expect(panel.locator("mark", has_text="抽了一下")).to_be_visible()
        expect(panel).to_contain_text("抽搐/惊厥")
        assert Case.objects.count() == 0
        expect(reason).to_be_hidden()

        # The agent thinks it less urgent: a reason is asked for, and required.
        desk.get_by_label("紧急程度").select_option("P2")
        expect(reason).to_be_visible()
        desk.get_by_role("button", name="登记工单").click()
        expect(desk.locator(".field-error")).to_contain_text("不能为空")
        assert Case.objects.count() == 0
        expect(desk.get_by_label("来电内容")).to_have_value(CONVULSION)
        desk.get_by_label("改判理由").fill("家长说只是打了个寒战，孩子现在精神好")
        desk.get_by_role("button", name="登记工单").click()
        desk.wait_for_url(re.compile(r"/desk/cases/\d+/$"))
        expect(desk.locator("#case-panel h1 .badge").first).to_have_text("P2 紧急")
        expect(desk.locator(".timeline")).to_contain_text("改判分诊建议")
        expect(desk.locator(".timeline")).to_contain_text("家长说只是打了个寒战")
        override = TriageOverride.objects.get()
        assert (override.proposed_urgency, override.chosen_urgency, override.by) == ("P1", "P2", world.agent)

        # Next call: the agent accepts the proposal, which fills the three selects.
        desk.goto(f"{base}/desk/")
        desk.get_by_label("来电内容").press_sequentially("老人叫不醒了，喊他没反应", delay=15)
        expect(panel.locator("#proposal-urgency")).to_have_text("P1 危急")
        panel.get_by_role("button", name="采纳建议").click()
        expect(desk.get_by_label("紧急程度")).to_have_value("P1")
        expect(desk.get_by_label("处置")).to_have_value("call_120")
        expect(desk.get_by_label("类别")).to_have_value("emergency")
        expect(desk.get_by_label("改判理由")).to_be_hidden()
        desk.get_by_role("button", name="登记工单").click()
        desk.wait_for_url(re.compile(r"/desk/cases/\d+/$"))
        number = desk.locator("#case-panel h1").inner_text().split()[0]

        # The clinician's phone shows the P1 by itself (polling), loud, within the screen's width.
        expect(banner).to_be_visible(timeout=POLL_WAIT_MS)
        expect(banner).to_contain_text("P1 危急来电")
        expect(banner).to_contain_text(number)
        box = banner.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390
        banner.get_by_role("button", name="确认").click()
        expect(banner).to_have_count(0)
        alert = ClinicianAlert.objects.get(case__number=number)
        assert alert.recipient == world.clinician and alert.acknowledged_at is not None
    finally:
        agent.close()
        doctor.close()


def test_the_desk_asks_the_next_question_and_a_yes_raises_the_proposal(
    transactional_db, live_server, world, browser: Browser
):
    base = live_server.url
    context = browser.new_context(viewport={"width": 1400, "height": 900}, locale="zh-CN")
    try:
        desk = context.new_page()
        log_in(desk, base, "agent")
        panel = desk.locator("#triage-panel")
        # (not "在厕所摔了一跤": the safety net reads 在厕所 as a sign of collapse and raises it; docs/triage.md)
        desk.get_by_label("来电内容").press_sequentially("我妈摔了一跤，膝盖有点疼", delay=15)
        expect(panel.locator("#proposal-complaint")).to_have_text("跌倒")
        question = panel.locator(".key-questions li", has_text="摔到头了吗")
        expect(question).to_contain_text("答“是”则至少 P1")
        expect(panel.locator("#proposal-urgency")).not_to_have_text("P1 危急")

        # "No" is recorded and the question is not asked again; the proposal stays.
        panel.locator(".key-questions li", has_text="高处").get_by_role("button", name="否").click()
        expect(panel.locator(".key-questions li.answered", has_text="高处")).to_contain_text("已答：否")

        # "Yes" to the head injury counts as the caller's words: P1, and the answer is the evidence.
        question.get_by_role("button", name="是").click()
        expect(panel.locator("#proposal-urgency")).to_have_text("P1 危急")
        expect(panel).to_contain_text("颅脑损伤征象")
        panel.get_by_role("button", name="采纳建议").click()
        desk.get_by_role("button", name="登记工单").click()
        desk.wait_for_url(re.compile(r"/desk/cases/\d+/$"))
        case = Case.objects.get()
        assert (case.urgency, case.complaint) == ("P1", "falls")
        assert case.triage["fields"]["answers"] == {"falls.height": False, "falls.head": True}
    finally:
        context.close()
