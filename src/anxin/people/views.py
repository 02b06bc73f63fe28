from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_POST

from anxin.core.views import domain_errors
from anxin.people.selectors import household_members, resident_get_for_user
from anxin.people.services import resident_reveal
from anxin.places.selectors import place_duty_holders


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
        },
    )


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
