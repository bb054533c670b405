from django.urls import path

from core_system import views

urlpatterns = [
    path("", views.customer_import_home, name="customer_import_home"),
    path("preview/", views.customer_import_preview, name="customer_import_preview"),
    path("<int:pk>/", views.customer_import_detail, name="customer_import_detail"),
    path("<int:pk>/apply/", views.customer_import_apply, name="customer_import_apply"),
    path("<int:pk>/status/", views.customer_import_status, name="customer_import_status"),
]
