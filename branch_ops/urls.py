from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
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
