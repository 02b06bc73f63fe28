from __future__ import annotations

from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from anxin.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="hotline:workbench", permanent=False)),
    path("admin/", admin.site.urls),
    path("accounts/", include("anxin.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/", api.urls),
    path("people/", include("anxin.people.urls")),
    path("desk/", include("anxin.hotline.urls")),
    path("kb/", include("anxin.knowledge.urls")),
    path("ledger/", include("anxin.ledger.urls")),
    path("monitoring/", include("anxin.monitoring.urls")),
    path("map/", include("anxin.places.urls")),
]
