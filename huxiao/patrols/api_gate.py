"""护学岗 API: re-issuing a post's gate QR code (every code printed before is refused from then on)."""

from django.db import transaction
from django.shortcuts import get_object_or_404
from ninja import Schema

from huxiao.core.records.api import need
from huxiao.patrols import gate_codes
from huxiao.patrols.models import Post


class GateCodeOut(Schema):
    post_id: int
    version: int


@transaction.atomic
def rotate_gate_code(request, post_id: int):
    need(request, gate_codes.ROTATE)
    post = get_object_or_404(Post.objects.visible_to(request.user, gate_codes.ROTATE), pk=post_id)
    post = gate_codes.do_rotate_gate_code(post, actor=request.user)
    return {"post_id": post.pk, "version": post.gate_code_version}


def register(router):
    """Add these operations to the app's router (``patrols/api.py``; nested routers lose the path's
    slash in the OpenAPI document built with a path prefix)."""
    router.post("/posts/{post_id}/gate-code/rotate", response=GateCodeOut,
                summary="重新生成护学岗校门二维码（版本加一，此前打印的二维码全部作废）")(rotate_gate_code)
