"""Answers of the bulk endpoints (``core.import_rows``): what each row did, or every problem of every row."""

from ninja import Field, Schema

MAX_ITEMS = 1000


class BulkRowOut(Schema):
    row: int = Field(..., description="行号：在 items 中的位置（从 1 起）")
    result: str = Field(..., description="created 新登记 / updated 已更新 / unchanged 与已有记录相同，未改动")
    id: int | None = None


class BulkOut(Schema):
    created: int
    updated: int
    unchanged: int
    rows: list[BulkRowOut]


class BulkProblem(Schema):
    row: int = Field(..., description="行号（从 1 起；0 表示整个请求）")
    field: str = Field(..., description="出错的字段名")
    label: str = Field("", description="字段的中文名称")
    message: str


class BulkRejected(Schema):
    detail: str
    errors: list[BulkProblem] = Field([], description="每一行的每一处错误（一次全部列出）；未写入任何数据。请求体本身无法解析时为空")


def plain(value):
    """Enum members (choices) as their values, recursively in lists, for the services."""
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.value if hasattr(value, "value") else value


def rows_of(items) -> list[tuple[int, dict]]:
    """Request items as numbered rows (1-based), fields left out as None."""
    return [(i, {k: plain(v) for k, v in item.dict().items()}) for i, item in enumerate(items, start=1)]


def answer(outcomes, row_extra=None) -> dict:
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    rows = []
    for number, outcome in outcomes:
        counts[outcome.result] += 1
        row = {"row": number, "result": outcome.result, "id": outcome.id}
        if row_extra:
            row.update(row_extra(outcome))
        rows.append(row)
    return {**counts, "rows": rows}
