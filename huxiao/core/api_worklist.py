"""``GET /api/v1/me/worklist``: the signed-in user's 工作台 items (core.worklist), for scripts and phones."""

from ninja import Router, Schema

from huxiao.core import worklist

router = Router(tags=["core"])


class LineOut(Schema):
    text: str
    url: str
    count: int | None = None
    note: str
    level: str


class WorklistItemOut(Schema):
    key: str
    title: str
    count: int
    url: str
    detail: str
    level: str
    lines: list[LineOut]


class WorklistOut(Schema):
    items: list[WorklistItemOut]


@router.get("/me/worklist", response=WorklistOut, summary="我的待办（工作台）")
def my_worklist(request):
    """What the user has to do now, most urgent first: each item a count, a Chinese line and the link of the
    filtered list holding those rows (within the caller's jurisdiction)."""
    return {"items": [item.as_dict() for item in worklist.collect(request)]}
