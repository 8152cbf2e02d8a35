"""ASGI entry point: HTTP through Django, WebSocket through Channels (each app's ``routing.py``)."""

import gc
import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "huxiao.settings")

from django.core.asgi import get_asgi_application  # noqa: E402

django_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402

from huxiao.core.discovery import app_modules  # noqa: E402


def _websocket_patterns():
    return [p for _app, module in app_modules("routing") for p in module.websocket_urlpatterns]


application = ProtocolTypeRouter({
    "http": django_app,
    "websocket": AllowedHostsOriginValidator(AuthMiddlewareStack(URLRouter(_websocket_patterns()))),
})

# everything loaded so far lives as long as the process: keep it out of the cyclic collector's full
# passes, which otherwise stall a console push for tens of milliseconds in the middle of a burst
gc.freeze()
