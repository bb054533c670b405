"""/api/v1/: every app's viewsets behind the API's own addresses."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from api.customer_imports import CustomerImportViewSet
from api.customers import CustomerViewSet
from api.urls import catch_all, contract_urlpatterns
from archives.api import ArchiveRecordViewSet
from retention.api import CommitmentViewSet
from revisits.api import RevisitTaskViewSet
from transfers.api import TransferRequestViewSet
from transfers.api_sign_offs import ApprovalViewSet
from transfers.api_substitutes import SubstitutionViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("customer-imports", CustomerImportViewSet, basename="api-customer-import")
router.register("requests", TransferRequestViewSet, basename="api-request")
router.register("approvals", ApprovalViewSet, basename="api-approval")
router.register("substitutes", SubstitutionViewSet, basename="api-substitute")
router.register("commitments", CommitmentViewSet, basename="api-commitment")
router.register("revisit-tasks", RevisitTaskViewSet, basename="api-revisit-task")
router.register("archive-records", ArchiveRecordViewSet, basename="api-archive-record")

urlpatterns = [*contract_urlpatterns, path("", include(router.urls)), catch_all]
