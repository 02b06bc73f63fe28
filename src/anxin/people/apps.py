from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "anxin.people"
    label = "people"
