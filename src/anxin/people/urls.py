from django.urls import path

from anxin.people import views

app_name = "people"
urlpatterns = [
    path("<int:resident_id>/", views.resident_detail, name="resident"),
    path("<int:resident_id>/reveal/", views.resident_reveal_view, name="reveal"),
    path("<int:resident_id>/tags/", views.resident_tags, name="tags"),
]
