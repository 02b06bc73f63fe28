"""/ledger/: a place's key-population ledger, its export and imports. Places are addressed by code under p/."""

from __future__ import annotations

from django.urls import path

from anxin.ledger import views

app_name = "ledger"
urlpatterns = [
    path("", views.ledger_home, name="home"),
    path("p/<str:code>/", views.ledger_place, name="place"),
    path("p/<str:code>/export.xlsx", views.ledger_export, name="export"),
    path("p/<str:code>/import/", views.import_upload, name="import"),
    path("jobs/<int:job_id>/", views.job_detail, name="job"),
    path("jobs/<int:job_id>/progress/", views.job_progress, name="job_progress"),
    path("jobs/<int:job_id>/check/", views.job_check, name="job_check"),
    path("jobs/<int:job_id>/import/", views.job_import, name="job_import"),
    path("jobs/<int:job_id>/errors.xlsx", views.job_errors, name="job_errors"),
]
