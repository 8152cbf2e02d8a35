from django.urls import path

from huxiao.alarms import views

urlpatterns = [
    path("", views.alarm_list, name="alarm-list"),
    path("console/", views.console, name="alarm-console"),
    path("stats/", views.stats_page, name="alarm-stats"),
    path("<int:pk>/", views.alarm_detail, name="alarm-detail"),
    path("<int:pk>/<str:step>/", views.alarm_step, name="alarm-step"),
]
