"""The ledger pages: login, roles and scope, the list with its filters, exports (masked, full and logged),
the import steps from upload to result, the error report, and hand-set tags on the resident page."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from anxin.core.models import AccessLog
from anxin.ledger.models import ImportJob
from anxin.people.models import Resident
from tests.ledger.files import HEADERS, person, read_xlsx, xlsx

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def upload_file(content: bytes, name: str = "台账.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "ledger:home", []),
        ("get", "ledger:place", ["AC"]),
        ("get", "ledger:export", ["AC"]),
        ("get", "ledger:import", ["AC"]),
        ("get", "ledger:job", [1]),
        ("get", "ledger:job_progress", [1]),
        ("post", "ledger:job_check", [1]),
        ("post", "ledger:job_import", [1]),
        ("get", "ledger:job_errors", [1]),
    ],
)
def test_it_requires_login(client, world, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302 and response["Location"].startswith(reverse("accounts:login"))


def test_it_links_the_ledger_in_the_nav_for_those_who_read_residents(client, world):
    client.force_login(world.grid_worker_a)
    assert reverse("ledger:home") in client.get(reverse("hotline:inbox")).content.decode()
    client.force_login(world.volunteer_a)
    assert reverse("ledger:home") not in client.get(reverse("hotline:workbench")).content.decode()


def test_home_goes_to_the_one_place_a_worker_covers(client, world):
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("ledger:home"))
    assert response.status_code == 302 and response["Location"] == reverse(
        "ledger:place", args=[world.community_a.code]
    )


def test_a_volunteer_may_not_read_the_ledger(client, world):
    client.force_login(world.volunteer_a)
    assert client.get(reverse("ledger:place", args=["AC"])).status_code == 403


def test_a_place_outside_the_scope_is_not_found(client, world):
    client.force_login(world.grid_worker_b)
    assert client.get(reverse("ledger:place", args=["AC"])).status_code == 404
    assert client.get(reverse("ledger:import", args=["AC"])).status_code == 404
    assert client.get(reverse("ledger:export", args=["AC"])).status_code == 404


# --- the list ---


def test_the_list_shows_residents_masked_with_tags_and_risk(client, world):
    client.force_login(world.grid_worker_a)
    page = client.get(reverse("ledger:place", args=["AC"])).content.decode()
    assert "王建国" in page and "李秀英" in page and "李四" not in page
    assert world.wang.masked_id_number in page and world.wang.id_number not in page
    assert "138****8000" in page and "13800138000" not in page
    assert "独居" in page and "高风险" in page
    assert "60岁以上独居且有慢性病" in page  # the reason


@pytest.mark.parametrize(
    ("query", "names"),
    [
        ({"tag": "lives_alone"}, {"王建国"}),
        ({"tag": "child_under_3"}, {"王小宝"}),
        ({"tag": "age_60"}, {"王建国", "李秀英"}),
        ({"tag": "chronic"}, {"王建国"}),
        ({"risk": "high"}, {"王建国"}),
        ({"q": "小宝"}, {"王小宝"}),
        ({"building": "AC1"}, {"王建国", "李秀英", "王小宝"}),
        ({"tag": "not-a-tag"}, {"王建国", "李秀英", "王小宝"}),
    ],
)
def test_the_filters(client, world, query, names):
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("ledger:place", args=[world.community_a.code]), query)
    shown = {r.name for r in response.context["page"].object_list}
    assert shown == names


def test_a_manual_tag_filters_too(client, world):
    world.baby.manual_tags = ["left_behind"]
    world.baby.save()
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("ledger:place", args=["AC"]), {"tag": "left_behind"})
    assert [r.name for r in response.context["page"].object_list] == ["王小宝"]


# --- exports ---


def test_the_export_is_masked_and_logged(client, world):
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("ledger:export", args=["AC"]), {"tag": "lives_alone"})
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    rows = read_xlsx(b"".join(response))
    assert len(rows) == 2 and rows[1][4] == "王建国" and "*" in rows[1][5]
    log = AccessLog.objects.get()
    assert (log.user, log.action, log.fields) == (world.grid_worker_a, "export", "masked")
    assert "tag=lives_alone" in log.purpose


def test_a_full_export_needs_the_reveal_permission_and_a_post(client, world):
    client.force_login(world.grid_worker_a)
    # A GET never unmasks, whatever it asks for.
    response = client.get(reverse("ledger:export", args=["AC"]), {"full": "1"})
    assert "*" in read_xlsx(b"".join(response))[1][5]
    response = client.post(reverse("ledger:export", args=["AC"]), {"full": "1", "purpose": "入户核对"})
    rows = read_xlsx(b"".join(response))
    assert world.wang.id_number in {row[5] for row in rows}
    log = AccessLog.objects.filter(fields="id_number,phone").get()
    assert log.user == world.grid_worker_a and "入户核对" in log.purpose

    client.force_login(world.command)  # reads residents, may not reveal
    response = client.post(reverse("ledger:export", args=["AC"]), {"full": "1", "purpose": "x"})
    assert response.status_code == 403


# --- import ---


def test_the_import_page_is_for_roles_that_import(client, world):
    client.force_login(world.agent)  # reads residents, does not import
    assert client.get(reverse("ledger:import", args=["AC"])).status_code == 403
    client.force_login(world.grid_worker_a)
    page = client.get(reverse("ledger:import", args=["AC"]))
    assert page.status_code == 200 and "台账文件" in page.content.decode()
    assert client.get(reverse("ledger:import", args=["AC1"])).status_code == 403  # a building takes no import


def test_an_import_from_upload_to_result(client, world):
    client.force_login(world.grid_worker_a)
    content = xlsx([person("周一", (1980, 1, 1), building="5栋", room="502"), person("周二", (1990, 2, 2))])
    response = client.post(reverse("ledger:import", args=["AC"]), {"file": upload_file(content)})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("ledger:job", args=[job.pk])

    page = client.get(response["Location"]).content.decode()
    assert "确认并试运行" in page and 'name="col_1"' in page

    mapping = {f"col_{i}": code or "" for i, code in enumerate(job.mapping)}
    response = client.post(reverse("ledger:job_check", args=[job.pk]), mapping)
    assert response.status_code == 302
    page = client.get(reverse("ledger:job", args=[job.pk])).content.decode()
    assert "试运行结果" in page and "周一" in page and "5栋 502" in page
    assert not Resident.objects.filter(name="周一").exists()

    response = client.post(reverse("ledger:job_import", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert (job.status, job.added, job.places_added) == (ImportJob.Status.DONE, 2, 2)
    assert Resident.objects.get(name="周一").household.code == "ACB05-0502"


def test_an_upload_that_is_not_a_ledger_says_why(client, world):
    client.force_login(world.grid_worker_a)
    response = client.post(reverse("ledger:import", args=["AC"]), {"file": upload_file(b"%PDF-1.4", "x.pdf")})
    assert response.status_code == 422
    assert "只能导入 .xlsx 或 .csv 文件" in response.content.decode()
    response = client.post(reverse("ledger:import", args=["AC"]), {})
    assert response.status_code == 422 and "请选择要导入的文件" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_a_mapping_without_the_id_column_is_sent_back(client, world):
    client.force_login(world.grid_worker_a)
    client.post(
        reverse("ledger:import", args=["AC"]), {"file": upload_file(xlsx([person("周一", (1980, 1, 1))]))}
    )
    job = ImportJob.objects.get()
    mapping = {f"col_{i}": code or "" for i, code in enumerate(job.mapping)}
    mapping["col_1"] = ""
    response = client.post(reverse("ledger:job_check", args=[job.pk]), mapping)
    assert response.status_code == 422
    assert "缺少必需的列：身份证号" in response.content.decode()
    job.refresh_from_db()
    assert job.status == ImportJob.Status.UPLOADED


def test_bad_rows_show_in_a_table_and_in_the_report(client, world):
    client.force_login(world.grid_worker_a)
    content = xlsx([person("周一", (1980, 1, 1)), person("周二", (1990, 2, 2), 联系电话="110")])
    client.post(reverse("ledger:import", args=["AC"]), {"file": upload_file(content)})
    job = ImportJob.objects.get()
    client.post(
        reverse("ledger:job_check", args=[job.pk]), {f"col_{i}": c or "" for i, c in enumerate(job.mapping)}
    )
    page = client.get(reverse("ledger:job", args=[job.pk])).content.decode()
    assert "手机号应为 1 开头的 11 位数字" in page and "下载错误报告" in page
    assert "跳过错误行" in page

    report = client.get(reverse("ledger:job_errors", args=[job.pk]))
    rows = read_xlsx(b"".join(report))
    assert rows[1][:3] == [3, "联系电话", "手机号应为 1 开头的 11 位数字"]
    assert rows[1][3 + HEADERS.index("姓名")] == "周二"

    client.post(reverse("ledger:job_import", args=[job.pk]), {"partial": "1"})
    assert Resident.objects.filter(name="周一").exists() and not Resident.objects.filter(name="周二").exists()


def test_a_job_is_its_owners_only(client, world):
    client.force_login(world.family_doctor_a)
    client.post(
        reverse("ledger:import", args=["AC"]), {"file": upload_file(xlsx([person("周一", (1980, 1, 1))]))}
    )
    job = ImportJob.objects.get()
    client.force_login(world.grid_worker_a)  # covers the same place, but it is not their job
    assert client.get(reverse("ledger:job", args=[job.pk])).status_code == 404
    assert client.get(reverse("ledger:job_errors", args=[job.pk])).status_code == 404


def test_progress_polls_while_running_and_stops_when_done(client, world):
    client.force_login(world.grid_worker_a)
    client.post(
        reverse("ledger:import", args=["AC"]), {"file": upload_file(xlsx([person("周一", (1980, 1, 1))]))}
    )
    job = ImportJob.objects.get()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING, rows_read=1, rows_total=4)
    running = client.get(reverse("ledger:job_progress", args=[job.pk]), headers=HTMX).content.decode()
    assert 'hx-trigger="every 1s"' in running and 'value="25"' in running and "<html" not in running
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, added=1)
    done = client.get(reverse("ledger:job_progress", args=[job.pk]), headers=HTMX).content.decode()
    assert "hx-trigger" not in done and "已导入" in done


# --- hand-set tags on the resident page ---


def test_a_grid_worker_sets_hand_set_tags_and_the_risk_follows(client, world):
    client.force_login(world.grid_worker_a)
    page = client.get(reverse("people:resident", args=[world.baby.pk])).content.decode()
    assert 'name="tags" value="mental_health"' in page
    response = client.post(
        reverse("people:tags", args=[world.baby.pk]), {"tags": ["mental_health", "low_income"]}, headers=HTMX
    )
    assert response.status_code == 200 and "已保存" in response.content.decode()
    baby = Resident.objects.get(pk=world.baby.pk)
    assert baby.manual_tags == ["mental_health", "low_income"]
    assert "R-MEDIUM-MENTAL" in baby.risk_rules


def test_hand_set_tags_need_the_import_permission_and_the_scope(client, world):
    client.force_login(world.agent)
    assert (
        client.post(reverse("people:tags", args=[world.baby.pk]), {"tags": ["mental_health"]}).status_code
        == 403
    )
    client.force_login(world.grid_worker_b)
    assert (
        client.post(reverse("people:tags", args=[world.baby.pk]), {"tags": ["mental_health"]}).status_code
        == 404
    )
    client.force_login(world.grid_worker_a)
    assert client.post(reverse("people:tags", args=[world.baby.pk]), {"tags": ["vip"]}).status_code == 422
    assert Resident.objects.get(pk=world.baby.pk).manual_tags == []
