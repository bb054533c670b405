from django.urls import path

from jobs import calendar_views

urlpatterns = [path("", calendar_views.calendar_overview, name="calendar_overview")]
