"""``anxin manage monitoring_sync``: enrol, move and end residents by the plan rules (the daily task's work,
on demand: after a ledger import or a risk refresh). Prints the counts as one JSON object."""

from __future__ import annotations

import json
from dataclasses import asdict

from django.core.management.base import BaseCommand, CommandParser

from anxin.monitoring.services import enrolment_sync
from anxin.people.models import Resident


class Command(BaseCommand):
    help = "Enrol residents in monitoring plans by their risk level and tags (rules/plans.toml)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--place", help="only residents of this place (its code) and below")

    def handle(self, *args, place: str | None = None, **options) -> None:
        residents = None
        if place:
            from anxin.places.selectors import place_get_by_code

            found = place_get_by_code(place)
            if found is None:
                self.stderr.write(f"unknown place code: {place}")
                raise SystemExit(2)
            residents = Resident.objects.filter(household__path__startswith=found.path)
        self.stdout.write(json.dumps(asdict(enrolment_sync(residents=residents))))
