from __future__ import annotations

from django.contrib.auth import login, logout
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from anxin.accounts.services import user_authenticate
from anxin.core.errors import DomainError


@require_http_methods(["GET", "POST"])
def login_view(request):
    error = None
    username = ""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if request.method == "POST":
        username = request.POST.get("username", "").strip()[:150]
        try:
            user = user_authenticate(
                request=request, username=username, password=request.POST.get("password", "")
            )
        except DomainError as exc:
            error = exc.reason
        else:
            login(request, user)
            if next_url and url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
                return redirect(next_url)
            return redirect("hotline:workbench")
    status = 200 if error is None else 400
    return render(
        request,
        "accounts/login.html",
        {"error": error, "username": username, "next": next_url},
        status=status,
    )


@require_POST
def logout_view(request):
    logout(request)
    return redirect("accounts:login")
