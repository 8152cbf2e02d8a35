"""The 工作台 (to-do home page): what the signed-in user has to do now, gathered from every app.

An app provides ``work_items(request) -> list[Item]`` in its ``worklist.py``: each item is a count, a short
Chinese line and a link to the list that holds those rows, filtered by the list's own filterset (so the
count and the list can never disagree), read through the jurisdiction filter of the permission the item
is about. An item may carry a few lines (the first records, or the count per school) with links of their
own. Each app keeps its items to a fixed number of queries, whatever the size of the data.

Core's own item: the user's unread notifications, grouped by the kind of matter they are about.
"""

from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.db.models import Case, CharField, Count, Q, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.discovery import app_modules

DANGER, WARNING, INFO, DONE = "danger", "warning", "info", "success"
LEVEL_ORDER = {DANGER: 0, WARNING: 1, INFO: 2, DONE: 3}
LINES = 5  # records or groups shown under an item


@dataclass
class Line:
    text: str
    url: str = ""
    count: int | None = None
    note: str = ""
    level: str = ""


@dataclass
class Item:
    key: str  # "<app>.<what>", stable (tests and scripts use it)
    title: str
    count: int
    url: str
    detail: str = ""
    level: str = INFO
    lines: list[Line] = field(default_factory=list)
    order: int = 100  # within the same level
    keep: bool = False  # shown even when the count is 0 (a duty already done, for instance)

    def as_dict(self) -> dict:
        return {"key": self.key, "title": self.title, "count": self.count, "url": self.url, "detail": self.detail,
                "level": self.level,
                "lines": [{"text": ln.text, "url": ln.url, "count": ln.count, "note": ln.note, "level": ln.level}
                          for ln in self.lines]}


def collect(request) -> list[Item]:
    """Every app's items for ``request.user`` with something to do, most urgent first."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = []
    for _app, module in app_modules("worklist"):
        items.extend(module.work_items(request))
    items = [i for i in items if i.count or i.keep]
    return sorted(items, key=lambda i: (LEVEL_ORDER.get(i.level, 9), i.order, i.key))


def list_url(url_name: str, params: dict | None = None, *args) -> str:
    url = reverse(url_name, args=args or None)
    params = {k: v for k, v in (params or {}).items() if v not in (None, "")}
    return f"{url}?{urlencode(params)}" if params else url


def listed(filterset_class, params: dict, queryset, request):
    """The rows the list page shows for ``params``: ``queryset`` (already in the user's reach) through the
    list's own filterset. Parameters are the item's own; a refused one is a programming error."""
    fs = filterset_class(params, queryset=queryset, request=request, pickers=False)  # no picker queries
    if not fs.is_valid():
        raise ValueError(f"{filterset_class.__name__} refused {params}: {dict(fs.errors)}")
    return fs.qs


# --- notifications, grouped by the matter they link to -----------------------------------------------

# (kind, Chinese label, path prefix of the notification's link); first match wins
NOTIFICATION_KINDS = (
    ("selfcheck", _lazy("月度自查"), "/hazards/self-checks/"),
    ("hazards", _lazy("隐患督办"), "/hazards/"),
    ("alarms", _lazy("报警"), "/alarms/"),
    ("patrols", _lazy("护学岗"), "/patrols/"),
    ("inspections", _lazy("检查督导"), "/inspections/"),
    ("devices", _lazy("技防设备"), "/devices/"),
    ("defense", _lazy("三防建设"), "/defense/"),
    ("compliance", _lazy("达标评估"), "/compliance/"),
)
OTHER_KIND = ("other", _lazy("其他"))
KIND_LABELS = dict([(k, label) for k, label, _p in NOTIFICATION_KINDS] + [OTHER_KIND])


def _kind_expression():
    return Case(*[When(url__startswith=prefix, then=Value(kind)) for kind, _l, prefix in NOTIFICATION_KINDS],
                default=Value(OTHER_KIND[0]), output_field=CharField())


def _kind_q(kind: str) -> Q:
    q, earlier = None, Q(pk__in=[])
    for k, _label, prefix in NOTIFICATION_KINDS:
        here = Q(url__startswith=prefix)
        if k == kind:
            q = here & ~earlier
            break
        earlier |= here
    return q if q is not None else ~earlier


def notifications_of_kind(queryset, kind: str | None):
    """The notifications list narrowed to one kind (``?kind=``); an unknown kind narrows nothing."""
    if not kind or kind not in KIND_LABELS:
        return queryset
    return queryset.filter(_kind_q(kind))


def work_items(request) -> list[Item]:
    rows = (request.user.notifications.filter(read_at__isnull=True).annotate(kind=_kind_expression())
            .values("kind").annotate(n=Count("id")).order_by("-n", "kind"))
    lines = [Line(str(KIND_LABELS[r["kind"]]), list_url("notification-list", {"kind": r["kind"]}), r["n"])
             for r in rows]
    total = sum(ln.count for ln in lines)
    return [Item("core.unread_notifications", _("未读通知"), total, reverse("notification-list"),
                 detail=_("共 %(n)d 条未读，按事项分类") % {"n": total}, level=INFO, lines=lines, order=90)]
