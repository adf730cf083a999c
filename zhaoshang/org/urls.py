from django.urls import path

from . import views

app_name = "org"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("account/", views.profile, name="profile"),
    path("account/password/", views.password_change, name="password_change"),
    path("account/otp/setup/", views.otp_setup, name="otp_setup"),
    path("account/otp/verify/", views.otp_verify, name="otp_verify"),
    path("org/departments/", views.department_list, name="department_list"),
    path("org/departments/new/", views.department_edit, name="department_create"),
    path("org/departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("org/users/", views.user_list, name="user_list"),
    path("org/users/new/", views.user_create, name="user_create"),
    path("org/users/<int:pk>/", views.user_detail, name="user_detail"),
    path("org/users/<int:pk>/edit/", views.user_edit, name="user_edit"),
    path("org/users/<int:pk>/password/", views.user_reset_password, name="user_reset_password"),
    path("org/users/<int:pk>/grants/", views.grant_add, name="grant_add"),
    path(
        "org/users/<int:pk>/grants/<int:role_pk>/revoke/", views.grant_remove, name="grant_remove"
    ),
    path("org/grants/", views.grant_list, name="grant_list"),
    path("org/roles/", views.role_list, name="role_list"),
    path("org/roles/new/", views.role_edit, name="role_create"),
    path("org/roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
    path("security/locked/", views.locked_list, name="locked_list"),
    path("security/unlock/", views.unlock, name="unlock"),
    path("security/policy/", views.policy_edit, name="policy"),
]
