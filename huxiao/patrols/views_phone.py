"""The phone check-in page, installable as a PWA that keeps working offline.

Check-ins are made on the phone and kept in IndexedDB (each with a UUIDv7 made on the phone as its
idempotency key and the phone's own time) until the server has answered for each of them, so a check-in
made without network, a reload, a closed browser or a lost answer never loses or doubles a record; the
queue is sent on load, when the network returns and on a timer (Background Sync is not relied on: Safari
has none). A gate QR code scanned with the phone camera opens this page with ``?gate=<token>``: the page
queues a check-in carrying the token (扫码, no position needed), offline like any other. The service worker (served from /patrols/ so its scope covers the page) keeps the page and its
assets for offline use; it needs a secure context (HTTPS, or localhost), and the page says so when it is
not available.
"""

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from huxiao.core.views import require_perm
from huxiao.patrols import gate_codes, services
from huxiao.patrols.choices import CheckKind, PatrolMode
from huxiao.patrols.models import Person, Post

SW_TEMPLATE = "patrols/sw.js"
SYNC_URL = "/api/v1/patrols/check-ins/sync"
SCAN_KINDS = [(k.value, k.label) for k in (CheckKind.CHECK_IN, CheckKind.PATROL, CheckKind.LIAISON)]


def gate_scan(request, token: str, posts) -> dict:
    """What the page says about a scanned gate code (``?gate=``): its post, or why it is refused. The
    check-in itself is queued by the page and verified again when it arrives."""
    try:
        post_id, _version = gate_codes.read(token)
        post = posts.filter(pk=post_id).first()
        if post is None:
            raise gate_codes.InvalidGateCode(_("该二维码的护学岗不存在、已停用或不在您的管辖范围内"))
        gate_codes.verify(token, post)
    except gate_codes.InvalidGateCode as exc:
        return {"token": token[:gate_codes.MAX_LENGTH], "ok": False, "message": exc.messages[0]}
    return {"token": token, "ok": True, "post": post}


@require_perm(services.CHECK_IN)
def phone(request):
    posts = Post.objects.visible_to(request.user, services.CHECK_IN).filter(active=True).select_related("school")
    people = Person.objects.filter(user=request.user, active=True).select_related("school")
    listed = list(posts.order_by("region_code", "school_id", "name")[:200])
    gate = gate_scan(request, request.GET["gate"], posts) if request.GET.get("gate") else None
    if gate and gate["ok"] and gate["post"] not in listed:
        listed.insert(0, gate["post"])
    return render(request, "patrols/phone.html", {
        "posts": listed, "people": people, "gate": gate, "scan_kinds": SCAN_KINDS,
        "kinds": CheckKind.choices, "modes": PatrolMode.choices, "sync_url": SYNC_URL})


@never_cache
def service_worker(request):
    """The service worker script (its scope is /patrols/, where it is served from)."""
    body = render(request, SW_TEMPLATE, {
        "page": reverse("patrol-phone"),
        "assets": [static("vendor/bootstrap-5.3.9/bootstrap.min.css"),
                   static("vendor/bootstrap-icons-1.13.2/bootstrap-icons.min.css"), static("css/huxiao.css"),
                   static("vendor/bootstrap-5.3.9/bootstrap.bundle.min.js"), static("js/huxiao.js"),
                   static("patrols/phone.js"), static("img/favicon.svg")]}).content
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["Service-Worker-Allowed"] = reverse("patrol-post-list")
    return response


def manifest(request):
    return JsonResponse({
        "name": _("护校安园 · 护学岗签到"), "short_name": _("护学岗签到"), "lang": "zh-CN",
        "start_url": reverse("patrol-phone"), "scope": reverse("patrol-post-list"), "display": "standalone",
        "background_color": "#ffffff", "theme_color": "#0b3d91",
        "icons": [{"src": static("img/favicon.svg"), "sizes": "any", "type": "image/svg+xml"}],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})
