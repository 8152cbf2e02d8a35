from django.apps import AppConfig


class AlarmsConfig(AppConfig):
    name = "huxiao.alarms"
    label = "alarms"

    def ready(self):
        from huxiao.alarms import sessions  # noqa: F401  (consoles follow core's identity_changed)
