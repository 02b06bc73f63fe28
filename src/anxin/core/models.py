from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AccessLog(models.Model):
    """Who saw or exported what personal data, and when (PIPL; kept at least 6 months)."""

    class Action(models.TextChoices):
        REVEAL = "reveal", _("查看完整信息")
        EXPORT = "export", _("导出")

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    action = models.CharField(max_length=16, choices=Action.choices)
    object_type = models.CharField(max_length=40)
    object_id = models.CharField(max_length=40)
    fields = models.CharField(max_length=200, blank=True)
    purpose = models.CharField(max_length=200, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-at"]
        indexes = [models.Index(fields=["object_type", "object_id"])]

    def __str__(self) -> str:
        return f"{self.user_id} {self.action} {self.object_type}:{self.object_id}"


class IdempotencyKey(models.Model):
    """The first answer to an API call made with an ``Idempotency-Key`` (core.idempotency): a retry with the
    same key and body gets it again and writes nothing. Kept 24 hours, then purged by the daily task."""

    principal = models.CharField(max_length=80)  # who called: "user:<id>" or a hash of the bearer token
    key = models.CharField(max_length=255)
    fingerprint = models.CharField(max_length=64)  # sha256 of method, path, query and body
    status = models.PositiveSmallIntegerField(default=0)  # the first answer's (stored with it, once)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(default=b"")
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["principal", "key"], name="core_idempotency_unique")]

    def __str__(self) -> str:
        return f"{self.key} ({self.status})"
