"""Request context for the audit log, and idle-session expiry."""

import contextvars
import time

from django.conf import settings
from django.contrib.auth import logout

current_request = contextvars.ContextVar("current_request", default=None)


def client_ip(request):
    if request is None:
        return None
    # Behind the documented reverse proxy, REMOTE_ADDR is set from X-Forwarded-For by the proxy itself.
    return request.META.get("REMOTE_ADDR") or None


class RequestContextMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = current_request.set(request)
        try:
            return self.get_response(request)
        finally:
            current_request.reset(token)


class IdleTimeoutMiddleware:
    """Log a session out after SESSION_COOKIE_AGE seconds without a request; refresh at most once a minute."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.SESSION_COOKIE_AGE:
                logout(request)
            elif now - last >= 60 or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return self.get_response(request)


class ServerTimingMiddleware:
    """Outermost middleware: reports the server's own handling time as ``Server-Timing: app;dur=<ms>``
    (shown by browser developer tools and read by the benchmarks)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        started = time.perf_counter()
        response = self.get_response(request)
        response["Server-Timing"] = f"app;dur={(time.perf_counter() - started) * 1000:.3f}"
        return response
