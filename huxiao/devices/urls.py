from django.urls import path

from huxiao.devices import importing, views

urlpatterns = [
    path("", views.device_list, name="device-list"),
    path("import/", importing.import_devices, name="device-import"),
    path("schools/<int:pk>/new/", views.register, name="device-register"),
    path("<int:pk>/", views.detail, name="device-detail"),
    path("<int:pk>/active/", views.set_active, name="device-set-active"),
    path("<int:pk>/secret/", views.rotate_secret, name="device-rotate-secret"),
]
