"""The status labels of rules/map_status.toml as msgids, because makemessages reads Python and templates, not TOML.

MapStatus.display_label translates a status's label; tests/places/test_map_status.py checks that this list and
the rule file agree, so a label changed in the TOML without a new msgid (and its translation) fails the suite.
"""

from __future__ import annotations

from anxin.core.i18n import gettext_noop

STATUS_LABELS = (
    gettext_noop("确诊病例"),
    gettext_noop("集中隔离户"),
    gettext_noop("居家隔离户"),
    gettext_noop("行动不便/特殊需要"),
    gettext_noop("其他住户"),
)
