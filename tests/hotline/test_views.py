"""The desk pages: login, scoping, the happy paths, and every error path answering 4xx with nothing written."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from anxin.core.models import AccessLog
from anxin.hotline import lifecycle, services
from anxin.hotline.models import Callback, Case, CaseEvent
from anxin.hotline.views import CASE_STEPS
from tests.factories import open_case

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


def intake_form(world, **overrides) -> dict[str, str]:
    form = {
        "line": "medical",
        "channel": "phone",
        "caller_phone": "13800138000",
        "caller_name": "王建国",
        "caller_resident": str(world.wang.pk),
        "subject_resident": str(world.wang.pk),
        "summary": "头晕，血压 180/100",
        "category": "medical_consult",
        "urgency": "P3",
        "disposition": "doctor_callback",
        # The desk requires a reason whenever the codes differ from the triage proposal (test_desk_triage.py).
        "override_reason": "坐席按来电判断",
    }
    form.update(overrides)
    return form


def step_url(case: Case, step: str) -> str:
    return reverse("hotline:case_step", args=[case.pk, step])


def snapshot(case: Case) -> tuple[int, int, int]:
    """(version, events, callbacks): any write changes at least one of them."""
    case.refresh_from_db()
    return case.version, case.events.count(), Callback.objects.filter(case=case).count()


# --- login and the base layout ---


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("get", "hotline:workbench", []),
        ("get", "hotline:inbox", []),
        ("get", "hotline:pop", []),
        ("get", "hotline:fever", []),
        ("get", "hotline:list", ["mine"]),
        ("post", "hotline:case_create", []),
        ("get", "hotline:case", [1]),
        ("post", "hotline:case_step", [1, "note"]),
        ("get", "people:resident", [1]),
        ("post", "people:reveal", [1]),
    ],
)
def test_it_requires_login(client, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_it_logs_in_and_lands_on_the_workbench(client, world):
    response = client.post(
        reverse("accounts:login"), {"username": "agent", "password": "pw-for-tests-123"}, follow=True
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "受理登记" in page
    assert "黄医生" in page
    assert "热线坐席" in page


def test_it_shows_the_reason_for_a_failed_login(client, world):
    response = client.post(reverse("accounts:login"), {"username": "agent", "password": "wrong"})
    assert response.status_code == 400
    assert "用户名或密码错误" in response.content.decode()


def test_it_logs_out_on_post(client, world):
    client.force_login(world.agent)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get(reverse("hotline:workbench")).status_code == 302


def test_it_tells_htmx_to_swap_error_fragments(client, world):
    client.force_login(world.agent)
    page = client.get(reverse("hotline:workbench")).content.decode()
    assert "vendor/htmx/htmx.min.js" in page
    assert "responseHandling" in page
    assert "(400|403|404|409|422)" in page
    assert "X-CSRFToken" in page
    assert reverse("set_language") in page


def test_it_sends_community_roles_to_their_inbox(client, world):
    client.force_login(world.grid_worker_a)
    response = client.get(reverse("hotline:workbench"))
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:inbox")
    page = client.get(reverse("hotline:inbox")).content.decode()
    assert "社区收件箱" in page


# --- screen pop ---


def test_it_pops_the_resident_and_household_on_a_number(client, world):
    client.force_login(world.agent)
    response = client.get(reverse("hotline:pop"), {"phone": "138 0013 8000"}, headers=HTMX)
    page = response.content.decode()
    assert response.status_code == 200
    assert "王建国" in page
    assert "李秀英" in page  # household member
    assert "独居" in page and "80岁以上" not in page and "60岁以上" in page
    assert world.wang.masked_id_number in page
    assert world.wang.id_number not in page
    assert "松元厦第一网格" in page
    assert "吴家庭医生" in page and "张网格员" in page
    assert "设为来电人" in page and "设为求助对象" in page


def test_it_lists_open_cases_in_the_pop(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    page = client.get(reverse("hotline:pop"), {"phone": "13800138000"}).content.decode()
    assert case.number in page
    assert reverse("hotline:case", args=[case.pk]) in page


@pytest.mark.parametrize("phone", ["", "138", "1380013800x", "\x00\x01", "9" * 500, "0755-23332333"])
def test_it_answers_an_incomplete_number_with_a_hint(client, world, phone):
    client.force_login(world.agent)
    response = client.get(reverse("hotline:pop"), {"phone": phone})
    assert response.status_code == 200
    assert 'class="hint"' in response.content.decode()


def test_it_pops_only_residents_in_scope(client, world):
    client.force_login(world.grid_worker_b)
    page = client.get(reverse("hotline:pop"), {"phone": "13800138000"}).content.decode()
    assert "王建国" not in page


# --- intake ---


def test_it_opens_a_case_from_the_intake_form(client, world):
    client.force_login(world.agent)
    response = client.post(reverse("hotline:case_create"), intake_form(world), headers=HTMX)
    case = Case.objects.get()
    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("hotline:case", args=[case.pk])
    assert case.owner == world.agent
    assert case.subject_resident == world.wang
    assert case.caller_name == "王建国"
    assert case.disposition == "doctor_callback"


def test_it_redirects_after_intake_without_htmx(client, world):
    client.force_login(world.agent)
    response = client.post(reverse("hotline:case_create"), intake_form(world))
    case = Case.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("hotline:case", args=[case.pk])


def test_it_records_a_dispatched_p1_and_closes_a_p4_at_once(client, world):
    client.force_login(world.agent)
    client.post(
        reverse("hotline:case_create"),
        intake_form(world, urgency="P1", disposition="call_120", category="emergency", dispatched="on"),
    )
    client.post(
        reverse("hotline:case_create"),
        intake_form(world, urgency="P4", disposition="answer_closed", category="policy", close_now="on"),
    )
    p1, p4 = Case.objects.order_by("pk")
    assert p1.dispatched_at is not None and p1.sla_met_at is not None
    assert p4.status == Case.Status.CLOSED and p4.closed_at_first_contact


def test_it_takes_a_subject_note_instead_of_a_resident(client, world):
    client.force_login(world.agent)
    form = intake_form(world, subject_resident="", caller_resident="", subject_note="来电人的邻居，78岁")
    form["place"] = world.grid_a.code
    client.post(reverse("hotline:case_create"), form)
    case = Case.objects.get()
    assert case.subject_note == "来电人的邻居，78岁"
    assert case.place == world.grid_a


@pytest.mark.parametrize(
    ("overrides", "status", "field", "reason"),
    [
        ({"summary": ""}, 422, "summary", "不能为空"),
        ({"summary": "x" * 4001}, 422, "summary", "过长"),
        ({"summary": "bad\x00bytes"}, 422, "summary", "二进制"),
        ({"age": "三岁"}, 422, "age", "应为数字"),
        ({"temperature_c": "60"}, 422, "temperature_c", "超出范围"),
        ({"conditions": "gout"}, 422, "conditions", "未知的基础疾病代码"),
        ({"category": "bogus"}, 422, "category", "未知的代码"),
        ({"urgency": "P9"}, 422, "urgency", "未知的代码"),
        ({"disposition": "x" * 41}, 422, "disposition", "过长"),
        ({"channel": "pigeon"}, 422, "channel", "未知的代码"),
        ({"line": "nope"}, 422, "line", "未知的热线代码"),
        ({"line": "\x00"}, 422, "line", "二进制"),
        ({"caller_phone": "12345"}, 422, "caller_phone", "手机号"),
        ({"caller_resident": "abc"}, 422, "caller_resident", "编号应为数字"),
        ({"subject_resident": "9" * 30}, 422, "subject_resident", "编号应为数字"),
        ({"subject_resident": "999999"}, 404, "subject_resident", "居民不存在"),
        ({"place": "NOPE", "subject_resident": "", "caller_resident": ""}, 422, "place", "未知的地点代码"),
        ({"close_now": "on"}, 422, "close_now", "当场关闭"),
    ],
)
def test_it_rejects_bad_intake_and_writes_nothing(client, world, overrides, status, field, reason):
    client.force_login(world.agent)
    response = client.post(reverse("hotline:case_create"), intake_form(world, **overrides), headers=HTMX)
    page = response.content.decode()
    assert response.status_code == status
    assert reason in page
    marked = page.index('class="has-error"')  # the reason sits next to the field, not only at the top
    assert f'name="{field}"' in page[marked : page.index('class="field-error"', marked)]
    assert 'id="intake-form"' in page  # the form comes back, filled in, for a fix
    assert Case.objects.count() == 0
    assert CaseEvent.objects.count() == 0


def test_it_keeps_what_was_typed_when_intake_fails(client, world):
    client.force_login(world.agent)
    response = client.post(
        reverse("hotline:case_create"),
        intake_form(world, caller_phone="12345", summary="胸闷气短"),
        headers=HTMX,
    )
    page = response.content.decode()
    assert "胸闷气短" in page
    assert '<option value="P3" selected>' in page


def test_it_shows_the_whole_workbench_when_intake_fails_without_htmx(client, world):
    client.force_login(world.agent)
    response = client.post(reverse("hotline:case_create"), intake_form(world, summary=""))
    assert response.status_code == 422
    assert "来电弹屏" in response.content.decode()


def test_it_refuses_intake_from_a_role_that_cannot_take_calls(client, world):
    client.force_login(world.grid_worker_a)
    response = client.post(reverse("hotline:case_create"), intake_form(world), headers=HTMX)
    assert response.status_code == 403
    assert "不能受理" in response.content.decode()
    assert Case.objects.count() == 0


# --- fever clinics ---


def test_it_lists_the_nearest_open_fever_facilities(client, world):
    client.force_login(world.agent)
    with time_machine.travel(timezone.make_aware(timezone.datetime(2026, 5, 6, 10, 0)), tick=False):
        response = client.get(
            reverse("hotline:fever"), {"disposition": "fever_clinic", "subject_resident": world.wang.pk}
        )
    page = response.content.decode()
    assert response.status_code == 200
    assert "松元厦社康" in page and "龙华区人民医院" in page
    assert page.index("松元厦社康") < page.index("龙华区人民医院")  # nearer first
    assert "km" in page
    assert "24小时" in page


def test_it_shows_no_facilities_for_another_disposition(client, world):
    client.force_login(world.agent)
    response = client.get(reverse("hotline:fever"), {"disposition": "home_visit"})
    assert response.status_code == 200
    assert response.content == b""


def test_it_answers_a_bad_id_in_the_fever_lookup_with_a_4xx(client, world):
    client.force_login(world.agent)
    response = client.get(
        reverse("hotline:fever"), {"disposition": "fever_clinic", "subject_resident": "x"}, headers=HTMX
    )
    assert response.status_code == 422


# --- case page and steps ---


def test_it_shows_the_case_page(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    page = client.get(reverse("hotline:case", args=[case.pk])).content.decode()
    assert case.number in page
    assert "首问负责人" in page and "黄医生" in page
    assert "138****8000" in page
    assert "13800138000" not in page
    assert "处理记录" in page and "受理" in page
    assert f'name="version" value="{case.version}"' in page
    assert "松元厦第一网格" in page  # offered as a transfer target
    assert "剩余" in page


def test_it_offers_only_the_steps_the_status_allows(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    page = client.get(reverse("hotline:case", args=[case.pk])).content.decode()
    assert 'id="step-transfer"' in page and 'id="step-resolve"' in page
    assert 'id="step-close"' not in page and 'id="step-reopen"' not in page
    assert "接收工单" not in page


def test_it_has_a_form_for_every_lifecycle_step():
    assert set(CASE_STEPS) == set(lifecycle.STEPS)


def test_it_hides_another_communitys_case(client, world):
    case = open_case(world)
    client.force_login(world.grid_worker_b)
    before = snapshot(case)
    assert client.get(reverse("hotline:case", args=[case.pk])).status_code == 404
    response = client.post(step_url(case, "note"), {"version": case.version, "note": "看看"}, headers=HTMX)
    assert response.status_code == 404
    assert "不在您负责的区域" in response.content.decode()
    assert snapshot(case) == before


@pytest.mark.parametrize("case_id", ["0", "99999999", "9" * 40])
def test_it_answers_unknown_case_ids_with_404(client, world, case_id):
    client.force_login(world.agent)
    assert client.get(f"/desk/cases/{case_id}/").status_code == 404
    assert client.post(f"/desk/cases/{case_id}/note/", {"version": "1", "note": "x"}).status_code == 404


def test_it_works_a_case_from_transfer_to_close_through_the_step_views(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    response = client.post(
        step_url(case, "transfer"),
        {"version": case.version, "to": f"place:{world.grid_a.code}", "note": "请网格员上门查看"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "已转办待接收" in response.content.decode()
    case.refresh_from_db()
    assert case.assigned_place == world.grid_a

    client.force_login(world.grid_worker_a)
    page = client.get(reverse("hotline:list", args=["community"])).content.decode()
    assert case.number in page
    page = client.get(reverse("hotline:case", args=[case.pk])).content.decode()
    assert "接收工单" in page
    client.post(step_url(case, "accept"), {"version": case.version}, headers=HTMX)
    case.refresh_from_db()
    client.post(step_url(case, "resolve"), {"version": case.version, "resolution": "已上门测量血压"})
    case.refresh_from_db()
    assert case.status == Case.Status.RESOLVED and case.handler == world.grid_worker_a

    client.force_login(world.agent)
    client.post(step_url(case, "return_visit"), {"version": case.version, "satisfaction": "satisfied"})
    case.refresh_from_db()
    response = client.post(step_url(case, "close"), {"version": case.version}, headers=HTMX)
    page = response.content.decode()
    case.refresh_from_db()
    assert case.status == Case.Status.CLOSED
    assert case.owner == world.agent
    assert "已关闭" in page and "满意" in page
    kinds = list(case.events.values_list("kind", flat=True))
    assert kinds == ["opened", "transferred", "accepted", "resolved", "return_visit", "closed"]


def test_it_transfers_to_a_line_and_the_line_sees_it(client, world):
    case = open_case(world, category="psych_support", disposition="psych_counselor")
    client.force_login(world.agent)
    client.post(step_url(case, "transfer"), {"version": case.version, "to": "line:psych", "note": "情绪焦虑"})
    client.force_login(world.counsellor)
    assert case.number in client.get(reverse("hotline:list", args=["line_inbox"])).content.decode()


def test_it_schedules_and_completes_a_consult_callback(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    due = timezone.localtime() + timedelta(minutes=10)
    response = client.post(
        step_url(case, "schedule_callback"),
        {
            "version": case.version,
            "kind": "consult",
            "due_at": due.strftime("%Y-%m-%dT%H:%M"),
            "assignee_role": "clinician",
            "note": "请心内科会商",
        },
        headers=HTMX,
    )
    assert response.status_code == 200
    callback = Callback.objects.get()
    assert callback.kind == "consult" and callback.assignee_role == "clinician"
    assert abs((callback.due_at - due).total_seconds()) < 60

    client.force_login(world.clinician)
    assert case.number in client.get(reverse("hotline:list", args=["callbacks"])).content.decode()
    case.refresh_from_db()
    client.post(
        step_url(case, "complete_callback"),
        {"version": case.version, "callback_id": callback.pk, "outcome": "已电话告知用药调整"},
    )
    callback.refresh_from_db()
    assert callback.done_by == world.clinician


def test_it_dispatches_notes_reclassifies_and_reopens(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    for step, form in (
        ("dispatch", {"target": "120", "note": "已派车"}),
        ("note", {"note": "家属已到场"}),
        (
            "reclassify",
            {"category": "emergency", "urgency": "P2", "disposition": "call_120", "reason": "加重"},
        ),
        ("resolve", {"resolution": "已送医"}),
        ("reopen", {"reason": "家属再次来电"}),
    ):
        case.refresh_from_db()
        response = client.post(step_url(case, step), {"version": case.version, **form}, headers=HTMX)
        assert response.status_code == 200, (step, response.content.decode())
    case.refresh_from_db()
    assert case.status == Case.Status.OPEN and case.urgency == "P2"
    assert case.events.count() == 6


def test_it_refuses_a_stale_version_with_409(client, world):
    case = open_case(world)
    stale = case.version
    services.case_add_note(case=case, version=stale, by=world.agent2, note="另一位坐席先处理了")
    before = snapshot(case)
    client.force_login(world.agent)
    response = client.post(
        step_url(case, "resolve"), {"version": stale, "resolution": "已答复"}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 409
    assert "已被他人更新" in page
    assert f'name="version" value="{before[0]}"' in page  # the fresh version, ready to retry
    assert "另一位坐席先处理了" in page
    assert snapshot(case) == before


@pytest.mark.parametrize(
    ("step", "form", "status", "reason"),
    [
        ("transfer", {"note": "转"}, 422, "请选择转办目标"),
        ("transfer", {"to": "place:NOPE", "note": "转"}, 422, "未知的地点代码"),
        ("transfer", {"to": "line:nope", "note": "转"}, 422, "未知的热线代码"),
        ("transfer", {"to": "place:440309", "note": "转"}, 422, "只能转办到"),
        ("transfer", {"to": "line:psych", "note": ""}, 422, "不能为空"),
        ("note", {"note": "\x00\x01"}, 422, "二进制"),
        ("note", {"note": "很长" * 1001}, 422, "过长"),
        ("schedule_callback", {"kind": "callback", "due_at": "明天"}, 422, "时间格式"),
        ("schedule_callback", {"kind": "callback", "due_at": "2001-01-01T08:00"}, 422, "不能早于现在"),
        ("schedule_callback", {"kind": "callback", "due_at": ""}, 422, "请填写时间"),
        ("schedule_callback", {"kind": "consult", "due_at": "2099-01-01T08:00"}, 422, "不能超过 30 天"),
        ("complete_callback", {"callback_id": "x", "outcome": "好"}, 422, "编号应为数字"),
        ("complete_callback", {"callback_id": "12345", "outcome": "好"}, 404, "没有这个回电任务"),
        ("return_visit", {"satisfaction": "satisfied"}, 409, "不能执行此操作"),
        ("close", {}, 409, "不能执行此操作"),
        ("accept", {}, 403, "未转给您"),
        (
            "reclassify",
            {"category": "x", "urgency": "P3", "disposition": "home_visit", "reason": "r"},
            422,
            "未知",
        ),
    ],
)
def test_it_rejects_a_bad_step_and_writes_nothing(client, world, step, form, status, reason):
    case = open_case(world)
    before = snapshot(case)
    client.force_login(world.agent)
    response = client.post(step_url(case, step), {"version": case.version, **form}, headers=HTMX)
    assert response.status_code == status, response.content.decode()
    assert reason in response.content.decode()
    assert snapshot(case) == before


@pytest.mark.parametrize("version", ["", "abc", "-1", "9" * 40, "1.5"])
def test_it_rejects_a_missing_or_malformed_version(client, world, version):
    case = open_case(world)
    before = snapshot(case)
    client.force_login(world.agent)
    response = client.post(step_url(case, "note"), {"version": version, "note": "x"}, headers=HTMX)
    assert response.status_code in (409, 422)
    assert snapshot(case) == before


def test_it_answers_an_unknown_step_with_404(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    response = client.post(step_url(case, "explode"), {"version": case.version}, headers=HTMX)
    assert response.status_code == 404
    assert "没有这个操作" in response.content.decode()


def test_it_refuses_a_return_visit_with_an_unknown_satisfaction(client, world):
    case = open_case(world)
    case = services.case_resolve(case=case, version=case.version, by=world.agent, resolution="已答复")
    before = snapshot(case)
    client.force_login(world.agent)
    response = client.post(
        step_url(case, "return_visit"), {"version": case.version, "satisfaction": "ecstatic"}
    )
    assert response.status_code == 422
    assert "未知的代码" in response.content.decode()
    assert "处理记录" in response.content.decode()  # the full page, without htmx
    assert snapshot(case) == before


def test_it_refuses_to_close_before_a_return_visit(client, world):
    case = open_case(world)
    case = services.case_resolve(case=case, version=case.version, by=world.agent, resolution="已答复")
    before = snapshot(case)
    client.force_login(world.agent)
    response = client.post(step_url(case, "close"), {"version": case.version}, headers=HTMX)
    assert response.status_code == 409
    assert "须完成回访" in response.content.decode()
    assert snapshot(case) == before


def test_it_refuses_steps_from_a_role_that_cannot_act(client, world):
    case = open_case(world)
    before = snapshot(case)
    client.force_login(world.command)
    page = client.get(reverse("hotline:case", args=[case.pk])).content.decode()
    assert 'id="step-note"' not in page
    response = client.post(step_url(case, "note"), {"version": case.version, "note": "x"}, headers=HTMX)
    assert response.status_code == 403
    assert snapshot(case) == before


# --- lists ---


def test_it_lists_my_open_cases(client, world):
    case = open_case(world)
    client.force_login(world.agent)
    page = client.get(reverse("hotline:list", args=["mine"])).content.decode()
    assert case.number in page
    client.force_login(world.agent2)
    assert case.number not in client.get(reverse("hotline:list", args=["mine"])).content.decode()


def test_it_marks_overdue_cases_red(client, world):
    with time_machine.travel(timezone.now() - timedelta(minutes=30)):
        case = open_case(world, urgency="P1", disposition="call_120", category="emergency")
    client.force_login(world.agent)
    page = client.get(reverse("hotline:list", args=["overdue"])).content.decode()
    assert case.number in page
    assert 'class="overdue"' in page
    assert "超时" in page


def test_it_keeps_the_community_inbox_to_its_community(client, world):
    case = open_case(world)
    services.case_transfer(
        case=case, version=case.version, by=world.agent, note="上门", to_place=world.grid_a
    )
    client.force_login(world.grid_worker_b)
    assert case.number not in client.get(reverse("hotline:list", args=["community"])).content.decode()
    client.force_login(world.family_doctor_a)
    assert case.number in client.get(reverse("hotline:list", args=["community"])).content.decode()


@pytest.mark.parametrize("name", ["mine", "line_inbox", "overdue", "community", "callbacks"])
def test_it_loads_a_list_in_a_fixed_number_of_queries(client, world, django_assert_max_num_queries, name):
    for _ in range(6):
        case = open_case(world)
        case = services.case_transfer(
            case=case, version=case.version, by=world.agent, note="上门", to_place=world.grid_a
        )
    services.case_schedule_callback(
        case=open_case(world), version=1, by=world.agent, due_at=timezone.now() + timedelta(minutes=5)
    )
    client.force_login(world.agent)
    # Session, user and scope lookups plus one query for the list itself, however long it is.
    with django_assert_max_num_queries(8):
        response = client.get(reverse("hotline:list", args=[name]))
    assert response.status_code == 200


def test_it_answers_an_unknown_list_with_404(client, world):
    client.force_login(world.agent)
    assert client.get(reverse("hotline:list", args=["everything"])).status_code == 404


# --- resident page ---


def test_it_shows_a_resident_masked(client, world):
    client.force_login(world.agent)
    page = client.get(reverse("people:resident", args=[world.wang.pk])).content.decode()
    assert "王建国" in page and "李秀英" in page
    assert world.wang.masked_id_number in page
    assert world.wang.id_number not in page and "13800138000" not in page
    assert "查看完整信息" in page


def test_the_resident_page_names_the_family_doctor_and_grid_worker(client, world):
    client.force_login(world.agent)
    page = client.get(reverse("people:resident", args=[world.wang.pk])).content.decode()
    assert "吴家庭医生" in page and "张网格员" in page


def test_it_reveals_the_full_identity_and_logs_it(client, world):
    client.force_login(world.agent)
    response = client.post(
        reverse("people:reveal", args=[world.wang.pk]), {"purpose": "核实身份"}, headers=HTMX
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert world.wang.id_number in page and "13800138000" in page
    log = AccessLog.objects.get()
    assert log.user == world.agent and log.object_id == str(world.wang.pk)


def test_it_refuses_a_reveal_to_a_role_without_it(client, world):
    client.force_login(world.counsellor)
    page = client.get(reverse("people:resident", args=[world.wang.pk])).content.decode()
    assert "查看完整信息" not in page
    response = client.post(reverse("people:reveal", args=[world.wang.pk]), headers=HTMX)
    assert response.status_code == 403
    assert world.wang.id_number not in response.content.decode()
    assert AccessLog.objects.count() == 0


def test_it_hides_another_communitys_resident(client, world):
    client.force_login(world.grid_worker_b)
    response = client.get(reverse("people:resident", args=[world.wang.pk]))
    assert response.status_code == 404
    assert "王建国" not in response.content.decode()
    assert client.post(reverse("people:reveal", args=[world.wang.pk])).status_code == 404
    assert AccessLog.objects.count() == 0


# --- garbage in, 4xx out ---

GARBAGE = [
    {"version": ["1", "2"], "note": ["a", "b"]},
    {"version": "１", "note": "全角"},
    {"version": "1", "to": "place:" + "\x00" * 5, "note": "x"},
    {"version": "1", "to": "line:" + "9" * 500, "note": "x"},
    {"version": "1", "due_at": "9999-99-99T99:99", "kind": "callback"},
    {"version": "1", "callback_id": "-1", "outcome": "x"},
    {"version": "1", "satisfaction": "\ufffe"},
    {"version": "1", "category": "\x00", "urgency": "\x00", "disposition": "\x00", "reason": "\x00"},
]


@pytest.mark.parametrize("step", sorted(CASE_STEPS))
@pytest.mark.parametrize("form", GARBAGE)
def test_it_never_answers_garbage_with_a_500(client, world, step, form):
    case = open_case(world)
    client.force_login(world.agent)
    response = client.post(step_url(case, step), form, headers=HTMX)
    assert response.status_code < 500


@pytest.mark.parametrize(
    "query",
    [
        "phone=%FF%FE",
        "phone=%00",
        "disposition=fever_clinic&subject_resident=%FF",
        "disposition=fever_clinic&place=%00",
        "disposition=fever_clinic&caller_resident=999999999999",
        "disposition=fever_clinic&place=" + "A" * 5000,
    ],
)
def test_it_never_answers_a_garbage_query_with_a_500(client, world, query):
    client.force_login(world.agent)
    for name in ("hotline:pop", "hotline:fever"):
        response = client.get(f"{reverse(name)}?{query}", headers=HTMX)
        assert response.status_code < 500


def test_it_never_answers_an_undecodable_intake_with_a_500(client, world):
    client.force_login(world.agent)
    body = b"line=medical&summary=%FF%FE%00&category=\xff\xfe&urgency=P3&disposition=home_visit"
    response = client.post(
        reverse("hotline:case_create"),
        body,
        content_type="application/x-www-form-urlencoded",
        headers=HTMX,
    )
    assert 400 <= response.status_code < 500
    assert Case.objects.count() == 0
