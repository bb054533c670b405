"""/api/v1/'s own addresses: the OpenAPI schema and its docs (served from local files by
drf-spectacular-sidecar, no CDN), and the catch-all that answers in the API's error shape.
The per-app viewsets are registered by the composition root (branch_ops/api_urls.py)."""

from typing import Any

from django.urls import path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView


class NotFoundView(APIView):
    """Any other address under /api/v1/ answers in the API's error shape, not an HTML page:
    401 to a caller not signed in, like every endpoint, and 404 to one who is."""

    schema = None  # not an operation of the contract

    def _not_found(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        raise NotFound()

    get = post = put = patch = delete = head = options = _not_found


contract_urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(permission_classes=[]), name="api-schema"),
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema",
            permission_classes=[],
            # Its inline <style> in a file: the CSP allows no inline style.
            template_name="api/swagger_ui.html",
        ),
        name="api-docs",
    ),
]
# Last: whatever no viewset matched. `(?s:…)`: a path may hold any character, a newline
# (%0A) included, and `.` alone stops at one.
catch_all = re_path(r"^(?P<path>(?s:.*))$", NotFoundView.as_view())
