from django.urls import path

from .views import (
    actions,
    appointments,
    closures,
    customers,
    dashboard,
    printing,
    requests,
    substitutes,
)

urlpatterns = [
    path("", dashboard.home, name="home"),
    path("customers/", customers.customer_search, name="customer_search"),
    # The address it had when revisits held the sweep.
    path("revisits/closures/", closures.closure_list, name="revisit_closures"),
    path("customers/<int:pk>/", customers.customer_detail, name="customer_detail"),
    path("approvals/", dashboard.approvals_queue, name="approvals_queue"),
    path("approvals/substitutes/", substitutes.substitutes, name="approval_substitutes"),
    path(
        "approvals/substitutes/<int:pk>/cancel/",
        substitutes.substitute_cancel,
        name="approval_substitute_cancel",
    ),
    path("approvals/<int:pk>/sign-off/", dashboard.approval_sign_off, name="approval_sign_off"),
    path("approvals/<int:pk>/dispute/", actions.approval_dispute, name="approval_dispute"),
    path(
        "customers/<int:pk>/appointments/new/",
        appointments.appointment_book,
        name="appointment_book",
    ),
    path(
        "appointments/<int:pk>/findings/",
        appointments.appointment_findings,
        name="appointment_findings",
    ),
    path("customers/<int:pk>/requests/new/", requests.request_create, name="request_create"),
    path("requests/", requests.request_list, name="request_list"),
    path("requests/<int:pk>/", requests.request_detail, name="request_detail"),
    path("requests/<int:pk>/documents/", actions.request_documents, name="request_documents"),
    path("requests/<int:pk>/refuse/", actions.request_refuse, name="request_refuse"),
    path("requests/<int:pk>/reason/", actions.request_reason, name="request_reason"),
    path("requests/<int:pk>/stays/", actions.request_stays, name="request_stays"),
    path("requests/<int:pk>/defer/", actions.request_defer, name="request_defer"),
    path("requests/<int:pk>/go-on/", actions.request_go_on, name="request_go_on"),
    path("requests/<int:pk>/resume/", actions.request_resume, name="request_resume"),
    path("requests/<int:pk>/approve/", actions.request_approve, name="request_approve"),
    path(
        "requests/<int:pk>/phone-approval/",
        actions.request_phone_approval,
        name="request_phone_approval",
    ),
    path("requests/<int:pk>/send-back/", actions.request_send_back, name="request_send_back"),
    path("requests/<int:pk>/recheck/", actions.request_recheck, name="request_recheck"),
    path("requests/<int:pk>/start/", actions.request_start_processing, name="request_start"),
    path("requests/<int:pk>/password/", actions.request_password, name="request_password"),
    path("requests/<int:pk>/unlock/", actions.request_unlock, name="request_unlock"),
    path("requests/<int:pk>/complete/", actions.request_complete, name="request_complete"),
    path(
        "requests/<int:pk>/close-account/",
        actions.request_close_account,
        name="request_close_account",
    ),
    path("requests/<int:pk>/form.pdf", printing.request_form_pdf, name="request_form_pdf"),
    path("requests/<int:pk>/receipt.pdf", printing.request_receipt_pdf, name="request_receipt_pdf"),
]
