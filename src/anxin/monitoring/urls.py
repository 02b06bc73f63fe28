from django.urls import path

from anxin.monitoring import views

app_name = "monitoring"
urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("enrolments/<int:enrolment_id>/checks/", views.check_create, name="check_create"),
    path("enrolments/<int:enrolment_id>/checks/new/", views.check_form, name="check_form"),
    path("alerts/<int:alert_id>/", views.alert_detail, name="alert"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
