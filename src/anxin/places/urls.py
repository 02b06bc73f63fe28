"""/map/: the compound epidemic map (views.py)."""

from __future__ import annotations

from django.urls import path

from anxin.places import views

app_name = "places"
urlpatterns = [
    path("", views.compound_list, name="map_list"),
    path("<int:compound_id>/", views.compound_map, name="map"),
    path("<int:compound_id>/live/", views.compound_map_live, name="map_live"),
    path("<int:compound_id>/households/<int:unit_id>/", views.household_panel, name="household"),
    path("<int:compound_id>/print/<slug:paper>.<slug:fmt>", views.compound_print, name="print"),
]
