from django.apps import AppConfig


class InspectionsConfig(AppConfig):
    name = "huxiao.inspections"
    label = "inspections"
