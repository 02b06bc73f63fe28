from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from anxin.accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "Issue an API token for a user and print it once (only its hash is stored)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="cli", help="what the token is for")

    def handle(self, *args, username: str, name: str, **options):
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"no such user: {username}")
        if not user.is_active:
            raise CommandError(f"user {username} is inactive")
        _, raw = ApiToken.issue(user=user, name=name[:60])
        self.stdout.write(raw)
