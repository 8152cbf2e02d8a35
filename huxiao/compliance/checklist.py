"""A school's own checklist: every applicable rule of every campaign covering it, what to fix first."""

from huxiao.compliance.choices import Status
from huxiao.compliance.models import RuleStatus

ORDER = {Status.NOT_MET: 0, Status.MET: 1, Status.NOT_APPLICABLE: 2}


def school_checklist(school) -> list[dict]:
    groups = {}
    for row in RuleStatus.objects.filter(school=school).select_related("campaign"):
        campaign = row.campaign
        try:
            rule = campaign.ruleset.rule(row.rule_id)
        except KeyError:
            continue
        group = groups.setdefault(campaign.pk, {"campaign": campaign, "items": [], "not_met": 0})
        group["items"].append({"rule": rule, "status": row.status, "status_label": row.get_status_display(),
                               "reason": row.reason, "evaluated_at": row.evaluated_at})
        group["not_met"] += row.status == Status.NOT_MET
    out = sorted(groups.values(), key=lambda g: (-len(g["campaign"].region_code), -g["campaign"].start.toordinal()))
    for g in out:
        g["items"].sort(key=lambda i: (ORDER[i["status"]], i["rule"].id))
    return out
