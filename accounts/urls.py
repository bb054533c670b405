from django.contrib.auth import views as auth_views
from django.urls import path

from . import second_factor_views, views
from .norm import views as norm_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/second-factor/", second_factor_views.second_factor_enrol, name="second_factor"),
    path(
        "account/second-factor/verify/",
        second_factor_views.second_factor_verify,
        name="second_factor_verify",
    ),
    path("customers/<int:pk>/phone/", views.customer_phone_reveal, name="customer_phone_reveal"),
    path("rules/", norm_views.branch_rules, name="branch_rules"),
    path("norm/", norm_views.norm, name="norm"),
    path(
        "norm/branches/<int:pk>/",
        norm_views.branch_rules_for_head_office,
        name="norm_branch_rules",
    ),
    path(
        "norm/refinements/<int:pk>/decide/",
        norm_views.refinement_decide_view,
        name="norm_refinement_decide",
    ),
]
