"""What counts as binary or corrupted text. Pure; the triage lines check it, and ``core.text`` (forms, the API,
importers) takes it from here, so the engine depends on no app."""

from __future__ import annotations

import re

# Control characters other than tab/newline mean binary or corrupted input, never something a caller said.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
