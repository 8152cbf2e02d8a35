from django.urls import path

from huxiao.alarms import views

urlpatterns = [
    path("", views.AlarmListView.as_view(), name="alarm-list"),
    path("console/", views.console, name="alarm-console"),
    path("stats/", views.stats_page, name="alarm-stats"),
    path("<int:pk>/", views.AlarmDetailView.as_view(), name="alarm-detail"),
    path("<int:pk>/<str:step>/", views.AlarmStepView.as_view(), name="alarm-step"),
]
