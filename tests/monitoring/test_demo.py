"""The demo district comes with monitoring under way: enrolments, a few days of readings, real alerts."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from anxin.accounts.models import User
from anxin.demo.monitoring import ABNORMAL
from anxin.monitoring.models import Check, Enrolment, MonitoringAlert
from anxin.monitoring.selectors import dashboard_for, worklist_for
from anxin.places.models import Place

pytestmark = pytest.mark.django_db


def test_the_demo_has_worklists_readings_and_alerts(db):
    call_command("load_demo", scale=0.02, stdout=io.StringIO())
    assert Enrolment.objects.filter(ended_on__isnull=True).exists()
    assert Check.objects.filter(level="").count() > Enrolment.objects.count()
    alerts = MonitoringAlert.objects.select_related("case", "reading")
    assert alerts.count() >= 1 and all(a.case and a.reading.alert == a for a in alerts)
    doctor = User.objects.get(username="doctor")
    work = worklist_for(doctor)
    assert work.total or work.done_today
    community = Place.objects.get(pk=doctor.places.get().pk)
    board = dashboard_for(doctor, community)
    assert board.enrolled and sum(day.total for day in board.trend) >= 1


def test_a_reset_removes_the_demos_monitoring(db):
    call_command("load_demo", scale=0.02, stdout=io.StringIO())
    call_command("load_demo", scale=0.02, reset=True, stdout=io.StringIO())
    assert Enrolment.objects.exists() and MonitoringAlert.objects.count() <= len(ABNORMAL)
