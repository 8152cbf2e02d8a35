"""The 三防 roster's entries on the 工作台 of the school's security staff: guards whose 保安员证 or background
check is missing (the roster list's own ``missing`` filter, active guards only)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import Role
from huxiao.core.scoping import roles_of
from huxiao.core.worklist import LINES, WARNING, Item, Line, list_url, listed
from huxiao.defense.filters import GuardFilterSet
from huxiao.defense.models import Guard
from huxiao.defense.permissions import PERSONAL

SCHOOL_SECURITY = {Role.PRINCIPAL, Role.SECURITY_OFFICER}
MISSING = (
    ("license", _("专职保安员缺保安员证"), _("专职保安员须持保安员证上岗")),
    ("background", _("背景审查未通过或未审查的安保人员"), _("上岗前须经公安机关背景审查")),
)


def work_items(request) -> list[Item]:
    if not roles_of(request.user) & SCHOOL_SECURITY:
        return []
    guards = Guard.objects.visible_to(request.user, PERSONAL).select_related("school")
    items = []
    for order, (missing, title, detail) in enumerate(MISSING):
        params = {"status": "active", "missing": missing}
        qs = listed(GuardFilterSet, params, guards, request)
        first = qs.order_by("school__name", "name")[:LINES]
        lines = [Line(f"{g.name}（{g.school.name}）", reverse("defense-guard", args=[g.pk])) for g in first]
        count = qs.count()
        items.append(Item(f"defense.guards_missing_{missing}", str(title), count,
                          list_url("defense-guard-list", params), detail=str(detail), level=WARNING, lines=lines,
                          order=30 + order))
    return items
