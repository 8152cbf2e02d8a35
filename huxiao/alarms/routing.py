from django.urls import path

from huxiao.alarms.consumers import AlarmConsoleConsumer

websocket_urlpatterns = [path("ws/alarms/", AlarmConsoleConsumer.as_asgi())]
