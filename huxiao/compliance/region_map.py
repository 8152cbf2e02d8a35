"""What this app adds to core's region page map (found by ``core.discovery.app_modules("region_map")``):
where the map reads its schools' figures (the 三个100% results, open hazards and alarms), or "" for a user
who may not see them (the map then shows the points alone, without asking for figures it would be
refused)."""

from django.urls import reverse

from huxiao.compliance import rates
from huxiao.core.scoping import has_perm, scope_for


def figures_url(user, region) -> str:
    if not has_perm(user, rates.PERM) or not scope_for(user, rates.PERM).covers_region(region):
        return ""
    return f"{reverse('api:school_map')}?region={region.code}"
