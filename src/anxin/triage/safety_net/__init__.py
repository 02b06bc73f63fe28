"""The learned safety net beside the rules: it reads the whole message and can only raise the proposal.

``default_safety_net()`` is the process's one instance, loaded on first use (about 20 ms); ``None`` when
``ANXIN_TRIAGE_SAFETY_NET=false`` or no trained model ships. Train it with
``python -m anxin.triage.safety_net.train`` (docs/triage.md, "The safety net").
"""

from __future__ import annotations

import os
from functools import cache

from anxin.triage.decision import Decision
from anxin.triage.safety_net.features import set_aside
from anxin.triage.safety_net.model import META, WEIGHTS, CharModel, Opinion
from anxin.triage.safety_net.review import Thresholds, review

_FALSE = {"0", "false", "no", "off"}


class SafetyNet:
    def __init__(self, model: CharModel) -> None:
        self.model = model
        self.thresholds = Thresholds(**model.meta["thresholds"])
        self.version = model.meta["version"]

    def read(self, text: str) -> Opinion:
        return self.model.read(text)

    def review(self, inp, decision: Decision) -> Decision:
        return review(decision, self.read(set_aside(inp.text, decision.ignored)), self.thresholds, _label)


def _label(code: str) -> str:
    from anxin.triage.ruleset import default_ruleset

    protocol = default_ruleset().protocols.get(code)
    return protocol.label if protocol else code


def enabled() -> bool:
    return os.environ.get("ANXIN_TRIAGE_SAFETY_NET", "true").strip().lower() not in _FALSE


@cache
def _load() -> SafetyNet | None:
    if not (WEIGHTS.exists() and META.exists()):
        return None
    return SafetyNet(CharModel.load())


def default_safety_net() -> SafetyNet | None:
    return _load() if enabled() else None


__all__ = ["SafetyNet", "default_safety_net", "enabled"]
