from django.apps import AppConfig


class FacilitiesConfig(AppConfig):
    name = "anxin.facilities"
    label = "facilities"
