"""Every write to the archives goes through these functions."""

from .access import (
    access_grant_revoke,
    access_grants_expire,
    access_request_create,
    access_request_grant,
    access_request_refuse,
    document_open,
)
from .destruction import (
    destruction_request_approve,
    destruction_request_create,
    destruction_request_execute,
    destruction_request_reject,
)
from .filing import (
    archive_document_remove,
    archive_document_upload,
    archive_file_day,
    archive_record_create,
    archive_record_discard,
    archive_record_file,
    archive_record_shelve,
    archive_scan_upload,
)
from .integrity import archive_integrity_check
from .inventory import inventory_finish, inventory_mark, inventory_start

__all__ = [
    "access_grant_revoke",
    "access_grants_expire",
    "access_request_create",
    "access_request_grant",
    "access_request_refuse",
    "archive_document_remove",
    "archive_document_upload",
    "archive_file_day",
    "archive_integrity_check",
    "archive_record_create",
    "archive_record_discard",
    "archive_record_file",
    "archive_record_shelve",
    "archive_scan_upload",
    "destruction_request_approve",
    "destruction_request_create",
    "destruction_request_execute",
    "destruction_request_reject",
    "document_open",
    "inventory_finish",
    "inventory_mark",
    "inventory_start",
]
