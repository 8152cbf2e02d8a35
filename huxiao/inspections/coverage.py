"""The figures of inspections: how far each plan got, and which schools were inspected this semester.
Read from the live inspections only: an inspection voided (作废, entered by mistake) does not count."""

from django.db.models import Count, Max

from huxiao.core.models import School
from huxiao.core.regions import in_region
from huxiao.inspections.models import Inspection


def plan_progress(plans):
    """Per plan: completed rounds (a round = every school of the region inspected once under the plan),
    schools inspected, and schools in the region."""
    out = []
    for plan in plans:
        per_school = list(Inspection.objects.live().filter(plan=plan).values("school").annotate(n=Count("id"))
                          .values_list("n", flat=True))
        total = in_region(School.objects.all(), plan.region).count()
        rounds = min(per_school) if total and len(per_school) >= total else 0
        out.append((plan, rounds, len(per_school), total))
    return out


def coverage(user, region, semester):
    """Schools of ``region`` with how often they were inspected this semester; rural, 城乡结合部 (城镇 or
    治安交通环境复杂) and private schools first, then those not inspected yet."""
    schools = in_region(School.objects.visible_to(user, "inspections.view_coverage"), region)
    inspections = in_region(Inspection.objects.live(), region).filter(
        inspected_on__gte=semester.start, inspected_on__lte=semester.end)
    counts = {r["school"]: r for r in inspections.values("school").annotate(n=Count("id"), last=Max("inspected_on"))
              .order_by()}
    rows = []
    for s in schools.select_related("region").order_by("region_code", "name"):
        priority = s.setting == "rural" or s.setting == "town" or s.complex_environment or s.ownership == "private"
        stat = counts.get(s.pk, {})
        rows.append({"school": s, "priority": priority, "count": stat.get("n", 0), "last": stat.get("last")})
    rows.sort(key=lambda r: (not r["priority"], r["count"] > 0, r["school"].region_code, r["school"].name))
    covered = sum(1 for r in rows if r["count"])
    return {"rows": rows, "covered": covered, "total": len(rows),
            "rate": round(100.0 * covered / len(rows), 1) if rows else None,
            "priority_uncovered": sum(1 for r in rows if r["priority"] and not r["count"])}
