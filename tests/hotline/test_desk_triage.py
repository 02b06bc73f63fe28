"""Triage at the desk: the proposal beside the intake form as the agent types, the reason the desk requires to
override it, the on-duty clinician's P1 alerts, and the override report for reviewers."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone

from anxin.accounts.roles import Role
from anxin.hotline import services
from anxin.hotline.forms import parse_triage_fields
from anxin.hotline.models import Case, CaseEvent, ClinicianAlert, TriageOverride
from anxin.hotline.proposal import TriageFields
from anxin.hotline.triage_display import CONDITION_LABELS, IGNORED_LABELS, RED_FLAG_LABELS
from anxin.triage.codes import CONDITIONS, RED_FLAGS
from anxin.triage.context import Polarity
from tests.factories import make_user

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
CONVULSION = "宝宝三个月大，烧到三十八度六，刚才抽了一下"


def preview(client, **fields):
    form = {"line": "medical", "channel": "phone"} | fields
    return client.post(reverse("hotline:triage"), form, headers=HTMX)


def intake(client, world, **fields):
    form = {"line": "medical", "channel": "phone", "caller_phone": "13900139000", "summary": CONVULSION}
    form["subject_resident"] = str(world.baby.pk)
    return client.post(reverse("hotline:case_create"), form | fields, headers=HTMX)


def p1_case(world, **fields) -> Case:
    return services.case_open(by=world.agent, line=world.medical_line, summary="老人叫不醒了", **fields)


def override(world, *, summary=CONVULSION, urgency="P2", reason="家长说只是打了个寒战", **codes) -> Case:
    return services.case_open(
        by=world.agent,
        line=world.medical_line,
        summary=summary,
        urgency=urgency,
        override_reason=reason,
        require_override_reason=bool(reason),
        **codes,
    )


# --- the labels ---


def test_every_red_flag_and_condition_the_engine_knows_has_a_label():
    assert set(RED_FLAG_LABELS) == set(RED_FLAGS)
    assert set(CONDITION_LABELS) == set(CONDITIONS)
    assert set(IGNORED_LABELS) == {p.value for p in Polarity} - {"present"}


@pytest.mark.parametrize(
    ("method", "name", "args"),
    [
        ("post", "hotline:triage", []),
        ("get", "hotline:alerts", []),
        ("post", "hotline:alert_ack", [1]),
        ("get", "hotline:overrides", []),
    ],
)
def test_it_requires_login(client, method, name, args):
    response = getattr(client, method)(reverse(name, args=args))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


# --- the preview beside the intake form ---


def test_the_intake_form_asks_for_readings_and_refreshes_the_proposal_as_the_agent_types(client, world):
    client.force_login(world.agent)
    page = client.get(reverse("hotline:workbench")).content.decode()
    for name in ("age", "temperature_c", "spo2", "pregnancy_weeks", "override_reason"):
        assert f'name="{name}"' in page
    assert 'name="conditions" value="copd"' in page and "慢阻肺" in page
    assert page.count('<option value="">按建议</option>') == 3
    assert f'hx-post="{reverse("hotline:triage")}"' in page
    assert "delay:300ms" in page
    assert 'id="override-state" class="override-state"' in page  # the reason field starts hidden


def test_the_preview_shows_the_proposal_and_the_words_that_decided_it(client, world):
    client.force_login(world.agent)
    response = preview(client, summary=CONVULSION)
    page = response.content.decode()
    assert response.status_code == 200
    assert "P1 危急" in page and "呼叫120" in page and "急危重症" in page
    assert "抽搐/惊厥" in page  # the red flag, by its label
    assert "<mark>抽了一下</mark>" in page
    assert "抽搐/惊厥：正在或刚刚发生，立即呼叫120" in page  # the rule's because
    assert 'data-fill="proposal" data-category="emergency"' in page
    assert 'data-urgency="P1" data-disposition="call_120"' in page
    assert 'class="override-state" hx-swap-oob="true"' in page  # nothing chosen yet: nothing differs


@pytest.mark.parametrize(
    ("chosen", "differs"),
    [
        ({"urgency": "P2"}, True),
        ({"category": "medical_consult"}, True),
        ({"urgency": "P1", "category": "emergency", "disposition": "call_120"}, False),
        ({"urgency": "P1"}, False),
        ({}, False),
    ],
)
def test_the_preview_asks_for_a_reason_when_the_chosen_codes_differ(client, world, chosen, differs):
    client.force_login(world.agent)
    page = preview(client, summary=CONVULSION, **chosen).content.decode()
    assert ('class="override-state differs"' in page) is differs
    assert ("请填写改判理由" in page) is differs


def test_the_preview_greys_the_words_it_set_aside(client, world):
    client.force_login(world.agent)
    page = preview(client, summary="以前有过胸痛，如果喘不上气怎么办").content.decode()
    assert page.count('class=" ignored"') >= 2  # one line per rule that set a word aside
    assert "已排除（既往）" in page and "<mark>胸痛</mark>" in page
    assert "已排除（假设）" in page and "<mark>喘不上气</mark>" in page
    assert "P1 危急" not in page


def test_the_preview_counts_the_subjects_registry_facts(client, world):
    client.force_login(world.agent)
    page = preview(client, summary="孩子发烧了，38度", subject_resident=str(world.baby.pk)).content.decode()
    assert "小婴儿发热" in page
    assert "求助对象登记信息" in page and "3个月" in page


def test_the_preview_counts_the_agents_readings(client, world):
    client.force_login(world.agent)
    page = preview(client, summary="血氧还可以", spo2="８９", conditions=["copd"]).content.decode()
    assert "P1 危急" in page and "血氧偏低" in page
    assert "血氧：89%" in page


def test_the_preview_shows_an_unreadable_reading_in_the_panel(client, world):
    client.force_login(world.agent)
    response = preview(client, summary="发烧", temperature_c="很高")
    page = response.content.decode()
    assert response.status_code == 422
    assert "应为数字" in page and "体温" in page
    assert "override-state" not in page  # the reason field keeps its state


def test_the_preview_waits_for_the_callers_words(client, world):
    client.force_login(world.agent)
    page = preview(client, summary="  ").content.decode()
    assert "输入来电内容后，这里显示分诊建议" in page
    assert 'class="override-state"' in page


def test_the_preview_speaks_english(client, world):
    client.force_login(world.agent)
    form = {"line": "medical", "channel": "phone", "summary": CONVULSION}
    page = client.post(reverse("hotline:triage"), form, headers=HTMX | {"Accept-Language": "en"})
    text = page.content.decode()
    assert "Convulsion now or just now: call 120" in text
    assert "Accept proposal" in text and "<mark>抽了一下</mark>" in text
    assert "采纳建议" not in text


def test_the_preview_is_for_those_who_take_calls(client, world):
    client.force_login(world.grid_worker_a)
    assert preview(client, summary=CONVULSION).status_code == 403


# --- intake with the proposal ---


def test_codes_left_as_proposed_take_the_proposal(client, world):
    client.force_login(world.agent)
    response = intake(client, world)
    case = Case.objects.get()
    assert response["HX-Redirect"] == reverse("hotline:case", args=[case.pk])
    assert (case.category, case.urgency, case.disposition) == ("emergency", "P1", "call_120")
    assert not TriageOverride.objects.exists()


def test_an_override_without_a_reason_is_refused_and_nothing_is_written(client, world):
    client.force_login(world.agent)
    response = intake(client, world, urgency="P2", override_reason="  ")
    page = response.content.decode()
    assert response.status_code == 422
    assert "不能为空" in page
    marked = page.index('class="has-error"')
    assert 'name="override_reason"' in page[marked : page.index('class="field-error"', marked)]
    assert 'class="override-state differs"' in page  # the reason field stays in view
    assert CONVULSION in page
    assert (Case.objects.count(), CaseEvent.objects.count(), TriageOverride.objects.count()) == (0, 0, 0)


def test_an_override_with_a_reason_is_recorded_with_who_and_why(client, world):
    client.force_login(world.agent)
    response = intake(client, world, urgency="P2", override_reason="家长说只是打了个寒战")
    case = Case.objects.get()
    assert response["HX-Redirect"] == reverse("hotline:case", args=[case.pk])
    assert (case.category, case.urgency, case.disposition) == ("emergency", "P2", "call_120")
    row = TriageOverride.objects.get(case=case)
    assert (row.by, row.reason, row.decisive_rule) == (world.agent, "家长说只是打了个寒战", "rf.convulsion")
    assert (row.proposed_urgency, row.chosen_urgency, row.direction) == ("P1", "P2", "down")
    page = client.get(reverse("hotline:case", args=[case.pk])).content.decode()
    assert "改判分诊建议" in page and "家长说只是打了个寒战" in page
    assert "决定规则" in page and "decided_by" not in page


def test_the_agents_readings_reach_the_engine(client, world):
    client.force_login(world.agent)
    intake(client, world, summary="咳嗽", subject_resident="", spo2="89", conditions=["copd", "diabetes"])
    case = Case.objects.get()
    assert case.urgency == "P1"
    assert case.triage["fields"]["spo2"] == 89
    assert case.triage["fields"]["conditions"] == ["copd", "diabetes"]


# --- P1 alerts ---


def test_the_desk_polls_for_alerts(client, world):
    client.force_login(world.clinician)
    page = client.get(reverse("hotline:workbench")).content.decode()
    assert f'hx-get="{reverse("hotline:alerts")}"' in page
    assert 'hx-trigger="load, every 5s"' in page


def test_only_the_recipient_sees_an_alert(client, world):
    case = p1_case(world)
    client.force_login(world.clinician)
    page = client.get(reverse("hotline:alerts"), headers=HTMX).content.decode()
    assert "P1 危急来电" in page and case.number in page
    assert reverse("hotline:case", args=[case.pk]) in page
    assert "确认" in page
    client.force_login(world.agent)
    assert client.get(reverse("hotline:alerts"), headers=HTMX).content.decode().strip() == ""


def test_only_the_recipient_acknowledges_an_alert(client, world):
    alert = p1_case(world).alerts.get()
    url = reverse("hotline:alert_ack", args=[alert.pk])
    client.force_login(world.agent)
    assert client.post(url, headers=HTMX).status_code == 404
    alert.refresh_from_db()
    assert alert.acknowledged_at is None

    client.force_login(world.clinician)
    response = client.post(url, headers=HTMX)
    assert response.status_code == 200
    assert response.content.decode().strip() == ""  # no open alerts left
    alert.refresh_from_db()
    assert alert.acknowledged_at is not None


def test_acknowledging_without_htmx_goes_back_to_the_desk(client, world):
    alert = p1_case(world).alerts.get()
    client.force_login(world.clinician)
    response = client.post(reverse("hotline:alert_ack", args=[alert.pk]))
    assert response.status_code == 302 and response["Location"] == reverse("hotline:workbench")
    assert not ClinicianAlert.objects.filter(acknowledged_at__isnull=True).exists()


# --- the override report ---


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("agent", 403),
        ("grid_worker_a", 403),
        ("volunteer_a", 403),
        ("command", 200),
        ("clinician", 200),
        ("admin", 200),
    ],
)
def test_the_override_report_is_for_reviewers(client, world, who, status):
    user = getattr(world, who)
    client.force_login(user)
    assert client.get(reverse("hotline:overrides")).status_code == status
    nav = client.get(reverse("hotline:workbench"), follow=True).content.decode()
    assert (reverse("hotline:overrides") in nav) is (status == 200)


def test_the_override_report_groups_overrides_by_rule_with_who_when_why(client, world):
    case = override(world)
    override(world, urgency="P1", category="medical_consult", reason="家长要求先问医生")
    override(world, urgency="P1", reason="")  # the proposal itself: no override
    override(world, summary="阳了，发烧38度5，想问吃什么药", urgency="P3", reason="独居老人")
    client.force_login(world.command)
    page = client.get(reverse("hotline:overrides")).content.decode()
    assert page.index("rf.convulsion") < page.index("category.medical_consult")  # most overridden first
    assert "抽搐/惊厥：正在或刚刚发生，立即呼叫120" in page
    assert "没有更紧急的规则命中，按类别“医疗咨询”的默认分级" in page
    assert "改判 2 次" in page and "改判 1 次" in page
    assert "下调 1" in page and "同级 1" in page and "上调 1" in page
    assert reverse("hotline:case", args=[case.pk]) in page and case.number in page
    assert "P1 危急" in page and "P2 紧急" in page and "呼叫120" in page
    assert "黄医生" in page and "家长说只是打了个寒战" in page and "独居老人" in page


def test_the_override_report_filters_by_period(client, world):
    with time_machine.travel(timezone.now() - timedelta(days=10)):
        override(world, reason="十天前")
    override(world, reason="今天")
    client.force_login(world.command)

    def reasons(period: str | None) -> set[str]:
        query = {"period": period} if period else {}
        page = client.get(reverse("hotline:overrides"), query).content.decode()
        return {reason for reason in ("十天前", "今天") if reason in page}

    assert reasons("7") == {"今天"}
    assert reasons("30") == reasons(None) == reasons("all") == {"十天前", "今天"}
    partial = client.get(reverse("hotline:overrides"), {"period": "7"}, headers=HTMX).content.decode()
    assert partial.startswith('<div id="overrides">') and "<html" not in partial


def test_the_override_report_shows_only_cases_in_scope(client, world):
    override(world, reason="松元厦的改判")  # no subject: the case is the line's district's
    services.case_open(
        by=world.agent,
        line=world.medical_line,
        summary=CONVULSION,
        subject_resident=world.li,  # community B
        urgency="P2",
        override_reason="鹭湖的改判",
    )
    reviewer_b = make_user("command_b", Role.COMMAND, [world.community_b])
    client.force_login(reviewer_b)
    page = client.get(reverse("hotline:overrides")).content.decode()
    assert "鹭湖的改判" in page and "松元厦的改判" not in page


def test_the_form_reads_readings_as_typed():
    """Full-width digits, blanks, repeated and empty checkbox values."""
    post = QueryDict(mutable=True)
    post.update({"age": "０.２５", "temperature_c": " 38.6 ", "spo2": ""})
    post.setlist("conditions", ["copd", "copd", ""])
    assert parse_triage_fields(post) == TriageFields(age=0.25, temperature_c=38.6, conditions=("copd",))
