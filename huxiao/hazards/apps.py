from django.apps import AppConfig


class HazardsConfig(AppConfig):
    name = "huxiao.hazards"
    label = "hazards"
