from django.urls import path

from .views import access, destruction, inventory, records, reports

app_name = "archives"

urlpatterns = [
    path("", records.archives_index, name="index"),
    path("records/", records.record_list, name="record_list"),
    path("records/new/", records.record_new, name="record_new"),
    path("records/<int:pk>/", records.record_detail, name="record_detail"),
    path("records/<int:pk>/upload/", records.record_upload, name="record_upload"),
    path("records/<int:pk>/file/", records.record_file, name="record_file"),
    path("records/<int:pk>/shelve/", records.record_shelve, name="record_shelve"),
    path("records/<int:pk>/discard/", records.record_discard, name="record_discard"),
    path("records/<int:pk>/access/", records.access_request_new, name="access_request"),
    path("documents/<int:pk>/", records.document_file, name="document_file"),
    path("documents/<int:pk>/remove/", records.document_remove, name="document_remove"),
    path("requests/", records.request_scans_lookup, name="request_scans_lookup"),
    path("requests/<int:pk>/scans/", records.request_scans, name="request_scans"),
    path("access/", access.my_access, name="my_access"),
    path("grants/", access.grants_queue, name="grants"),
    path("grants/<int:pk>/grant/", access.grant_access, name="grant_access"),
    path("grants/<int:pk>/refuse/", access.refuse_access, name="refuse_access"),
    path("grants/<int:pk>/revoke/", access.revoke_access, name="revoke_access"),
    path("filing/", reports.filing_index, name="filing_index"),
    path("filing/<str:day>/", reports.filing_day, name="filing_day"),
    path("integrity/", reports.integrity_list, name="integrity_list"),
    path("integrity/<int:pk>/", reports.integrity_detail, name="integrity_detail"),
    path("inventory/", inventory.inventory_list, name="inventory_list"),
    path("inventory/<int:pk>/", inventory.inventory_detail, name="inventory_detail"),
    path("inventory/<int:pk>/finish/", inventory.inventory_finish, name="inventory_finish"),
    path("destruction/", destruction.destruction_list, name="destruction_list"),
    path("destruction/<int:pk>/", destruction.destruction_detail, name="destruction_detail"),
    path(
        "destruction/<int:pk>/approve/", destruction.destruction_approve, name="destruction_approve"
    ),
    path("destruction/<int:pk>/reject/", destruction.destruction_reject, name="destruction_reject"),
    path(
        "destruction/<int:pk>/execute/", destruction.destruction_execute, name="destruction_execute"
    ),
]
