from django.apps import AppConfig


class PatrolsConfig(AppConfig):
    name = "huxiao.patrols"
    label = "patrols"
    verbose_name = "护学岗与巡逻"
