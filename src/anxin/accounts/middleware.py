from __future__ import annotations

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext

SESSION_KEY = "anxin_last_seen"


class IdleLogoutMiddleware:
    """End a session after ANXIN_IDLE_TIMEOUT without a request (classified-protection practice)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = time.time()
            last_seen = request.session.get(SESSION_KEY)
            if last_seen is not None and now - last_seen > settings.ANXIN_IDLE_TIMEOUT.total_seconds():
                logout(request)
                messages.info(request, gettext("长时间未操作，已自动退出，请重新登录"))
                login_url = resolve_url(settings.LOGIN_URL)
                if request.headers.get("HX-Request"):
                    # A 302 would be followed inside the background request and swapped into the page;
                    # htmx acts on HX-Redirect only in a non-redirect response.
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = login_url
                    return response
                return redirect(login_url)
            request.session[SESSION_KEY] = now
        return self.get_response(request)
