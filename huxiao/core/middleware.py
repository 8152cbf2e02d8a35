"""Request context for the audit log (with the proxy-verified client address), and idle-session expiry."""

import contextvars
import functools
import ipaddress
import time

from django.conf import settings
from django.contrib.auth import logout
from django.core.exceptions import ImproperlyConfigured

current_request = contextvars.ContextVar("current_request", default=None)


@functools.lru_cache(maxsize=8)
def _networks(entries: tuple) -> tuple:
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(str(entry).strip(), strict=False))
        except ValueError as exc:
            raise ImproperlyConfigured(f"TRUSTED_PROXIES: {entry!r} is not an IP address or CIDR network") from exc
    return tuple(networks)


def _address(text):
    """An IP address from a header or REMOTE_ADDR value (``[v6]:port`` and ``v4:port`` accepted), or None."""
    text = (text or "").strip()
    if text.startswith("[") and "]" in text:
        text = text[1:text.index("]")]
    elif text.count(":") == 1:
        text = text.split(":", 1)[0]
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        return None
    return address.ipv4_mapped or address if address.version == 6 else address


def forwarded_address(remote, forwarded_for, trusted=None):
    """The client's address given the peer's (``remote``) and its ``X-Forwarded-For`` header.

    The header is believed only when the peer is one of ``trusted`` (default ``settings.TRUSTED_PROXIES``):
    then the right-most entry that is not itself a trusted proxy is the client (entries further left were
    written by the client and prove nothing). A malformed entry ends the walk at the last trusted hop.
    """
    networks = _networks(tuple(settings.TRUSTED_PROXIES if trusted is None else trusted))
    peer = _address(remote)
    if peer is None:
        return None

    def is_proxy(address):
        return any(address.version == net.version and address in net for net in networks)

    if not networks or not is_proxy(peer):
        return str(peer)
    last = peer
    for hop in reversed([h for h in (forwarded_for or "").split(",") if h.strip()]):
        address = _address(hop)
        if address is None:
            break
        if not is_proxy(address):
            return str(address)
        last = address
    return str(last)


def client_ip(request):
    """The proxy-verified source address of a request (also django-axes' ``AXES_CLIENT_IP_CALLABLE``)."""
    if request is None:
        return None
    meta = request.META
    return forwarded_address(meta.get("REMOTE_ADDR"), meta.get("HTTP_X_FORWARDED_FOR"))


def scope_meta(scope) -> dict:
    """The request META ``client_ip`` reads, from an ASGI (WebSocket) scope: its ``client`` peer and
    ``x-forwarded-for`` header."""
    client = scope.get("client") or (None, None)
    meta = {"REMOTE_ADDR": client[0] or ""}
    forwarded = ",".join(value.decode("latin-1") for name, value in scope.get("headers", ())
                         if name.lower() == b"x-forwarded-for")
    if forwarded:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return meta


def scope_client_ip(scope):
    """``client_ip`` for an ASGI (WebSocket) scope."""
    meta = scope_meta(scope)
    return forwarded_address(meta["REMOTE_ADDR"] or None, meta.get("HTTP_X_FORWARDED_FOR"))


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
