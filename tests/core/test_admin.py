from __future__ import annotations

import pytest

from anxin.core.models import AccessLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def superuser(world):
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    return world.admin


def test_the_resident_list_shows_masked_identifiers(client, superuser, world):
    client.force_login(superuser)
    page = client.get("/admin/people/resident/").content.decode()
    assert world.wang.masked_id_number in page
    assert world.wang.id_number not in page
    assert "138****8000" in page


def test_opening_a_resident_is_logged(client, superuser, world):
    client.force_login(superuser)
    assert client.get(f"/admin/people/resident/{world.wang.pk}/change/").status_code == 200
    log = AccessLog.objects.get()
    assert (log.user, log.object_id, log.action) == (superuser, str(world.wang.pk), "reveal")


def test_the_access_log_cannot_be_edited(client, superuser, world):
    client.force_login(superuser)
    client.get(f"/admin/people/resident/{world.wang.pk}/change/")
    log = AccessLog.objects.get()
    assert client.post(f"/admin/core/accesslog/{log.pk}/delete/", {"post": "yes"}).status_code == 403
