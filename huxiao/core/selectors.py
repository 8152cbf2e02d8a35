"""What core's pages and API read, within the reader's jurisdiction: the 工作台's summary of their schools,
a region's overview (its parts, its schools on the map), the regions the API lists, and the place a
calendar page shows. Reading only: every change goes through the services."""

import calendar as pycalendar
import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Q, Sum
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from huxiao.core import calendar as cal
from huxiao.core.choices import SchoolType
from huxiao.core.discovery import app_modules
from huxiao.core.models import CalendarDay, Region, School, Term
from huxiao.core.scoping import scope_for

VIEW_SCHOOL = "core.view_school"
MAP_POINT_LIMIT = 3000


def visible_schools(user, perm=VIEW_SCHOOL):
    return School.objects.visible_to(user, perm)


def top_regions(user):
    """The regions a user's jurisdiction starts at, for navigation."""
    return list(scope_for(user).top_regions())


def school_summary(user) -> dict:
    """The 工作台's figures of the user's schools: totals, schools by type, key units, boarding schools,
    and the school itself for a school's own staff."""
    schools = visible_schools(user)
    totals = schools.aggregate(n=Count("id"), students=Sum("students"), staff=Sum("staff"))
    by_type = {row["school_type"]: row["n"] for row in schools.values("school_type").annotate(n=Count("id"))}
    scope = scope_for(user)
    own_school = None
    if not scope.region_prefixes and scope.school_ids:
        own_school = schools.first()
    return {
        "totals": totals, "type_rows": [(label, by_type.get(value, 0)) for value, label in SchoolType.choices],
        "regions": top_regions(user), "own_school": own_school,
        "key_units": schools.filter(key_security_unit=True).count(), "boarding": schools.filter(boarding=True).count(),
    }


def map_figures_url(user, region) -> str:
    """Where the map reads its schools' figures: the first app that offers them to this user."""
    return next((url for _app, module in app_modules("region_map") if (url := module.figures_url(user, region))), "")


def region_overview(user, region) -> dict:
    """A region's page: its parts with the number of the user's schools in each, those schools on the map,
    and the regions above it that the user's jurisdiction covers. 404 outside the jurisdiction."""
    scope = scope_for(user, VIEW_SCHOOL)
    if not scope.covers_region(region):
        raise Http404(_("该区划不在您的管辖范围内"))
    schools = visible_schools(user).filter(region_code__startswith=region.prefix)
    counts = {}
    children = list(region.children.all())
    if children:
        rows = schools.values("region_code").annotate(n=Count("id"))
        for row in rows:
            for child in children:
                if row["region_code"].startswith(child.prefix):
                    counts[child.code] = counts.get(child.code, 0) + row["n"]
    points = [{"id": p["id"], "name": p["name"], "lat": float(p["latitude"]), "lon": float(p["longitude"]),
               "type": p["school_type"]}
              for p in schools.filter(latitude__isnull=False).values("id", "name", "latitude", "longitude",
                                                                     "school_type")[:MAP_POINT_LIMIT]]
    return {"map_points": points, "figures_url": map_figures_url(user, region), "region": region,
            "ancestors": [a for a in region.ancestors() if scope.covers_region(a)],
            "child_rows": [(c, counts.get(c.code, 0)) for c in children], "total": schools.count()}


def regions_in_reach(user, parent: str | None = None):
    """The regions of the user's jurisdiction and those of their schools (children of ``parent``, if
    given), in code order."""
    scope = scope_for(user)
    qs = Region.objects.all()
    if parent:
        qs = qs.filter(parent_id=parent)
    if not scope.everything:
        school_regions = School.objects.filter(pk__in=scope.school_ids).values_list("region_id", flat=True)
        qs = qs.filter(scope.q("code", None) | Q(code__in=list(school_regions)))
    return qs.order_by("code")


# --- the calendar's place ----------------------------------------------------------------------

def default_place(user):
    """The place a calendar page shows when none is asked for: the user's top region, else their school."""
    scope = scope_for(user, cal.VIEW)
    region = scope.top_regions().first() if scope.reaches_regions else None
    if region is not None:
        return region
    school = School.objects.visible_to(user, cal.VIEW).order_by("pk").first()
    if school is None:
        raise Http404(_("没有可查看校历的学校"))
    return school


def calendar_place(user, school_id: int | None = None, region_code: str | None = None):
    """The school or region asked for (404 when out of the user's reach), else the user's own."""
    if school_id:
        return get_object_or_404(School.objects.visible_to(user, cal.VIEW), pk=school_id)
    if region_code:
        region = Region.objects.filter(pk=region_code).first()
        if region is None or not scope_for(user, cal.VIEW).covers(region.code):
            raise Http404(_("该区划不在您的管辖范围内"))
        return region
    return default_place(user)


def nearby_schools(user, place, limit=300):
    """Schools to pick from: those of the region shown, or of the shown school's district."""
    prefix = place.prefix if isinstance(place, Region) else place.region_code[:6]
    return School.objects.visible_to(user, cal.VIEW).filter(region_code__startswith=prefix).order_by(
        "region_code", "name").only("pk", "name")[:limit]


def month_weeks(days):
    """The month's days as weeks of seven cells, Monday first (None outside the month)."""
    lead = days[0].date.weekday()
    cells = [None] * lead + list(days)
    cells += [None] * (-len(cells) % 7)
    return [cells[i:i + 7] for i in range(0, len(cells), 7)]


def calendar_month(user, place, first: datetime.date) -> dict:
    """The month from ``first`` at ``place`` as the calendar page shows it: its weeks of days, the months
    before and after, the school days, the terms of the school years around it, the schools to pick from."""
    last = first.replace(day=pycalendar.monthrange(first.year, first.month)[1])
    days = cal.days(place, first, last)
    year = cal.school_year_of(first)
    return {
        "place": place, "is_school": isinstance(place, School),
        "place_arg": f"school={place.pk}" if isinstance(place, School) else f"region={place.code}",
        "first": first, "weeks": month_weeks(days), "previous": (first - datetime.timedelta(days=1)).replace(day=1),
        "following": last + datetime.timedelta(days=1), "school_days": sum(d.school_day for d in days),
        "warning": cal.coverage_warning(first.year), "terms": cal.terms_in_effect(place, (year - 1, year, year + 1)),
        "schools": nearby_schools(user, place),
    }


def calendar_entries(user, page_number=None) -> dict:
    """The management page's lists: the terms and the dated entries (from 60 days ago, paged) the user
    may manage, and the warning for next year's holidays."""
    terms = Term.objects.visible_to(user, cal.MANAGE).select_related("region", "school")
    entries = CalendarDay.objects.visible_to(user, cal.MANAGE).select_related("region", "school").filter(
        date__gte=timezone.localdate() - datetime.timedelta(days=60))
    return {"terms": terms[:200], "page": Paginator(entries, 50).get_page(page_number),
            "warning": cal.coverage_warning(timezone.localdate().year + 1)}


# --- my account ----------------------------------------------------------------------------------

def account_summary(user) -> dict:
    """"我的账号": the user's live API tokens, roles, second factor and password expiry."""
    from huxiao.core import passwords, twofactor

    return {
        "tokens": user.api_tokens.filter(revoked_at__isnull=True).order_by("-created_at"),
        "assignments": user.role_assignments.select_related("unit"),
        "has_otp": twofactor.confirmed_device(user) is not None, "otp_required": twofactor.required_for(user),
        "codes_left": twofactor.recovery_codes_left(user), "password_expires": passwords.expires_at(user),
    }
