"""``GET /api/v1/me/worklist``: the signed-in user's 工作台 items (core.worklist), for scripts and phones."""

from ninja import Router

from huxiao.core import worklist
from huxiao.core.schemas import WorklistOut

router = Router(tags=["core"])


@router.get("/me/worklist", response=WorklistOut, summary="我的待办（工作台）")
def my_worklist(request):
    """What the user has to do now, most urgent first: each item a count, a Chinese line and the link of the
    filtered list holding those rows (within the caller's jurisdiction)."""
    return {"items": [item.as_dict() for item in worklist.collect(request)]}
