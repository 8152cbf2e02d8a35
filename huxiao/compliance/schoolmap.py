"""The region map's schools with their key figures: the 三个100% results of the campaign in force, the open
hazards and the open alarms, and a status colour for each point (报警中, 未达标, 达标, 未评估).

Each figure is read through the jurisdiction filter of its own permission and counted by the list its
popup links to (the hazard and alarm lists' own filtersets), so a popup and the list it opens agree. A
figure the user may not see is ``None`` (not shown), never a zero.
"""

from django.db.models import Count
from django.urls import reverse
from django.utils.translation import gettext as _

from huxiao.compliance import rates
from huxiao.compliance.choices import CARDS, Status, ThreeHundred
from huxiao.compliance.models import RuleStatus
from huxiao.core.models import School
from huxiao.core.regions import q_within
from huxiao.core.scoping import has_perm
from huxiao.core.worklist import list_url, listed

POINT_LIMIT = 3000  # as many as the region page draws
HAZARDS, ALARMS = "hazards.view_hazard", "alarms.view_alarm"
HAZARD_PARAMS, ALARM_PARAMS = {"status": "open"}, {"open_only": "true"}
# the point's state, the worst first (the legend lists them in this order)
ALARM, NOT_MET, MET, UNKNOWN = "alarm", "not_met", "met", "unknown"


def legend() -> list[dict]:
    return [{"key": ALARM, "label": _("报警中"), "note": _("有未处置完毕的报警")},
            {"key": NOT_MET, "label": _("未达标"), "note": _("三个100%有一项未达标")},
            {"key": MET, "label": _("达标"), "note": _("三个100%均达标（或不适用）")},
            {"key": UNKNOWN, "label": _("未评估"), "note": _("尚无评估结果")}]


def _per_school(qs) -> dict:
    return dict(qs.order_by().values_list("school_id").annotate(n=Count("id")))


def _open_hazards(request, schools):
    if not has_perm(request.user, HAZARDS):
        return None
    from huxiao.hazards.filters import HazardFilterSet
    from huxiao.hazards.models import Hazard

    qs = listed(HazardFilterSet, HAZARD_PARAMS, Hazard.objects.visible_to(request.user, HAZARDS), request)
    return _per_school(qs.filter(school__in=schools))


def _open_alarms(request, schools):
    if not has_perm(request.user, ALARMS):
        return None
    from huxiao.alarms.filters import AlarmFilterSet
    from huxiao.alarms.models import Alarm

    qs = listed(AlarmFilterSet, ALARM_PARAMS, Alarm.objects.visible_to(request.user, ALARMS), request)
    return _per_school(qs.filter(school__in=schools))


def _three(campaign, request, schools) -> tuple[list[tuple[str, str, str]], dict]:
    """The three cards' (key, label, rule id) of the campaign and {school id: {card key: status}}."""
    by_key = {r.three_100: r for r in campaign.ruleset.rules if r.three_100 in CARDS}
    labels = dict(ThreeHundred.choices)
    cards = [(key, str(labels[key]), by_key[key].id if key in by_key else "") for key in CARDS]
    rule_keys = {rule_id: key for key, _label, rule_id in cards if rule_id}
    results = {}
    for school_id, rule_id, status in RuleStatus.objects.visible_to(request.user, rates.PERM).filter(
            campaign=campaign, rule_id__in=list(rule_keys), school__in=schools).values_list(
            "school_id", "rule_id", "status"):
        results.setdefault(school_id, {})[rule_keys[rule_id]] = status
    return cards, results


def _state(results: dict | None, alarms: int | None) -> str:
    if alarms:
        return ALARM
    if not results:
        return UNKNOWN
    return NOT_MET if Status.NOT_MET in results.values() else MET


def region_map(request, region) -> dict:
    """The map of ``region`` for ``request.user``: the campaign in force, the legend and every school with
    coordinates in reach (at most POINT_LIMIT), each with its figures and links."""
    campaign = rates.default_campaign(region)
    schools = School.objects.visible_to(request.user, rates.PERM).filter(
        q_within(region), latitude__isnull=False, longitude__isnull=False).order_by("region_code", "name", "pk")
    rows = list(schools.values("id", "name", "latitude", "longitude", "school_type")[:POINT_LIMIT])
    ids = [r["id"] for r in rows]
    cards, results = _three(campaign, request, ids)
    hazards, alarms = _open_hazards(request, ids), _open_alarms(request, ids)
    status_labels = dict(Status.choices)
    points = []
    for r in rows:
        pk = r["id"]
        mine = results.get(pk)
        n_alarms = None if alarms is None else alarms.get(pk, 0)
        points.append({
            "id": pk, "name": r["name"], "lat": float(r["latitude"]), "lon": float(r["longitude"]),
            "type": r["school_type"], "state": _state(mine, n_alarms),
            "three": [{"key": key, "label": label,
                       "status": (mine or {}).get(key, ""),
                       "status_label": str(status_labels.get((mine or {}).get(key), _("未评估") if rule_id
                                                             else _("未设此指标")))}
                      for key, label, rule_id in cards],
            "open_hazards": None if hazards is None else hazards.get(pk, 0),
            "open_alarms": n_alarms,
            "url": reverse("school-detail", args=[pk]),
            "checklist_url": reverse("compliance-checklist", args=[pk]),
            "hazards_url": list_url("hazard-list", {**HAZARD_PARAMS, "school": pk}) if hazards is not None else "",
            "alarms_url": list_url("alarm-list", {**ALARM_PARAMS, "school": pk}) if alarms is not None else "",
        })
    return {"campaign": campaign.code, "campaign_name": campaign.name, "region_code": region.code,
            "legend": legend(), "points": points,
            "truncated": len(rows) == POINT_LIMIT and schools.count() > POINT_LIMIT}
