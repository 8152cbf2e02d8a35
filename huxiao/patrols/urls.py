from django.urls import path

from huxiao.patrols import views, views_gate, views_phone

urlpatterns = [
    path("", views.post_list, name="patrol-post-list"),
    path("posts/new/", views.post_create, name="patrol-post-create"),
    path("posts/<int:pk>/", views.post_detail, name="patrol-post-detail"),
    path("posts/<int:pk>/exceptions/", views.roster_exception_create, name="patrol-roster-exception-create"),
    path("roster-exceptions/<int:pk>/delete/", views.roster_exception_delete, name="patrol-roster-exception-delete"),
    path("people/", views.person_list, name="patrol-person-list"),
    path("rosters/", views.roster_list, name="patrol-roster-list"),
    path("check-ins/", views.checkin_list, name="patrol-checkin-list"),
    path("dashboard/", views.dashboard, name="patrol-dashboard"),
    path("phone/", views_phone.phone, name="patrol-phone"),
    path("phones/", views.phone_list, name="patrol-phone-list"),
    path("sw.js", views_phone.service_worker, name="patrol-sw"),
    path("manifest.webmanifest", views_phone.manifest, name="patrol-manifest"),
]
urlpatterns += [
    path("posts/<int:pk>/gate-code/", views_gate.post_gate_code, name="patrol-gate-code"),
    path("posts/<int:pk>/gate-code/rotate/", views_gate.rotate_gate_code, name="patrol-gate-code-rotate"),
    path("schools/<int:school_id>/gate-codes/", views_gate.school_gate_codes, name="patrol-school-gate-codes"),
]
