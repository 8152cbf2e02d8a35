from django.apps import AppConfig


class DefenseConfig(AppConfig):
    name = "huxiao.defense"
    label = "defense"
