from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext
from django.views.decorators.http import require_POST

from anxin.core.errors import Forbidden
from anxin.core.views import domain_errors
from anxin.people.selectors import household_members, resident_get_for_user
from anxin.people.services import resident_reveal, resident_set_manual_tags
from anxin.people.tags import TAG_LABELS, manual_tag_codes
from anxin.places.selectors import place_duty_holders


def _manual_tag_context(request, resident) -> dict:
    """The hand-set tags block: every tag a worker may set, ticked where set (ledger.import may change them)."""
    chosen = set(resident.manual_tags or [])
    return {
        "resident": resident,
        "manual_choices": [(code, gettext(TAG_LABELS[code]), code in chosen) for code in manual_tag_codes()],
        "can_tag": request.user.can("ledger.import"),
    }


@login_required
@domain_errors
def resident_detail(request, resident_id: int):
    resident = resident_get_for_user(request.user, resident_id)
    return render(
        request,
        "people/resident.html",
        {
            "resident": resident,
            "members": household_members(resident),
            "duty_holders": place_duty_holders(resident.household),
            "can_reveal": request.user.can("resident.reveal"),
            **_manual_tag_context(request, resident),
        },
    )


@login_required
@require_POST
@domain_errors
def resident_tags(request, resident_id: int):
    """Replace the resident's hand-set tags (htmx swaps the block; without JavaScript, back to the page)."""
    resident = resident_get_for_user(request.user, resident_id)
    if not request.user.can("ledger.import"):
        raise Forbidden(gettext("当前角色不能设置人工标签"))
    resident_set_manual_tags(resident=resident, tags=request.POST.getlist("tags"))
    if request.headers.get("HX-Request") != "true":
        return redirect("people:resident", resident_id=resident.pk)
    context = {**_manual_tag_context(request, resident), "saved": True}
    return render(request, "people/_manual_tags.html", context)


@login_required
@require_POST
@domain_errors
def resident_reveal_view(request, resident_id: int):
    resident = resident_get_for_user(request.user, resident_id)
    full = resident_reveal(
        user=request.user,
        resident=resident,
        purpose=request.POST.get("purpose", ""),
        ip=request.META.get("REMOTE_ADDR"),
    )
    return render(request, "people/_revealed.html", {"resident": resident, "full": full})
