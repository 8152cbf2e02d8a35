from django.urls import path

from huxiao.hazards import views, views_selfcheck

urlpatterns = [
    path("", views.hazard_list, name="hazard-list"),
    path("new/", views.hazard_create, name="hazard-create"),
    path("dashboard/", views.hazard_dashboard, name="hazard-dashboard"),
    path("schools/<int:school_id>/notices/", views.hazard_notice_issue, name="hazard-notice-issue"),
    path("notices/<int:pk>.docx", views.hazard_notice, name="hazard-notice"),
    path("attachments/<int:pk>/", views.hazard_attachment, name="hazard-attachment"),
    path("self-checks/", views_selfcheck.selfcheck_list, name="selfcheck-list"),
    path("self-checks/new/", views_selfcheck.selfcheck_create, name="selfcheck-create"),
    path("policies/", views_selfcheck.policy_list, name="policy-list"),
    path("policies/<int:pk>/", views_selfcheck.policy_edit, name="policy-edit"),
    path("<int:pk>/", views.hazard_detail, name="hazard-detail"),
    path("<int:pk>/transition/", views.hazard_transition, name="hazard-transition"),
    path("<int:pk>/void/", views.hazard_void, name="hazard-void"),
]
