from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser
from django.db import models

from anxin.accounts.roles import Role, role_can


class User(AbstractUser):
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.AGENT)
    display_name = models.CharField(max_length=50, blank=True)
    phone = models.CharField(max_length=20, blank=True)
    places = models.ManyToManyField("places.Place", blank=True, related_name="staff")
    failed_logins = models.PositiveSmallIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.display_name or self.username

    def can(self, permission: str) -> bool:
        return self.is_active and role_can(self.role, permission)

    def covered_paths(self) -> list[str]:
        """Path prefixes of every place this user covers; scoping filters start here."""
        cached = getattr(self, "_covered_paths", None)
        if cached is None:
            cached = list(self.places.values_list("path", flat=True))
            self._covered_paths = cached
        return cached

    def covers_path(self, path: str) -> bool:
        return any(path.startswith(prefix) for prefix in self.covered_paths())


def hash_token(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


class ApiToken(models.Model):
    """A bearer token for the JSON API. Only its hash is stored; the raw value is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=60)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.user} · {self.name}"

    @classmethod
    def issue(cls, *, user: User, name: str) -> tuple[ApiToken, str]:
        raw = "ax_" + secrets.token_urlsafe(32)
        return cls.objects.create(user=user, name=name, key_hash=hash_token(raw)), raw
