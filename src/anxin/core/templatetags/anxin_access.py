"""Permission checks for templates: ``{% if user|can:"triage.review" %}`` asks accounts.roles' table."""

from __future__ import annotations

from django import template

register = template.Library()


@register.filter
def can(user, permission: str) -> bool:
    check = getattr(user, "can", None)  # AnonymousUser has no role
    return bool(check is not None and check(permission))
