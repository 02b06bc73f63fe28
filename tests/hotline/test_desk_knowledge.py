"""The knowledge base at the desk: items that answer the caller's words beside the intake form, and one click
that answers the case with an item, closes it at first contact and counts the item's use."""

from __future__ import annotations

import pytest
from django.urls import reverse

from anxin.core.errors import InvalidInput
from anxin.hotline import services
from anxin.hotline.models import Case, CaseEvent
from anxin.knowledge.models import Item, ItemUse
from anxin.knowledge.selectors import item_for_answer

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}
QUESTION = "我想问一下抗原出现两道杠是什么意思"


def suggestions(client, summary):
    return client.post(reverse("hotline:knowledge"), {"summary": summary}, headers=HTMX)


def intake(client, **fields):
    form = {"line": "medical", "channel": "phone", "caller_phone": "13700137000", "summary": QUESTION}
    return client.post(reverse("hotline:case_create"), form | fields, headers=HTMX)


def test_the_panel_shows_the_items_that_answer_the_callers_words(client, world, sample_items):
    client.force_login(world.agent)
    page = suggestions(client, QUESTION).content.decode()
    assert "如何判读抗原检测结果" in page
    assert "抗原检测" in page  # why it was found
    assert 'name="knowledge_item" value="antigen-read"' in page


def test_the_panel_waits_for_words_and_says_when_nothing_matches(client, world, sample_items):
    client.force_login(world.agent)
    assert "输入来电内容后" in suggestions(client, "").content.decode()
    assert "没有找到相关条目" in suggestions(client, "？？？").content.decode()


def test_items_for_agents_only_are_not_suggested_to_volunteers(client, world, sample_items):
    client.force_login(world.agent)
    assert "坐席答复口径" in suggestions(client, "发热咨询答复口径").content.decode()
    client.force_login(world.volunteer_a)
    page = suggestions(client, "发热咨询答复口径").content.decode()
    assert "坐席答复口径" not in page
    assert 'name="knowledge_item"' not in page  # a volunteer takes no calls


def test_one_click_answers_and_closes_the_case_and_counts_the_use(client, world, sample_items):
    client.force_login(world.agent)
    response = intake(client, knowledge_item="antigen-read")
    assert response.status_code == 200 and response.headers["HX-Redirect"]
    case = Case.objects.get()
    assert case.status == Case.Status.CLOSED and case.closed_at_first_contact
    assert (case.urgency, case.disposition) == ("P4", "answer_closed")
    assert "如何判读抗原检测结果" in case.resolution and "antigen-read" in case.resolution
    resolved = case.events.get(kind=CaseEvent.Kind.RESOLVED)
    assert resolved.data["knowledge_item"] == "antigen-read" and resolved.data["knowledge_version"] == 1
    assert Item.objects.get(code="antigen-read").use_count == 1
    assert ItemUse.objects.get().case == case


def test_answering_what_triage_reads_as_urgent_needs_the_override_reason(client, world, sample_items):
    client.force_login(world.agent)
    urgent = "老人血氧九十，喘不上气，想问问血氧仪怎么看"
    response = intake(client, summary=urgent, knowledge_item="oximeter")
    assert response.status_code == 422
    assert not Case.objects.exists() and not ItemUse.objects.exists()
    assert Item.objects.get(code="oximeter").use_count == 0
    response = intake(
        client, summary=urgent, knowledge_item="oximeter", override_reason="来电人代问，老人已在医院"
    )
    assert response.status_code == 200
    assert Case.objects.get().status == Case.Status.CLOSED


def test_a_replaced_or_draft_item_cannot_answer_a_caller(world, sample_items):
    for code in ("quarantine-2022-11", "draft-item", "no-such-item"):
        with pytest.raises(InvalidInput) as caught:
            item_for_answer(code=code, user=world.agent)
        assert caught.value.field == "knowledge_item"


def test_the_service_records_the_item_on_any_channel(world, sample_items):
    item = Item.objects.get(code="antigen-read")
    case = services.case_open(by=world.agent, line=world.medical_line, summary=QUESTION, knowledge_item=item)
    assert case.status == Case.Status.CLOSED
    assert Item.objects.get(pk=item.pk).use_count == 1


def test_the_panel_says_no_confident_answer_rather_than_offer_a_weak_match(client, world, sample_items):
    client.force_login(world.agent)
    assert 'id="kb-no-confident"' not in suggestions(client, QUESTION).content.decode()
    page = suggestions(client, "明天会不会下雪，出门要带什么").content.decode()
    assert 'id="kb-no-confident"' in page and "没有把握的答案" in page
    assert '<details class="kb-unsure">' in page  # the nearest items stay one click away
