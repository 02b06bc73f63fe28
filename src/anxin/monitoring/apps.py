from django.apps import AppConfig


class MonitoringConfig(AppConfig):
    name = "anxin.monitoring"
    label = "monitoring"
