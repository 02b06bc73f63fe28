"""The learned safety net beside the rules (placeholder until its model is trained)."""

from __future__ import annotations


def default_safety_net():
    return None
