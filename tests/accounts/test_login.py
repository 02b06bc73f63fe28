from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

from anxin.accounts.services import user_authenticate
from anxin.core.errors import Forbidden, InvalidInput

pytestmark = pytest.mark.django_db
PASSWORD = "pw-for-tests-123"


def test_it_locks_an_account_after_five_failures(world):
    for _ in range(5):
        with pytest.raises(InvalidInput):
            user_authenticate(request=None, username="agent", password="wrong")
    with pytest.raises(Forbidden) as caught:
        user_authenticate(request=None, username="agent", password=PASSWORD)
    assert "锁定" in caught.value.reason


def test_the_lock_lifts_after_the_lock_period(world, settings):
    for _ in range(settings.ANXIN_LOGIN_MAX_FAILURES):
        with pytest.raises(InvalidInput):
            user_authenticate(request=None, username="agent", password="wrong")
    later = timezone.now() + timedelta(minutes=settings.ANXIN_LOGIN_LOCK_MINUTES + 1)
    with time_machine.travel(later):
        assert user_authenticate(request=None, username="agent", password=PASSWORD) == world.agent


def test_a_success_resets_the_failure_count(world):
    for _ in range(4):
        with pytest.raises(InvalidInput):
            user_authenticate(request=None, username="agent", password="wrong")
    user_authenticate(request=None, username="agent", password=PASSWORD)
    world.agent.refresh_from_db()
    assert world.agent.failed_logins == 0


def test_an_unknown_user_gets_the_same_message(world):
    with pytest.raises(InvalidInput) as caught:
        user_authenticate(request=None, username="nobody", password="x")
    assert caught.value.reason == "用户名或密码错误"


def test_an_idle_session_is_logged_out(world, client, settings):
    client.force_login(world.agent)
    assert client.get("/api/openapi.json").status_code in (200, 401)
    client.get("/desk/")
    later = timezone.now() + settings.ANXIN_IDLE_TIMEOUT + timedelta(minutes=1)
    with time_machine.travel(later):
        response = client.get("/desk/")
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_an_idle_htmx_request_is_sent_to_the_login_page(world, client, settings):
    client.force_login(world.agent)
    client.get("/desk/")
    later = timezone.now() + settings.ANXIN_IDLE_TIMEOUT + timedelta(minutes=1)
    with time_machine.travel(later):
        response = client.get("/desk/lists/mine/", headers={"HX-Request": "true"})
    assert response.status_code == 204
    assert response["HX-Redirect"] == "/accounts/login/"
