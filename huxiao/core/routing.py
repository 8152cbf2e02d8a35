"""WebSocket routes of core (joined in by ``huxiao.asgi`` like every app's ``routing.py``)."""

from django.urls import path

from huxiao.core.consumers import EventsConsumer

websocket_urlpatterns = [path("ws/events/", EventsConsumer.as_asgi())]
