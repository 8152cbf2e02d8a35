from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "huxiao.core"
    label = "core"
    verbose_name = "基础平台"

    def ready(self):
        from huxiao.core import events, permissions, signals, signin, twofactor  # noqa: F401

        permissions.load_app_permissions()
        events.discover()  # every app's event declarations (signals.py) and handlers (handlers.py)
