from django.apps import AppConfig


class RevisitsConfig(AppConfig):
    name = "revisits"
