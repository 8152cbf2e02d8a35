"""The printable gate QR codes (one sheet per post, A4 or A5) and their re-issue.

Only roles that set up posts may print or re-issue a code: a printed code proves presence at the gate,
so it is handed out like a key.
"""

from django.contrib import messages
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from huxiao.core.models import School
from huxiao.core.records.views import get_visible_or_404
from huxiao.core.views import require_perm
from huxiao.patrols import gate_codes
from huxiao.patrols.models import Post

SIZES = {"a4": "A4", "a5": "A5"}


def _sheets(request, posts, title, back_url):
    size = request.GET.get("size", "a4")
    if size not in SIZES:
        return HttpResponseBadRequest(_("纸张规格须为 A4 或 A5").encode())
    sheets = []
    for post in posts:
        url = gate_codes.phone_url(request, post)
        sheets.append({"post": post, "svg": gate_codes.qr_svg(url), "url": url})
    return render(request, "patrols/gate_codes.html", {
        "sheets": sheets, "size": size, "size_label": SIZES[size], "title": title, "back_url": back_url,
        "printed": timezone.localdate()})


@require_perm(gate_codes.ROTATE)
def post_gate_code(request, pk):
    post = get_visible_or_404(request, Post.objects.select_related("school"), pk, perm=gate_codes.ROTATE)
    return _sheets(request, [post], _("%(p)s 校门二维码") % {"p": post}, post.get_absolute_url())


@require_perm(gate_codes.ROTATE)
def school_gate_codes(request, school_id):
    school = get_object_or_404(School.objects.visible_to(request.user, gate_codes.ROTATE), pk=school_id)
    posts = Post.objects.visible_to(request.user, gate_codes.ROTATE).filter(school=school, active=True)
    return _sheets(request, posts.select_related("school").order_by("name"),
                   _("%(s)s 校门二维码") % {"s": school.name}, None)


@require_POST
@require_perm(gate_codes.ROTATE)
def rotate_gate_code(request, pk):
    post = get_visible_or_404(request, Post.objects.select_related("school"), pk, perm=gate_codes.ROTATE)
    gate_codes.do_rotate_gate_code(post, actor=request.user)
    messages.success(request, _("已重新生成二维码（第 %(v)d 版）：此前打印的二维码已作废，请打印张贴新码") % {
        "v": post.gate_code_version})
    return redirect("patrol-gate-code", pk=post.pk)
