from django.urls import path

from . import views

urlpatterns = [
    path("", views.console, name="headoffice_console"),
    path("compliance/", views.compliance, name="headoffice_compliance"),
    path("alerts/", views.alerts, name="headoffice_alerts"),
    path("alerts/<int:pk>/", views.alert_detail, name="headoffice_alert"),
    path("export.csv", views.console_csv_view, name="headoffice_csv"),
    path("export.xlsx", views.console_xlsx_view, name="headoffice_xlsx"),
    path("export.pdf", views.console_pdf_view, name="headoffice_pdf"),
    path("figures/<slug:figure>/", views.figure_branches, name="headoffice_figure"),
    path("branches/<int:pk>/", views.branch_detail, name="headoffice_branch"),
    path(
        "branches/<int:pk>/requests/<slug:figure>/",
        views.branch_figure_requests,
        name="headoffice_branch_figure",
    ),
    # The address the late requests' list had before every figure opened its requests.
    path(
        "branches/<int:pk>/late-requests/",
        views.branch_figure_requests,
        {"figure": "late"},
        name="headoffice_branch_late_requests",
    ),
    path("requests/<int:pk>/", views.request_summary, name="headoffice_request"),
]
