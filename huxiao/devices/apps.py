from django.apps import AppConfig


class DevicesConfig(AppConfig):
    name = "huxiao.devices"
    label = "devices"
