from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Development only: the benchmark and the demo seeders. Installed by the local and test
    settings, never by production's, and left out of the wheel and the image."""

    name = "devtools"
    verbose_name = "Development tools"
