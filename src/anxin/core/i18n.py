"""Translation for the pure modules (people.identity, people.tags, core.text, facilities.hours,
hotline.lifecycle, hotline.sla, hotline.sla_labels), which import no Django so their tests run without it.

The msgids are the Chinese texts. ``gettext``/``pgettext`` translate into the active language once Django's
apps are loaded (a request, a command, the test suite) and otherwise return the Chinese text unchanged (a
bare script or a pure test without settings). ``gettext_noop`` only marks a label that is translated later,
where it is shown. makemessages collects all of them by these names, as it does Django's own. This module
imports Django only once Django is running.
"""

from __future__ import annotations

import sys


def gettext_noop(message: str) -> str:
    return message


def _django_ready() -> bool:
    # Never imports Django: if nothing has imported it, it is not set up and there is no catalog to read.
    # Once it is, its catalogs merge every installed app's locale/, so they wait for the app registry.
    django_apps = sys.modules.get("django.apps")
    return django_apps is not None and django_apps.apps.apps_ready


def gettext(message: str) -> str:
    if not _django_ready():
        return message
    from django.utils.translation import gettext as django_gettext

    return django_gettext(message)


def pgettext(context: str, message: str) -> str:
    if not _django_ready():
        return message
    from django.utils.translation import pgettext as django_pgettext

    return django_pgettext(context, message)
