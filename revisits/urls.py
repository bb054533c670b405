from django.urls import path

from . import views

urlpatterns = [
    path("", views.revisit_list, name="revisit_list"),
    path("late/", views.revisit_late, name="revisit_late"),
    path("tasks/<int:pk>/", views.revisit_detail, name="revisit_detail"),
    path("tasks/<int:pk>/reassign/", views.revisit_reassign, name="revisit_reassign"),
    path("rules/", views.revisit_rules, name="revisit_rules"),
    path("events/", views.event_list, name="revisit_event_list"),
    path("events/new/", views.event_create, name="revisit_event_create"),
    path("events/<int:pk>/", views.event_detail, name="revisit_event_detail"),
    path("events/<int:pk>/invite/", views.event_invite, name="revisit_event_invite"),
    path("events/<int:pk>/attendance/", views.event_attendance, name="revisit_event_attendance"),
]
