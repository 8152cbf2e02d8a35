from django.contrib.auth import views as auth_views
from django.urls import path

from huxiao.core import auth_views as signin_views
from huxiao.core import views, views_account, views_admin, views_import

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", signin_views.LoginView.as_view(), name="login"),
    path("login/password/", signin_views.login_password, name="login-password"),
    path("login/otp/", signin_views.login_otp, name="login-otp"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("regions/", views.region_root, name="region-root"),
    path("regions/<str:code>/", views.region_detail, name="region-detail"),
    path("schools/", views.school_list, name="school-list"),
    path("schools/new/", views.school_create, name="school-create"),
    path("schools/import/", views_import.import_page, name="school-import"),
    path("schools/import/template.xlsx", views_import.import_template, name="school-import-template"),
    path("schools/import/<int:pk>/", views_import.import_job, name="school-import-job"),
    path("schools/<int:pk>/", views.school_detail, name="school-detail"),
    path("schools/<int:pk>/edit/", views.school_edit, name="school-edit"),
    path("schools/<int:pk>/delete/", views.school_delete, name="school-delete"),
    path("users/", views_admin.user_list, name="user-list"),
    path("users/new/", views_admin.user_create, name="user-create"),
    path("users/<int:pk>/", views_admin.user_detail, name="user-detail"),
    path("users/<int:pk>/active/", views_admin.user_toggle_active, name="user-toggle-active"),
    path("users/<int:pk>/roles/<int:assignment_id>/revoke/", views_admin.user_revoke_role, name="user-revoke-role"),
    path("users/<int:pk>/unlock/", views_account.user_unlock, name="user-unlock"),
    path("users/<int:pk>/reset-password/", views_account.user_reset_password, name="user-reset-password"),
    path("users/<int:pk>/reset-otp/", views_account.user_reset_otp, name="user-reset-otp"),
    path("me/", views_account.profile, name="profile"),
    path("me/password/", views_account.password_change, name="password-change"),
    path("me/otp/", views_account.otp_setup, name="otp-setup"),
    path("me/sign-out-everywhere/", views_account.sign_out_everywhere, name="sign-out-everywhere"),
    path("me/tokens/<int:pk>/revoke/", views_account.token_revoke, name="token-revoke"),
    path("notifications/", views_admin.notification_list, name="notification-list"),
    path("audit/", views_admin.audit_list, name="audit-list"),
    path("attachments/<int:pk>/", views_admin.attachment_download, name="attachment-download"),
]
