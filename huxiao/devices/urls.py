from django.urls import path

from huxiao.devices import views

urlpatterns = [
    path("", views.device_list, name="device-list"),
    path("schools/<int:pk>/new/", views.register, name="device-register"),
    path("<int:pk>/", views.detail, name="device-detail"),
    path("<int:pk>/active/", views.set_active, name="device-set-active"),
]
