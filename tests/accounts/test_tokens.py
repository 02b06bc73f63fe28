from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from anxin.accounts.models import ApiToken, hash_token

pytestmark = pytest.mark.django_db


def test_it_issues_a_token_and_stores_only_its_hash(world, client):
    out = StringIO()
    call_command("issue_token", "agent", "--name", "desk", stdout=out)
    raw = out.getvalue().strip()
    assert raw.startswith("ax_")
    row = ApiToken.objects.get(user=world.agent)
    assert row.key_hash == hash_token(raw) and raw not in row.key_hash
    assert client.get("/api/ping", headers={"Authorization": f"Bearer {raw}"}).json()["user"] == "agent"


def test_it_refuses_an_unknown_user(world):
    with pytest.raises(CommandError):
        call_command("issue_token", "nobody")
