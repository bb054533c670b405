"""/api/v1/: the per-app viewsets, the OpenAPI schema and its docs (served from local
files by drf-spectacular-sidecar, no CDN)."""

from typing import Any

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.routers import SimpleRouter
from rest_framework.views import APIView

from accounts.api import CustomerViewSet
from archives.api import ArchiveRecordViewSet
from retention.api import CommitmentViewSet
from revisits.api import RevisitTaskViewSet
from transfers.api import TransferRequestViewSet

router = SimpleRouter()
router.register("customers", CustomerViewSet, basename="api-customer")
router.register("requests", TransferRequestViewSet, basename="api-request")
router.register("commitments", CommitmentViewSet, basename="api-commitment")
router.register("revisit-tasks", RevisitTaskViewSet, basename="api-revisit-task")
router.register("archive-records", ArchiveRecordViewSet, basename="api-archive-record")


class NotFoundView(APIView):
    """Any other address under /api/v1/ answers in the API's error shape, not an HTML page:
    401 to a caller not signed in, like every endpoint, and 404 to one who is."""

    schema = None  # not an operation of the contract

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()

    get = post = put = patch = delete = head = options = _not_found


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api-schema", permission_classes=[]),
        name="api-docs",
    ),
    path("", include(router.urls)),
    re_path(r"^(?P<path>.*)$", NotFoundView.as_view()),
]
