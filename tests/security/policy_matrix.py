"""The expected answer of every URL, for every role (columns in ROLES order), on a record of
the user's own branch and on one of another branch (accounts/permissions.py).

A row: Row(kind, own, other): `kind` is the record whose pk is in the URL (None for a page
without one; "day" for a filing day; "figure" for a head-office figure's name, no record;
"branch_figure" for a branch and one of its figures, the branch being the record); `own` and
`other` are the status codes, one per role. The head office's people (the calendar keeper
and the two head-office roles, the last three columns) belong to no branch, so both sides
are another branch's records to them. Record kinds the test has no builder for yet use a pk
that exists in no branch (see test_policy_matrix.ABSENT_PK): for those the row shows the
role gate, and isolation rests on the app's own tests (tests/archives,
tests/retention/test_isolation.py, tests/revisits).

To add a URL: add its row by hand, or draft it with
POLICY_MATRIX_RECORD=/tmp/rows.jsonl pytest tests/security/test_policy_matrix.py and review
every code before copying it here — a 200 for a role that should not see the page is a bug
to fix, not a row to record."""

from dataclasses import dataclass, field

from accounts.roles import Role

ROLES = [
    Role.COUNTER_CLERK,
    Role.COUNTER_LEAD,
    Role.ACCOUNT_MANAGER,
    Role.MARKETING_DIRECTOR,
    Role.GENERAL_MANAGER,
    Role.ARCHIVIST,
    Role.COMPANY_HEAD,
    Role.AUDITOR,
    Role.CALENDAR_KEEPER,
    Role.HQ_MARKETING,
    Role.HQ_COMPLIANCE,
]

# The head office's own pages (headoffice/): they read every branch by design, for the roles
# that see every branch (accounts.permissions.sees_every_branch), read-only and masked; the
# "never another branch" checks hold for every other URL and every branch role here too.
HEAD_OFFICE_PAGES = frozenset(
    {
        "headoffice_console",
        "headoffice_compliance",
        "headoffice_csv",
        "headoffice_xlsx",
        "headoffice_pdf",
        "headoffice_branch",
        "headoffice_branch_late_requests",
        "headoffice_branch_figure",
        "headoffice_figure",
        "headoffice_alerts",
        "headoffice_alert",
        "headoffice_request",
        "norm_branch_rules",
    }
)

# Not in the matrix, and why:
EXCLUDED = {
    # Django admin's generic ModelAdmin views (changelist/add/change/delete/history per
    # model, ~300 patterns): BranchScopedAdmin scopes every one (accounts/admin_mixins.py),
    # tested in tests/*/test_admin.py.
    "admin/": "Django admin, BranchScopedAdmin",
    # Models that moved to another app: a permanent redirect to the admin page at its new
    # address, which is scoped as above (tests/security/test_admin_isolation.py).
    "^admin/branch_ops/": "old admin addresses of moved models, redirected",
    "^admin/retention/": "old admin address of the moved churn reason, redirected",
    "^admin/revisits/": "old admin address of the moved closure candidates, redirected",
    "i18n/": "the language switch: no data, public",
    "static/": "static files",
    "media/": "served by the web server in production",
    # The load balancer's and the monitor's endpoints: no session, the same answer for every
    # role (a token or an address opens /metrics), tested in tests/operations/.
    "health/": "liveness and readiness, public, no personal data",
    "metrics": "the monitor's metrics, by token or address",
}


def _codes(text: str) -> tuple[int, ...]:
    codes = tuple(int(c) for c in text.split())
    assert len(codes) == len(ROLES), text
    return codes


@dataclass(frozen=True)
class Row:
    kind: str | None
    own: tuple[int, ...] = field(default=())
    other: tuple[int, ...] = field(default=())
    public: bool = False

    def __init__(self, kind: str | None, own: str, other: str, public: bool = False) -> None:
        object.__setattr__(self, "kind", kind)
        object.__setattr__(self, "own", _codes(own))
        object.__setattr__(self, "other", _codes(other))
        object.__setattr__(self, "public", public)


