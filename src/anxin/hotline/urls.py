from django.urls import path

from anxin.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("inbox/", views.community_inbox, name="inbox"),
    path("pop/", views.screen_pop, name="pop"),
    path("fever/", views.fever_facilities, name="fever"),
    path("lists/<slug:name>/", views.desk_list, name="list"),
    path("triage/", views.triage_preview, name="triage"),
    path("triage/overrides/", views.override_report, name="overrides"),
    path("knowledge/", views.knowledge_suggestions, name="knowledge"),
    path("alerts/", views.alert_banner, name="alerts"),
    path("alerts/<int:alert_id>/ack/", views.alert_ack, name="alert_ack"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/<int:case_id>/", views.case_detail, name="case"),
    path("cases/<int:case_id>/<slug:step>/", views.case_step, name="case_step"),
]
