from django.urls import path

from huxiao.inspections import views

urlpatterns = [
    path("", views.inspection_list, name="inspection-list"),
    path("new/", views.inspection_create, name="inspection-create"),
    path("templates/", views.template_list, name="template-list"),
    path("plans/", views.plan_list, name="plan-list"),
    path("coverage/", views.coverage_page, name="inspection-coverage"),
    path("bulletins/", views.bulletin_issue, name="inspection-bulletin-issue"),
    path("bulletins/<int:pk>.docx", views.bulletin_download, name="inspection-bulletin"),
    path("<int:pk>/", views.inspection_detail, name="inspection-detail"),
    path("<int:pk>/void/", views.inspection_void, name="inspection-void"),
]