MATRIX: dict[str, Row] = {
    # api/v1/^customer-imports/(?P<pk>[0-9]+)/apply/$
    "api-customer-import-apply": Row(
        "customer_import",
        "403 403 403 403 405 403 403 405 403 403 403",
        "403 403 403 403 405 403 403 405 403 403 403",
    ),
    # api/v1/^customer-imports/(?P<pk>[0-9]+)/$
    "api-customer-import-detail": Row(
        "customer_import",
        "403 403 403 403 404 403 403 404 403 403 403",
        "403 403 403 403 404 403 403 404 403 403 403",
    ),
    # api/v1/^customer-imports/$ (POST only: a file in)
    "api-customer-import-list": Row(
        None,
        "403 403 403 403 405 403 403 405 403 403 403",
        "403 403 403 403 405 403 403 405 403 403 403",
    ),
    # customer-imports/<int:pk>/apply/
    "customer_import_apply": Row(
        "customer_import",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # customer-imports/<int:pk>/
    "customer_import_detail": Row(
        "customer_import",
        "403 403 403 403 404 403 403 404 403 403 403",
        "403 403 403 403 404 403 403 404 403 403 403",
    ),
    # customer-imports/
    "customer_import_home": Row(
        None,
        "403 403 403 403 200 403 403 200 403 403 403",
        "403 403 403 403 200 403 403 200 403 403 403",
    ),
    # customer-imports/preview/
    "customer_import_preview": Row(
        None,
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # customer-imports/<int:pk>/status/
    "customer_import_status": Row(
        "customer_import",
        "403 403 403 403 404 403 403 404 403 403 403",
        "403 403 403 403 404 403 403 404 403 403 403",
    ),
    # api/v1/^archive-records/(?P<pk>[0-9]+)/$
    "api-archive-record-detail": Row(
        "archive_record",
        "403 403 403 403 403 404 404 404 403 403 403",
        "403 403 403 403 403 404 404 404 403 403 403",
    ),
    # api/v1/^archive-records/$
    "api-archive-record-list": Row(
        None,
        "403 403 403 403 403 200 200 200 403 403 403",
        "403 403 403 403 403 200 200 200 403 403 403",
    ),
    # api/v1/^substitutes/(?P<pk>[0-9]+)/cancel/$
    "api-substitute-cancel": Row(
        "substitution",
        "403 405 405 405 405 403 403 403 403 403 403",
        "403 405 405 405 405 403 403 403 403 403 403",
    ),
    # api/v1/^substitutes/(?P<pk>[0-9]+)/$
    "api-substitute-detail": Row(
        "substitution",
        "403 200 200 200 200 403 403 403 403 403 403",
        "403 404 404 404 404 403 403 403 403 403 403",
    ),
    # api/v1/^substitutes/$
    "api-substitute-list": Row(
        None,
        "403 200 200 200 200 403 403 403 403 403 403",
        "403 200 200 200 200 403 403 403 403 403 403",
    ),
    # api/v1/^commitments/(?P<pk>[0-9]+)/cancel/$
    "api-commitment-cancel": Row(
        "commitment",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^commitments/(?P<pk>[0-9]+)/$
    "api-commitment-detail": Row(
        "commitment",
        "404 404 404 404 404 403 403 404 403 403 403",
        "404 404 404 404 404 403 403 404 403 403 403",
    ),
    # api/v1/^commitments/(?P<pk>[0-9]+)/keep/$
    "api-commitment-keep": Row(
        "commitment",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^commitments/$
    "api-commitment-list": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # api/v1/^customers/(?P<pk>[0-9]+)/$
    "api-customer-detail": Row(
        "customer",
        "200 200 200 200 200 200 200 200 403 403 403",
        "404 404 404 404 404 404 404 404 403 403 403",
    ),
    # api/v1/^customers/$
    "api-customer-list": Row(
        None,
        "200 200 200 200 200 200 200 200 403 403 403",
        "200 200 200 200 200 200 200 200 403 403 403",
    ),
    # api/v1/docs/
    "api-docs": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
        public=True,
    ),
    # api/v1/^approvals/sign-off/$ (POST only)
    "api-approval-sign-off": Row(
        None,
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/approve/$
    "api-request-approve": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/complete/$
    "api-request-complete": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/close-account/$
    "api-request-close-account": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/defer/$
    "api-request-defer": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/$
    "api-request-detail": Row(
        "request",
        "200 200 200 200 200 403 403 200 403 403 403",
        "404 404 404 404 404 403 403 404 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/documents/$
    "api-request-documents": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/go-on/$
    "api-request-go-on": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/$
    "api-request-list": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/password/$
    "api-request-password": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/phone-approval/$
    "api-request-phone-approval": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/reason/$
    "api-request-reason": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/recheck/$
    "api-request-recheck": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/refuse/$
    "api-request-refuse": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/resume/$
    "api-request-resume": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/send-back/$
    "api-request-recall": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    "api-request-send-back": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/start-processing/$
    "api-request-start-processing": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/stays/$
    "api-request-stays": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^requests/(?P<pk>[0-9]+)/unlock/$
    "api-request-unlock": Row(
        "request",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/^revisit-tasks/(?P<pk>[0-9]+)/$
    "api-revisit-task-detail": Row(
        "revisit_task",
        "404 404 404 404 404 403 403 404 403 403 403",
        "404 404 404 404 404 403 403 404 403 403 403",
    ),
    # api/v1/^revisit-tasks/$
    "api-revisit-task-list": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # api/v1/^revisit-tasks/(?P<pk>[0-9]+)/record/$
    "api-revisit-task-record": Row(
        "revisit_task",
        "405 405 405 405 405 403 403 405 403 403 403",
        "405 405 405 405 405 403 403 405 403 403 403",
    ),
    # api/v1/schema/
    "api-schema": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
        public=True,
    ),
    # api/v1/^(?P<path>(?s:.*))$
    "api/v1/^(?P<path>(?s:.*))$": Row(
        "path",
        "404 404 404 404 404 404 404 404 403 403 403",
        "404 404 404 404 404 404 404 404 403 403 403",
    ),
    # customers/<int:pk>/appointments/new/
    "appointment_book": Row(
        "customer",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # appointments/<int:pk>/findings/
    "appointment_findings": Row(
        "appointment",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # approvals/substitutes/<int:pk>/cancel/
    "approval_substitute_cancel": Row(
        "substitution",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # approvals/substitutes/
    "approval_substitutes": Row(
        None,
        "403 200 200 200 200 403 403 403 403 403 403",
        "403 200 200 200 200 403 403 403 403 403 403",
    ),
    # approvals/<int:pk>/dispute/
    "approval_dispute": Row(
        "approval",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # approvals/<int:pk>/sign-off/
    "approval_sign_off": Row(
        "approval",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # approvals/sign-offs/: only approvers have phone approvals in their name (Art. 17)
    "approval_sign_offs": Row(
        None,
        "403 200 200 200 200 403 403 403 403 403 403",
        "403 200 200 200 200 403 403 403 403 403 403",
    ),
    # approvals/
    "approvals_queue": Row(
        None,
        "403 200 200 200 200 403 403 403 403 403 403",
        "403 200 200 200 200 403 403 403 403 403 403",
    ),
    # archives/records/<int:pk>/access/
    "archives:access_request": Row(
        "archive_record",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/destruction/<int:pk>/approve/
    "archives:destruction_approve": Row(
        "destruction_request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/destruction/<int:pk>/
    "archives:destruction_detail": Row(
        "destruction_request",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/destruction/<int:pk>/execute/
    "archives:destruction_execute": Row(
        "destruction_request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/destruction/
    "archives:destruction_list": Row(
        None,
        "403 403 403 403 403 200 200 200 403 403 403",
        "403 403 403 403 403 200 200 200 403 403 403",
    ),
    # archives/destruction/<int:pk>/reject/
    "archives:destruction_reject": Row(
        "destruction_request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/documents/<int:pk>/
    "archives:document_file": Row(
        "archive_document",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/documents/<int:pk>/remove/
    "archives:document_remove": Row(
        "archive_document",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/filing/<str:day>/
    "archives:filing_day": Row(
        "day",
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    # archives/filing/
    "archives:filing_index": Row(
        None,
        "302 302 302 302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302 302 302 302",
    ),
    # archives/grants/<int:pk>/grant/
    "archives:grant_access": Row(
        "access_request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/grants/
    "archives:grants": Row(
        None,
        "403 403 403 403 403 200 403 200 403 403 403",
        "403 403 403 403 403 200 403 200 403 403 403",
    ),
    # archives/
    "archives:index": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    # archives/integrity/<int:pk>/
    "archives:integrity_detail": Row(
        "integrity_check",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/integrity/
    "archives:integrity_list": Row(
        None,
        "403 403 403 403 200 200 403 200 403 403 403",
        "403 403 403 403 200 200 403 200 403 403 403",
    ),
    # archives/inventory/<int:pk>/
    "archives:inventory_detail": Row(
        "inventory_check",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/inventory/<int:pk>/finish/
    "archives:inventory_finish": Row(
        "inventory_check",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/inventory/
    "archives:inventory_list": Row(
        None,
        "403 403 403 403 403 200 403 200 403 403 403",
        "403 403 403 403 403 200 403 200 403 403 403",
    ),
    # archives/access/
    "archives:my_access": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    # archives/records/<int:pk>/
    "archives:record_detail": Row(
        "archive_record",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/records/<int:pk>/discard/
    "archives:record_discard": Row(
        "archive_record",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/records/<int:pk>/file/
    "archives:record_file": Row(
        "archive_record",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/records/
    "archives:record_list": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    # archives/records/new/
    "archives:record_new": Row(
        None,
        "403 403 403 403 403 200 403 403 403 403 403",
        "403 403 403 403 403 200 403 403 403 403 403",
    ),
    # archives/records/<int:pk>/shelve/
    "archives:record_shelve": Row(
        "archive_record",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/records/<int:pk>/upload/
    "archives:record_upload": Row(
        "archive_record",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/grants/<int:pk>/refuse/
    "archives:refuse_access": Row(
        "access_request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # archives/requests/<int:pk>/scans/
    "archives:request_scans": Row(
        "request",
        "200 200 403 403 403 200 403 403 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # archives/requests/
    "archives:request_scans_lookup": Row(
        None,
        "302 302 302 302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302 302 302 302",
    ),
    # archives/grants/<int:pk>/revoke/
    "archives:revoke_access": Row(
        "access_request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # calendar/
    "calendar_overview": Row(
        None,
        "403 403 403 403 200 403 403 200 200 403 403",
        "403 403 403 403 200 403 403 200 200 403 403",
    ),
    # customers/<int:pk>/
    "customer_detail": Row(
        "customer",
        "200 200 200 200 200 200 200 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # customers/<int:pk>/phone/ (POST only: who may reveal is tests/accounts/test_identity.py)
    "customer_phone_reveal": Row(
        "customer",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # customers/
    "customer_search": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    #
    # The head-office console (headoffice/): the head office's only (sees_every_branch);
    # every branch role is refused, on any branch's record.
    # head-office/
    "headoffice_console": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/compliance/
    "headoffice_compliance": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/export.csv
    "headoffice_csv": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/export.xlsx
    "headoffice_xlsx": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/export.pdf
    "headoffice_pdf": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/branches/<int:pk>/
    "headoffice_branch": Row(
        "branch",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/branches/<int:pk>/late-requests/
    "headoffice_branch_late_requests": Row(
        "branch",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/branches/<int:pk>/requests/<slug:figure>/ (the requests behind a figure)
    "headoffice_branch_figure": Row(
        "branch_figure",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/figures/<slug:figure>/ (the branches behind a firm figure)
    "headoffice_figure": Row(
        "figure",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/alerts/
    "headoffice_alerts": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/alerts/<int:pk>/ (a branch's alert and the requests behind it)
    "headoffice_alert": Row(
        "alert",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # head-office/requests/<int:pk>/
    "headoffice_request": Row(
        "request",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    "home": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    # jobs/
    "job_list": Row(
        None,
        "403 403 403 403 200 403 403 200 403 403 403",
        "403 403 403 403 200 403 403 200 403 403 403",
    ),
    # jobs/runs/<int:pk>/
    "job_run_detail": Row(
        "job_run",
        "403 403 403 403 404 403 403 404 403 403 403",
        "403 403 403 403 404 403 403 404 403 403 403",
    ),
    # jobs/run/
    "job_run_now": Row(
        None,
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # login/
    "login": Row(
        None,
        "302 302 302 302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302 302 302 302",
        public=True,
    ),
    # logout/
    "logout": Row(
        None,
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
        public=True,
    ),
    # account/second-factor/ — everyone may enrol an authenticator app for themselves
    "second_factor": Row(
        None,
        "200 200 200 200 200 200 200 200 200 200 200",
        "200 200 200 200 200 200 200 200 200 200 200",
    ),
    # account/second-factor/verify/ — nothing owed: back to where they were going
    "second_factor_verify": Row(
        None,
        "302 302 302 302 302 302 302 302 302 302 302",
        "302 302 302 302 302 302 302 302 302 302 302",
    ),
    # notifications/<int:pk>/read/
    "notification_read": Row(
        "notification",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # requests/<int:pk>/approve/
    "request_approve": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/complete/
    "request_complete": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/close-account/
    "request_close_account": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # customers/<int:pk>/requests/new/
    "request_create": Row(
        "customer",
        "200 200 302 302 302 302 302 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/defer/
    "request_defer": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/
    "request_detail": Row(
        "request",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/documents/
    "request_documents": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/form.pdf
    "request_form_pdf": Row(
        "completed",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/go-on/
    "request_go_on": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/
    "request_list": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # requests/<int:pk>/password/
    "request_password": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/phone-approval/
    "request_phone_approval": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/reason/
    "request_reason": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/receipt.pdf
    "request_receipt_pdf": Row(
        "completed",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/recall/
    "request_recall": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/recheck/
    "request_recheck": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/refuse/
    "request_refuse": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/resume/
    "request_resume": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/send-back/
    "request_send_back": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/start/
    "request_start": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/stays/
    "request_stays": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # requests/<int:pk>/unlock/
    "request_unlock": Row(
        "request",
        "302 302 302 302 302 403 403 302 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/analysis/
    "retention_analysis": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/analysis/export.csv
    "retention_analysis_csv": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/analysis/report.pdf
    "retention_analysis_pdf": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/analysis/prepare/
    "retention_analysis_prepare": Row(
        None,
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # retention/analysis/export.xlsx
    "retention_analysis_xlsx": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/at-risk/
    "retention_at_risk": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/requests/<int:pk>/attempts/
    "retention_attempt_record": Row(
        "request",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # retention/commission/
    "retention_commission": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/customers/<int:pk>/commission/new/
    "retention_commission_agree": Row(
        "customer",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/commission/<int:pk>/decide/
    "retention_commission_decide": Row(
        "commission",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # retention/commitments/<int:pk>/cancel/
    "retention_commitment_cancel": Row(
        "commitment",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/customers/<int:pk>/commitments/new/
    "retention_commitment_create": Row(
        "customer",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/commitments/<int:pk>/keep/
    "retention_commitment_keep": Row(
        "commitment",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/commitments/
    "retention_commitments": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/customers/<int:pk>/complaints/new/
    "retention_complaint_create": Row(
        "customer",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/complaints/<int:pk>/resolve/
    "retention_complaint_resolve": Row(
        "complaint",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/customers/<int:pk>/
    "retention_customer": Row(
        "customer",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/departures/<int:pk>/
    "retention_departure": Row(
        "departure",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/departures/new/
    "retention_departure_create": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/departures/
    "retention_departures": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/
    "retention_home": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/memos/<int:pk>/
    "retention_memo": Row(
        "memo",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/memos/<int:pk>/memo.pdf
    "retention_memo_pdf": Row(
        "memo",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/memos/
    "retention_memos": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # retention/requests/<int:pk>/
    "retention_request": Row(
        "request",
        "200 200 200 200 200 403 403 200 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/tasks/<int:pk>/done/
    "retention_task_done": Row(
        "retention_task",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # retention/tasks/
    "retention_tasks": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # revisits/closures/
    "revisit_closures": Row(
        None,
        "200 200 403 200 200 403 403 200 403 403 403",
        "200 200 403 200 200 403 403 200 403 403 403",
    ),
    # revisits/tasks/<int:pk>/
    "revisit_detail": Row(
        "revisit_task",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # revisits/events/<int:pk>/attendance/
    "revisit_event_attendance": Row(
        "revisit_event",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # revisits/events/new/
    "revisit_event_create": Row(
        None,
        "403 403 403 200 200 403 403 403 403 403 403",
        "403 403 403 200 200 403 403 403 403 403 403",
    ),
    # revisits/events/<int:pk>/
    "revisit_event_detail": Row(
        "revisit_event",
        "404 404 404 404 404 404 404 404 404 404 404",
        "404 404 404 404 404 404 404 404 404 404 404",
    ),
    # revisits/events/<int:pk>/invite/
    "revisit_event_invite": Row(
        "revisit_event",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # revisits/events/
    "revisit_event_list": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # revisits/late/
    "revisit_late": Row(
        None,
        "403 403 403 200 200 403 403 200 403 403 403",
        "403 403 403 200 200 403 403 200 403 403 403",
    ),
    # revisits/
    "revisit_list": Row(
        None,
        "200 200 200 200 200 403 403 200 403 403 403",
        "200 200 200 200 200 403 403 200 403 403 403",
    ),
    # revisits/tasks/<int:pk>/reassign/
    "revisit_reassign": Row(
        "revisit_task",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
    # revisits/rules/
    "revisit_rules": Row(
        None,
        "403 403 403 302 302 403 403 302 403 403 403",
        "403 403 403 302 302 403 403 302 403 403 403",
    ),
    # rules/
    "branch_rules": Row(
        None,
        "403 200 403 200 200 403 403 200 403 302 302",
        "403 200 403 200 200 403 403 200 403 302 302",
    ),
    # norm/
    "norm": Row(
        None,
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # norm/branches/<int:pk>/
    "norm_branch_rules": Row(
        "branch",
        "403 403 403 403 403 403 403 403 403 200 200",
        "403 403 403 403 403 403 403 403 403 200 200",
    ),
    # norm/refinements/<int:pk>/decide/
    "norm_refinement_decide": Row(
        "refinement",
        "405 405 405 405 405 405 405 405 405 405 405",
        "405 405 405 405 405 405 405 405 405 405 405",
    ),
}
