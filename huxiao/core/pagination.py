"""Page-number pagination that reports the total count, for lists through the API."""

from ninja import Field, Schema
from ninja.pagination import PaginationBase


class CountedPagination(PaginationBase):
    class Input(Schema):
        page: int = Field(1, ge=1, le=100000)
        page_size: int = Field(50, ge=1, le=500)

    class Output(Schema):
        items: list
        count: int
        page: int
        page_size: int

    items_attribute = "items"

    def paginate_queryset(self, queryset, pagination: Input, **params):
        start = (pagination.page - 1) * pagination.page_size
        return {
            "items": list(queryset[start:start + pagination.page_size]),
            "count": queryset.count(),
            "page": pagination.page,
            "page_size": pagination.page_size,
        }
