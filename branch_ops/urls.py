from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import include, path, re_path, reverse

# Admin pages of models that moved to another app keep answering at their old address, with
# a permanent redirect to the new one: (old app label, model) -> new app label.
MOVED_ADMIN = {
    ("branch_ops", "coreaccountstate"): "core_system",
    ("branch_ops", "notification"): "notifications",
    ("retention", "churnreason"): "transfers",
    ("revisits", "closurecandidate"): "transfers",
}


def moved_admin(
    request: HttpRequest, model: str, rest: str, app: str
) -> HttpResponsePermanentRedirect:
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return HttpResponsePermanentRedirect(f"{reverse('admin:index')}{app}/{model}/{rest}{query}")


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    *(
        re_path(rf"^admin/{old}/(?P<model>{model})/(?P<rest>.*)$", moved_admin, {"app": new})
        for (old, model), new in MOVED_ADMIN.items()
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", include("branch_ops.api_urls")),
    path("", include("accounts.urls")),
    path("", include("notifications.urls")),
    path("", include("transfers.urls")),
    path("retention/", include("retention.urls")),
    path("revisits/", include("revisits.urls")),
    path("archives/", include("archives.urls")),
    path("jobs/", include("jobs.urls")),
    path("calendar/", include("jobs.calendar_urls")),
    path("customer-imports/", include("core_system.urls")),
    path("head-office/", include("headoffice.urls")),
    path("", include("operations.urls")),
]
