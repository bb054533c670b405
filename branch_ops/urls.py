from django.contrib import admin
from django.http import HttpRequest, HttpResponsePermanentRedirect
from django.urls import include, path, re_path, reverse

# Admin pages of models that moved from the kernel to their own app keep answering at their
# old address, with a permanent redirect to the new one.
MOVED_ADMIN = {"coreaccountstate": "core_system", "notification": "notifications"}


def moved_admin(request: HttpRequest, model: str, rest: str) -> HttpResponsePermanentRedirect:
    query = f"?{request.GET.urlencode()}" if request.GET else ""
    return HttpResponsePermanentRedirect(
        f"{reverse('admin:index')}{MOVED_ADMIN[model]}/{model}/{rest}{query}"
    )


urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(rf"^admin/branch_ops/(?P<model>{'|'.join(MOVED_ADMIN)})/(?P<rest>.*)$", moved_admin),
    path("admin/", admin.site.urls),
    path("api/v1/", include("branch_ops.api_urls")),
    path("", include("accounts.urls")),
    path("", include("transfers.urls")),
    path("retention/", include("retention.urls")),
    path("revisits/", include("revisits.urls")),
    path("archives/", include("archives.urls")),
    path("jobs/", include("jobs.urls")),
    path("calendar/", include("jobs.calendar_urls")),
]
