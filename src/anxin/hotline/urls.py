from django.urls import path

from anxin.hotline import views

app_name = "hotline"
urlpatterns = [
    path("", views.workbench, name="workbench"),
]
