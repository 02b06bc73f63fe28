"""The knowledge base pages: login and roles, what each role sees, editing with versions and conflicts, the
preview, import and export. Every error path answers 4xx and writes nothing."""

from __future__ import annotations

import io
import zipfile

import orjson
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from anxin.knowledge.forms import initial_form
from anxin.knowledge.models import Item, ItemVersion
from anxin.knowledge.services import item_as_record
from tests.knowledge.samples import SAMPLE, item

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def edit_form(code: str, **overrides) -> dict[str, str]:
    """The edit form as the page fills it for the item as saved, with some fields changed."""
    saved = Item.objects.select_related("supersedes").get(code=code)
    form = initial_form(item_as_record(saved))
    form.pop("id")
    form["expected_version"] = str(saved.version)
    form.update(overrides)
    return form


def snapshot(code: str) -> tuple[int, str, str, int]:
    """(version, title, body, versions saved): a write changes at least one of them."""
    saved = Item.objects.get(code=code)
    return saved.version, saved.title, saved.body, ItemVersion.objects.filter(item=saved).count()


def jsonl(*records: dict[str, object]) -> bytes:
    return b"".join(orjson.dumps(record) + b"\n" for record in records)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


# --- login, roles, navigation ---


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "knowledge:list", []),
        ("get", "knowledge:item", ["home-care"]),
        ("get", "knowledge:version", ["home-care", 1]),
        ("get", "knowledge:new", []),
        ("get", "knowledge:edit", ["home-care"]),
        ("post", "knowledge:edit", ["home-care"]),
        ("post", "knowledge:preview", []),
        ("get", "knowledge:import", []),
        ("get", "knowledge:export", ["jsonl"]),
    ],
)
def test_it_requires_login(client, sample_items, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_links_the_knowledge_base_in_the_nav(client, world):
    client.force_login(world.volunteer_a)
    page = client.get(reverse("hotline:workbench")).content.decode()
    assert reverse("knowledge:list") in page and "知识库" in page


@pytest.mark.parametrize(
    ("user", "method", "name", "args"),
    [
        ("agent", "get", "knowledge:new", []),
        ("agent", "post", "knowledge:new", []),
        ("agent", "get", "knowledge:edit", ["home-care"]),
        ("volunteer_a", "get", "knowledge:edit", ["home-care"]),
        ("grid_worker_a", "post", "knowledge:edit", ["home-care"]),
        ("agent", "post", "knowledge:preview", []),
        ("agent", "get", "knowledge:import", []),
        ("volunteer_a", "post", "knowledge:import", []),
    ],
)
def test_non_editors_get_403_on_writing_pages(client, world, sample_items, user, method, name, args):
    client.force_login(getattr(world, user))
    before = snapshot("home-care")
    response = getattr(client, method)(reverse(name, args=args), edit_form("home-care", title="改掉"))
    assert response.status_code == 403
    assert "当前角色不能维护知识库" in response.content.decode()
    assert snapshot("home-care") == before


def test_readers_do_not_see_the_edit_and_import_buttons(client, world, sample_items):
    client.force_login(world.agent)
    page = client.get(reverse("knowledge:list")).content.decode()
    assert reverse("knowledge:new") not in page and reverse("knowledge:import") not in page
    page = client.get(reverse("knowledge:item", args=["home-care"])).content.decode()
    assert reverse("knowledge:edit", args=["home-care"]) not in page


# --- list and search ---


def test_it_lists_only_current_items_for_readers(client, world, sample_items):
    client.force_login(world.agent)
    response = client.get(reverse("knowledge:list"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "新冠病毒感染者居家治疗指南要点" in page
    assert "发热咨询的坐席答复口径" in page  # agents-only, and agents may read it
    assert "感染者居家隔离的规定" in page
    assert "尚未发布的隔离规定草稿" not in page  # draft
    assert "感染者集中隔离和密切接触者5+3管理" not in page  # expired and replaced
    assert 'name="status"' not in page  # the status filter is for editors


def test_volunteers_do_not_see_agents_only_items(client, world, sample_items):
    client.force_login(world.volunteer_a)
    listing = client.get(reverse("knowledge:list")).content.decode()
    assert "新冠病毒感染者居家治疗指南要点" in listing
    assert "发热咨询的坐席答复口径" not in listing
    found = client.get(reverse("knowledge:list"), {"q": "发热咨询 坐席 答复口径"}, headers=HTMX)
    assert "发热咨询的坐席答复口径" not in found.content.decode()
    detail = client.get(reverse("knowledge:item", args=["agents-script"]))
    assert detail.status_code == 404
    assert "先询问体温" not in detail.content.decode()
    assert client.get(reverse("knowledge:version", args=["agents-script", 1])).status_code == 404


def test_readers_cannot_open_drafts(client, world, sample_items):
    client.force_login(world.agent)
    assert client.get(reverse("knowledge:item", args=["draft-item"])).status_code == 404
    client.force_login(world.command)
    assert client.get(reverse("knowledge:item", args=["draft-item"])).status_code == 200


def test_editors_see_drafts_and_replaced_items_with_markers(client, world, sample_items):
    client.force_login(world.command)
    page = client.get(reverse("knowledge:list")).content.decode()
    assert "尚未发布的隔离规定草稿" in page and "草稿" in page
    assert "感染者集中隔离和密切接触者5+3管理" in page
    assert "已被替代" in page and "已失效" in page
    drafts = client.get(reverse("knowledge:list"), {"status": "draft"}, headers=HTMX).content.decode()
    assert "尚未发布的隔离规定草稿" in drafts
    assert "新冠病毒感染者居家治疗指南要点" not in drafts


def test_the_live_search_returns_the_results_partial_with_what_matched(client, world, sample_items):
    client.force_login(world.agent)
    response = client.get(reverse("knowledge:list"), {"q": "抗原两道杠"}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in page and page.lstrip().startswith('<div id="kb-results"')
    assert "如何判读抗原检测结果" in page
    assert "命中：" in page and "<mark>" in page
    assert "抗原与核酸检测" in page  # the category label
    assert "2022-12-07 起生效" in page and "使用 0 次" in page
    # The full page includes the same partial.
    full = client.get(reverse("knowledge:list"), {"q": "抗原两道杠"}).content.decode()
    assert "<html" in full and 'id="kb-results"' in full and "如何判读抗原检测结果" in full
    assert 'value="抗原两道杠"' in full


def test_a_history_restore_gets_the_whole_page(client, world, sample_items):
    client.force_login(world.agent)
    headers = {**HTMX, "HX-History-Restore-Request": "true"}
    page = client.get(reverse("knowledge:list"), {"q": "抗原"}, headers=headers).content.decode()
    assert "<html" in page


def test_the_category_filter_narrows_search_and_list(client, world, sample_items):
    client.force_login(world.agent)
    page = client.get(reverse("knowledge:list"), {"q": "隔离", "category": "medicines"}).content.decode()
    assert "感染者居家隔离的规定" not in page
    page = client.get(reverse("knowledge:list"), {"category": "medicines"}).content.decode()
    assert "成人发热时退热药的使用" in page and "如何判读抗原检测结果" not in page


def test_editors_search_history_too(client, world, sample_items):
    client.force_login(world.command)
    page = client.get(reverse("knowledge:list"), {"q": "5+3 集中隔离 密切接触者"}).content.decode()
    assert "感染者集中隔离和密切接触者5+3管理" in page and "已被替代" in page


@pytest.mark.parametrize(("user", "params"), [("agent", {}), ("command", {}), ("agent", {"q": "隔离"})])
def test_it_lists_in_a_fixed_number_of_queries(
    client, world, sample_items, django_assert_max_num_queries, user, params
):
    client.force_login(getattr(world, user))
    # Session and user, the page (count, items, replaced ones) or the search's own few (on PostgreSQL one more:
    # headings and bodies are searched apart), and the session save.
    with django_assert_max_num_queries(12):
        response = client.get(reverse("knowledge:list"), params)
    assert response.status_code == 200


def test_a_too_long_query_is_answered_with_the_reason(client, world, sample_items):
    client.force_login(world.agent)
    response = client.get(reverse("knowledge:list"), {"q": "抗" * 2100}, headers=HTMX)
    assert response.status_code == 422
    assert "过长" in response.content.decode()


# --- one item ---


def test_the_detail_page_shows_the_item_its_source_and_its_history(client, world, sample_items):
    Item.objects.filter(code="quarantine-2022-12").update(
        source_url="https://www.nhc.gov.cn/xcs/zhengcwj/202212/8278e7a7aee34e5bb378f0e0fc94e0f0.shtml",
        body="## 要点\n\n- 居家隔离\n- **自愿**集中隔离",
    )
    client.force_login(world.agent)
    response = client.get(reverse("knowledge:item", args=["quarantine-2022-12"]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "<h2>要点</h2>" in page and "<strong>自愿</strong>" in page
    assert "国家卫生健康委" in page and "测试用指南</cite>" in page
    assert 'href="https://www.nhc.gov.cn/xcs/zhengcwj/202212/' in page
    assert 'rel="noopener noreferrer"' in page
    assert "2022-12-07 起生效" in page
    assert "第 1 版" in page and reverse("knowledge:version", args=["quarantine-2022-12", 1]) in page
    # It replaces the November rules: linked.
    assert reverse("knowledge:item", args=["quarantine-2022-11"]) in page
    old = client.get(reverse("knowledge:item", args=["quarantine-2022-11"])).content.decode()
    assert "已被替代" in old and reverse("knowledge:item", args=["quarantine-2022-12"]) in old


def test_an_unknown_item_or_version_is_404(client, world, sample_items):
    client.force_login(world.agent)
    response = client.get(reverse("knowledge:item", args=["nowhere"]))
    assert response.status_code == 404 and "条目不存在" in response.content.decode()
    assert client.get(reverse("knowledge:version", args=["home-care", 9])).status_code == 404


# --- editing ---


def test_an_edit_saves_a_new_version_and_the_history_shows_both(client, world, sample_items):
    client.force_login(world.command)
    page = client.get(reverse("knowledge:edit", args=["home-care"])).content.decode()
    assert 'name="expected_version" value="1"' in page
    assert "新冠病毒感染者居家治疗指南要点" in page
    form = edit_form(
        "home-care",
        title="居家治疗要点（修订）",
        body="## 居家治疗\n\n每天测**体温**。",
        tags="居家治疗, 轻症，自我照护",
        note="按新版指南修订",
    )
    response = client.post(reverse("knowledge:edit", args=["home-care"]), form)
    assert response.status_code == 302
    assert response["Location"] == reverse("knowledge:item", args=["home-care"])
    saved = Item.objects.get(code="home-care")
    assert saved.version == 2 and saved.title == "居家治疗要点（修订）"
    assert saved.tags == ["居家治疗", "轻症", "自我照护"] and saved.updated_by == world.command
    page = client.get(response["Location"]).content.decode()
    assert "已保存为第 2 版" in page
    assert "<strong>体温</strong>" in page
    assert "第 2 版" in page and "第 1 版" in page and "按新版指南修订" in page and "指挥部" in page
    old = client.get(reverse("knowledge:version", args=["home-care", 1])).content.decode()
    assert "新冠病毒感染者居家治疗指南要点" in old and "历史版本" in old


def test_saving_without_changes_makes_no_new_version(client, world, sample_items):
    client.force_login(world.command)
    response = client.post(reverse("knowledge:edit", args=["home-care"]), edit_form("home-care"), follow=True)
    assert "内容没有变化，未生成新版本" in response.content.decode()
    assert snapshot("home-care")[0] == 1


def test_a_stale_edit_conflicts_and_keeps_what_was_typed(client, world, sample_items):
    client.force_login(world.command)
    url = reverse("knowledge:edit", args=["home-care"])
    stale = edit_form("home-care", title="我的修改")
    assert client.post(url, edit_form("home-care", title="别人的修改")).status_code == 302
    before = snapshot("home-care")
    response = client.post(url, stale)
    page = response.content.decode()
    assert response.status_code == 409
    assert "条目已被他人修改（当前第 2 版）" in page
    assert 'value="我的修改"' in page  # nothing typed is lost
    assert 'name="expected_version" value="1"' in page  # resubmitting blindly conflicts again
    assert snapshot("home-care") == before and before[1] == "别人的修改"


@pytest.mark.parametrize(
    ("overrides", "field", "reason"),
    [
        ({"effective_from": "2022-13-01"}, "effective_from", "日期不存在"),
        ({"title": ""}, "title", "缺少此字段"),
        ({"category": "astrology"}, "category", "未知分类"),
        ({"source_url": "javascript:alert(1)"}, "source_url", "必须是 http:// 或 https:// 开头的网址"),
        ({"source_issuer": "", "source_document": ""}, "source_issuer", "须写明发布机构或文件名称"),
        ({"effective_until": "2022-01-01"}, "effective_until", "不能早于生效日期"),
        ({"supersedes": "nowhere"}, "supersedes", "被替代的条目 nowhere 不存在"),
        ({"note": "长" * 201}, "note", "过长"),
        ({"expected_version": "abc"}, "version", "表单缺少版本号"),
    ],
)
def test_a_bad_field_shows_its_error_and_writes_nothing(
    client, world, sample_items, overrides, field, reason
):
    client.force_login(world.command)
    before = snapshot("home-care")
    form = edit_form("home-care", body="改过的正文", **overrides)
    response = client.post(reverse("knowledge:edit", args=["home-care"]), form)
    page = response.content.decode()
    assert response.status_code == 422
    assert reason in page
    if field != "version":
        assert f'id="error-{field}"' in page  # next to its field
    assert "改过的正文" in page
    assert snapshot("home-care") == before


def test_an_editor_creates_an_item(client, world, sample_items):
    client.force_login(world.admin)
    page = client.get(reverse("knowledge:new")).content.decode()
    assert 'name="id"' in page
    form = {
        "id": "mask-wearing",
        "title": "公共场所佩戴口罩的提示",
        "body": "进入医院、药店等场所请佩戴口罩。",
        "category": "hotline",
        "tags": "口罩",
        "audience": "public",
        "status": "published",
        "source_issuer": "国家卫生健康委",
        "effective_from": "2023-01-08",
        "note": "新建",
    }
    response = client.post(reverse("knowledge:new"), form)
    assert response.status_code == 302
    created = Item.objects.get(code="mask-wearing")
    assert created.version == 1 and created.versions.get().note == "新建"
    again = client.post(reverse("knowledge:new"), {**form, "title": "重复"})
    assert again.status_code == 422 and "编号已被使用" in again.content.decode()
    assert Item.objects.get(code="mask-wearing").title == "公共场所佩戴口罩的提示"


# --- preview ---


def test_the_preview_renders_markdown_and_escapes_html(client, world):
    client.force_login(world.command)
    body = "<script>alert(1)</script>\n\n**加粗** [链接](javascript:alert(2)) <img src=x onerror=alert(3)>"
    response = client.post(reverse("knowledge:preview"), {"body": body}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img" not in page and "&lt;img" in page
    assert "<strong>加粗</strong>" in page
    assert 'href="javascript' not in page


def test_the_preview_says_when_the_body_is_too_long(client, world):
    client.force_login(world.command)
    response = client.post(reverse("knowledge:preview"), {"body": "长" * 20_001}, headers=HTMX)
    assert response.status_code == 422 and "过长" in response.content.decode()


# --- import ---


def test_a_bad_import_shows_every_error_and_writes_nothing(client, world, sample_items):
    client.force_login(world.command)
    before = (Item.objects.count(), ItemVersion.objects.count(), snapshot("home-care"))
    content = (
        jsonl(
            {**SAMPLE[0], "title": "改过的标题"},
            item("new-one", "新条目", "正文", effective_from="2023-02-30"),
            item("bad id!", "标题", "正文"),
        )
        + b"{not json\n"
    )
    response = client.post(reverse("knowledge:import"), {"file": upload("kb.jsonl", content)})
    page = response.content.decode()
    assert response.status_code == 422
    assert "未写入任何条目" in page and "kb.jsonl 有 3 处错误" in page
    assert "日期不存在" in page and "effective_from" in page
    assert "编号只能包含" in page and "不是合法的 JSON" in page
    rows = page.split('<table class="list kb-import-errors">')[1]
    assert '<td data-label="行">2</td>' in rows and '<td data-label="行">4</td>' in rows
    assert (Item.objects.count(), ItemVersion.objects.count(), snapshot("home-care")) == before


def test_an_import_reports_created_updated_and_unchanged(client, world, sample_items):
    client.force_login(world.command)
    content = jsonl({**SAMPLE[0], "title": "改过的标题"}, SAMPLE[1], item("new-one", "新条目", "正文"))
    response = client.post(reverse("knowledge:import"), {"file": upload("kb.jsonl", content)})
    page = response.content.decode()
    assert response.status_code == 200
    assert '<dd id="kb-created">1</dd>' in page
    assert '<dd id="kb-updated">1</dd>' in page
    assert '<dd id="kb-unchanged">1</dd>' in page
    saved = Item.objects.get(code="home-care")
    assert saved.version == 2 and saved.versions.get(number=2).saved_by == world.command


def test_it_imports_a_zip_of_markdown_files(client, world, sample_items):
    client.force_login(world.command)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            "kb/zip-item.md",
            "---\ntitle: 压缩包里的条目\ncategory: hotline\nsource: 测试文件\neffective_from: 2023-01-08\n---\n正文",
        )
        archive.writestr("__MACOSX/kb/._zip-item.md", b"\x00\x05")
    response = client.post(reverse("knowledge:import"), {"file": upload("kb.zip", buffer.getvalue())})
    assert response.status_code == 200, response.content.decode()
    assert Item.objects.get(code="zip-item").title == "压缩包里的条目"


def test_a_zip_error_names_the_file(client, world, sample_items):
    client.force_login(world.command)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("broken.md", "no front matter")
    response = client.post(reverse("knowledge:import"), {"file": upload("kb.zip", buffer.getvalue())})
    assert response.status_code == 422 and "broken.md" in response.content.decode()
    assert not Item.objects.filter(code="broken").exists()


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("kb.csv", b"id,title\n", "只能导入"),
        ("kb.xlsx", b"not a workbook", "不是有效的 Excel"),
        ("kb.zip", b"not a zip", "不是有效的 .zip 压缩包"),
    ],
)
def test_an_unreadable_file_is_refused(client, world, sample_items, name, content, reason):
    client.force_login(world.command)
    before = Item.objects.count()
    response = client.post(reverse("knowledge:import"), {"file": upload(name, content)})
    assert response.status_code == 422 and reason in response.content.decode()
    assert Item.objects.count() == before


def test_an_import_without_a_file_asks_for_one(client, world):
    client.force_login(world.command)
    response = client.post(reverse("knowledge:import"))
    assert response.status_code == 422 and "请选择要导入的文件" in response.content.decode()


# --- export ---


def test_volunteers_export_public_published_items_only(client, world, sample_items):
    client.force_login(world.volunteer_a)
    response = client.get(reverse("knowledge:export", args=["jsonl"]))
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="anxin-kb-')
    codes = {orjson.loads(line)["id"] for line in response.content.splitlines()}
    assert "home-care" in codes and "quarantine-2022-11" in codes
    assert "agents-script" not in codes and "draft-item" not in codes


def test_editors_export_everything_as_a_workbook_that_imports_back(client, world, sample_items):
    client.force_login(world.command)
    response = client.get(reverse("knowledge:export", args=["xlsx"]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(response.content), read_only=True).worksheets[0]
    codes = {row[0] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert codes == {data["id"] for data in SAMPLE}
    back = client.post(reverse("knowledge:import"), {"file": upload("kb.xlsx", response.content)})
    assert back.status_code == 200 and f'<dd id="kb-unchanged">{len(SAMPLE)}</dd>' in back.content.decode()


def test_an_unknown_export_format_is_404(client, world):
    client.force_login(world.agent)
    assert client.get(reverse("knowledge:export", args=["csv"])).status_code == 404
