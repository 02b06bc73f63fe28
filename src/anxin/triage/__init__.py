"""Triage: caller text and optional structured fields in, an explained decision out.

Pure Python with no Django import; the rules are the TOML files in ``rules/``. See docs/triage.md.
"""

from anxin.triage.engine import Decision, TriageInput, triage

__all__ = ["Decision", "TriageInput", "triage"]
