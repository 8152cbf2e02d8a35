from django.contrib.auth import views as auth_views
from django.urls import path

from huxiao.core import views, views_admin, views_import
from huxiao.core.auth_views import LoginView

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", LoginView.as_view(), name="login"),
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
    path("me/", views_admin.profile, name="profile"),
    path("me/tokens/<int:pk>/revoke/", views_admin.token_revoke, name="token-revoke"),
    path("notifications/", views_admin.notification_list, name="notification-list"),
    path("audit/", views_admin.audit_list, name="audit-list"),
    path("attachments/<int:pk>/", views_admin.attachment_download, name="attachment-download"),
]
