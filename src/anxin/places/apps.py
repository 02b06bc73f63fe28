from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "anxin.places"
    label = "places"
