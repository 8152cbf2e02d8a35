"""``{% region_map_source region as url %}``: where the region map reads its schools' figures (the 三个100%
results, open hazards and alarms), or "" for a user who may not see them (the map then shows the points
alone, without asking for figures it would be refused)."""

from django import template
from django.urls import reverse

from huxiao.compliance import rates
from huxiao.core.scoping import has_perm, scope_for

register = template.Library()


@register.simple_tag(takes_context=True)
def region_map_source(context, region) -> str:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not has_perm(user, rates.PERM) or not scope_for(user, rates.PERM).covers_region(region):
        return ""
    return f"{reverse('api:school_map')}?region={region.code}"
