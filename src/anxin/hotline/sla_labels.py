"""The urgency labels of rules/sla.toml as msgids, because makemessages reads Python and templates, not TOML.

SlaRule.display_label translates a rule's label; tests/core/test_i18n.py checks that this list and the rule
file agree, so a label changed in the TOML without a new msgid (and its translation) fails the suite.
"""

from __future__ import annotations

from anxin.core.i18n import gettext_noop

SLA_LABELS = (
    gettext_noop("危急：2分钟内派出（120/急救）"),
    gettext_noop("紧急：10分钟内医生回电"),
    gettext_noop("24小时内提供服务"),
    gettext_noop("首次接触即答复办结"),
)
