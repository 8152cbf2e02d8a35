from django.urls import path

from huxiao.devices import importing, views

urlpatterns = [
    path("", views.DeviceListView.as_view(), name="device-list"),
    path("import/", importing.import_devices, name="device-import"),
    path("schools/<int:pk>/new/", views.RegisterView.as_view(), name="device-register"),
    path("<int:pk>/", views.DeviceDetailView.as_view(), name="device-detail"),
    path("<int:pk>/active/", views.SetActiveView.as_view(), name="device-set-active"),
    path("<int:pk>/secret/", views.RotateSecretView.as_view(), name="device-rotate-secret"),
]
