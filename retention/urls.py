from django.urls import path

from .views import (
    analysis,
    commission,
    commitments,
    counter,
    customers,
    departures,
    home,
    memos,
    warnings,
)

urlpatterns = [
    path("", home.retention_home, name="retention_home"),
    path("requests/<int:pk>/", counter.request_retention, name="retention_request"),
    path(
        "requests/<int:pk>/attempts/",
        counter.attempt_record_view,
        name="retention_attempt_record",
    ),
    path("customers/<int:pk>/", customers.customer_retention, name="retention_customer"),
    path(
        "customers/<int:pk>/commitments/new/",
        customers.commitment_create_view,
        name="retention_commitment_create",
    ),
    path(
        "customers/<int:pk>/commission/new/",
        customers.commission_agree_view,
        name="retention_commission_agree",
    ),
    path(
        "customers/<int:pk>/complaints/new/",
        customers.complaint_create_view,
        name="retention_complaint_create",
    ),
    path("commitments/", commitments.commitment_list, name="retention_commitments"),
    path(
        "commitments/<int:pk>/keep/",
        commitments.commitment_keep_view,
        name="retention_commitment_keep",
    ),
    path(
        "commitments/<int:pk>/cancel/",
        commitments.commitment_cancel_view,
        name="retention_commitment_cancel",
    ),
    path("commission/", commission.commission_list, name="retention_commission"),
    path(
        "commission/<int:pk>/decide/",
        commission.commission_decide,
        name="retention_commission_decide",
    ),
    path(
        "complaints/<int:pk>/resolve/",
        warnings.complaint_resolve_view,
        name="retention_complaint_resolve",
    ),
    path("at-risk/", warnings.at_risk, name="retention_at_risk"),
    path("departures/", departures.departure_list, name="retention_departures"),
    path("departures/new/", departures.departure_create, name="retention_departure_create"),
    path("departures/<int:pk>/", departures.departure_detail, name="retention_departure"),
    path("tasks/", departures.task_list, name="retention_tasks"),
    path("tasks/<int:pk>/done/", departures.task_done, name="retention_task_done"),
    path("memos/", memos.memo_list, name="retention_memos"),
    path("memos/<int:pk>/", memos.memo_detail, name="retention_memo"),
    path("memos/<int:pk>/memo.pdf", memos.memo_pdf_view, name="retention_memo_pdf"),
    path("analysis/", analysis.analysis, name="retention_analysis"),
    path("analysis/export.csv", analysis.analysis_csv_view, name="retention_analysis_csv"),
    path("analysis/export.xlsx", analysis.analysis_xlsx_view, name="retention_analysis_xlsx"),
    path("analysis/report.pdf", analysis.analysis_pdf_view, name="retention_analysis_pdf"),
    path("analysis/prepare/", analysis.analysis_prepare, name="retention_analysis_prepare"),
]
