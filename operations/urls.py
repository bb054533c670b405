from django.urls import URLPattern, URLResolver, path

from . import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("health/live/", views.live, name="health_live"),
    path("health/ready/", views.ready, name="health_ready"),
    path("metrics", views.metrics, name="metrics"),
]
