"""The command centre manages the categories and reads the knowledge gaps in a real browser."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, expect

from anxin.knowledge.choices import GapReason
from anxin.knowledge.models import Category, Gap
from tests.browser.test_desk_flow import log_in

pytestmark = pytest.mark.browser


def test_the_command_centre_creates_renames_and_retires_a_category(
    transactional_db, live_server, world, browser: Browser
):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    try:
        page = context.new_page()
        log_in(page, live_server.url, "command")
        page.goto(f"{live_server.url}/kb/")
        page.get_by_role("link", name="分类", exact=True).click()
        page.wait_for_url(re.compile(r"/kb/categories/$"))
        expect(page.locator("#category-fever_clinic input[name=label_zh]")).to_have_value("发热门诊")

        new = page.locator("#kb-category-new")
        new.get_by_label("编号").fill("insurance")
        new.get_by_label("中文名称").fill("医保报销")
        new.get_by_role("button", name="新建").click()
        expect(page.locator(".messages")).to_contain_text("已新建分类：医保报销")
        row = page.locator("#category-insurance")
        row.locator("input[name=label_zh]").fill("医保与报销")
        row.locator("input[name=retired]").check()
        row.get_by_role("button", name="保存").click()
        expect(page.locator(".messages")).to_contain_text("已保存分类：医保与报销")
        expect(page.locator("#category-insurance")).to_have_class(re.compile("kb-retired"))

        # A clash is refused with the reason and the list is unchanged.
        row = page.locator("#category-home_care")
        row.locator("input[name=label_zh]").fill("发热门诊")
        row.get_by_role("button", name="保存").click()
        expect(page.locator("#kb-category-error")).to_contain_text("已有同名分类")
        assert Category.objects.get(code="home_care").label_zh == "居家治疗"
    finally:
        context.close()


def test_the_command_centre_reads_the_gaps_and_exports_them(
    transactional_db, live_server, world, browser: Browser
):
    place = world.grid_worker_a.places.first()
    for text in ("宠物能不能带进方舱", "方舱医院可以带宠物吗", "医保异地报销怎么备案"):
        Gap.objects.create(text=text, place=place, reason=GapReason.NO_CONFIDENT_ANSWER)
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, locale="zh-CN", accept_downloads=True
    )
    try:
        page = context.new_page()
        log_in(page, live_server.url, "command")
        page.goto(f"{live_server.url}/kb/")
        page.get_by_role("link", name="知识缺口").click()
        page.wait_for_url(re.compile(r"/kb/gaps/$"))
        expect(page.locator("#kb-gaps-summary")).to_contain_text("3 个问题")
        expect(page.locator(".kb-gap-group")).to_have_count(3)  # no vectors: each question stands alone
        expect(page.locator(".kb-gaps")).to_contain_text("方舱医院可以带宠物吗")
        with page.expect_download() as download:
            page.locator("#kb-gaps-export").click()
        assert download.value.suggested_filename.endswith(".xlsx")

        page.get_by_label("开始日期").fill("2020-01-01")
        page.get_by_role("button", name="查看").click()
        expect(page.locator(".error-box")).to_contain_text("最多查看")
    finally:
        context.close()
