from django.urls import path

from . import calendar_views

urlpatterns = [path("", calendar_views.calendar_overview, name="calendar_overview")]
