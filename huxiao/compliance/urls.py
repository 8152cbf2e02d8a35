from django.urls import path

from huxiao.compliance import views

urlpatterns = [
    path("", views.dashboard, name="compliance-dashboard"),
    path("failing/", views.SchoolResultListView.as_view(), name="compliance-failing"),
    path("export.xlsx", views.export, name="compliance-export"),
    path("my/", views.my_checklist, name="compliance-my-checklist"),
    path("schools/<int:pk>/", views.ChecklistView.as_view(), name="compliance-checklist"),
]
