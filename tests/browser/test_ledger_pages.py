"""A grid worker on a phone imports a ledger: upload, confirm the columns, see the dry run, import, and find
the new residents in the ledger. Assertions are on what a person sees."""

from __future__ import annotations

import re
from datetime import date

import pytest
from playwright.sync_api import Browser, expect

from tests.browser.test_desk_flow import log_in
from tests.factories import make_id_number
from tests.ledger.files import xlsx

pytestmark = pytest.mark.browser
HEADERS = ["序号", "姓名", "公民身份号码", "手机号", "楼号", "房号", "重点人群类别", "备注"]


def test_a_grid_worker_imports_a_ledger_from_a_phone(transactional_db, live_server, world, browser: Browser):
    rows = [
        [
            1,
            "赵桂芳",
            make_id_number(date(1941, 4, 2), male=False),
            "13912345678",
            "2栋",
            "301",
            "独居老人",
            "",
        ],
        [2, "钱志强", make_id_number(date(1962, 9, 9)), "13912345679", "2栋", "302", "透析", "周二四透析"],
    ]
    content = xlsx(rows, HEADERS, title="松元厦社区重点人群台账")
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    try:
        page = context.new_page()
        log_in(page, live_server.url, "grid_a")
        page.goto(f"{live_server.url}/ledger/p/AC/")
        expect(page.get_by_role("heading", name=re.compile("A花园"))).to_be_visible()
        page.get_by_role("link", name="导入台账").click()

        page.get_by_label("台账文件").set_input_files(
            files=[{"name": "台账.xlsx", "mimeType": "application/octet-stream", "buffer": content}]
        )
        page.get_by_role("button", name="上传").click()
        page.wait_for_url(re.compile(r"/ledger/jobs/\d+/$"))

        # The columns as recognised; the title row was skipped; 备注 is not imported; ID numbers are masked.
        expect(page.get_by_text("第 2 行是列名")).to_be_visible()
        expect(page.get_by_label("公民身份号码")).to_have_value("id_number")
        expect(page.get_by_label("重点人群类别")).to_have_value("groups")
        expect(page.get_by_label("备注")).to_have_value("")
        expect(page.locator(".ledger-samples").nth(2)).to_contain_text("**********")
        page.get_by_role("button", name="确认并试运行").click()

        job = page.locator("#ledger-job")
        expect(job.locator("#job-status")).to_have_text("试运行结果（尚未写入）")
        expect(job.locator("#job-added")).to_have_text("2")
        expect(job.locator("#job-rejected")).to_have_text("0")
        expect(job.locator("#job-places")).to_have_text("3")
        expect(job.locator(".ledger-sample")).to_contain_text("赵桂芳")
        expect(job).to_contain_text("未导入的列：备注")

        job.get_by_role("button", name="导入", exact=True).click()
        expect(page.locator("#job-status")).to_have_text("已导入")
        expect(page.locator("#job-added")).to_have_text("2")

        page.get_by_role("link", name="查看台账").click()
        rows_table = page.locator("table.ledger-rows")
        expect(rows_table).to_contain_text("赵桂芳")
        expect(rows_table.locator("tr", has_text="赵桂芳")).to_contain_text("独居")
        expect(rows_table.locator("tr", has_text="钱志强")).to_contain_text("高风险")
        expect(rows_table).to_contain_text("139****5678")
    finally:
        context.close()
