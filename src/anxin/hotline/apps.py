from django.apps import AppConfig


class HotlineConfig(AppConfig):
    name = "anxin.hotline"
    label = "hotline"
