from django.urls import path

from jobs import views as job_views

urlpatterns = [
    path("", job_views.job_list, name="job_list"),
    path("run/", job_views.job_run_now, name="job_run_now"),
    path("runs/<int:pk>/", job_views.job_run_detail, name="job_run_detail"),
]
