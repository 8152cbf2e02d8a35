"""The one filterset of the schools' results per campaign (RuleStatus): the drill-down page (未达标学校),
its API list and their Excel export. The campaign and the region are resolved first by the views (a
region out of reach, or a campaign not run there, is 404, as on the dashboard); the filterset checks
every parameter and narrows by rule, result, school and name."""

import django_filters as df
from django import forms
from django.utils.translation import gettext_lazy as _

from huxiao.compliance.choices import Status
from huxiao.compliance.models import RuleStatus
from huxiao.compliance.rules import shipped_rulesets
from huxiao.core.records.columns import Column
from huxiao.core.records.filters import RecordFilterSet


def campaign_choices() -> list[tuple[str, str]]:
    return [(rs.code, rs.name) for rs in sorted(shipped_rulesets().values(), key=lambda rs: rs.code)]


def rule_choices(ruleset=None) -> list[tuple[str, str]]:
    """The rules of one campaign, or of every shipped one (a rule id is unique to its rule set)."""
    rulesets = [ruleset] if ruleset is not None else shipped_rulesets().values()
    return list(dict.fromkeys((r.id, f"{r.id} {r.name}") for rs in rulesets for r in rs.rules))


def rule_name(status: RuleStatus) -> str:
    ruleset = shipped_rulesets().get(status.campaign.code)
    if ruleset is None:
        return status.rule_id
    try:
        return ruleset.rule(status.rule_id).name
    except KeyError:
        return status.rule_id


class RuleStatusFilterSet(RecordFilterSet):
    campaign = df.ChoiceFilter(label=_("专项行动"), choices=campaign_choices(), field_name="campaign__code",
                               empty_label=None)
    rule = df.ChoiceFilter(label=_("指标"), choices=rule_choices(), field_name="rule_id", empty_label=_("全部指标"))
    status = df.ChoiceFilter(label=_("评估结果"), choices=Status.choices, empty_label=_("未达标（默认）"))
    q = df.CharFilter(label=_("学校名称"), field_name="school__name", lookup_expr="icontains", max_length=64,
                      widget=forms.TextInput(attrs={"placeholder": _("学校名称")}))

    class Meta:
        model = RuleStatus
        fields = ["campaign", "region", "rule", "status", "school", "q"]


COLUMNS = (
    Column("school.name", _("学校")),
    Column("region_code", _("区划代码")),
    Column("rule_id", _("指标编号")),
    Column("rule_name", _("指标"), value=rule_name),
    Column("status", _("评估结果")),
    Column("reason", _("原因（待整改）")),
    Column("evaluated_at", _("评估时间")),
    Column("campaign.name", _("专项行动")),
)


def resolved(request):
    """(region, campaign) the request asks for: its ``region`` (its own top region when absent) and
    ``campaign`` (the one in force there when absent). Out of reach, or not run there: 404. A malformed
    region code counts as absent here: the filterset names it (422 / the field's error) and lists nothing."""
    from django.core.exceptions import ValidationError

    from huxiao.compliance import rates
    from huxiao.core.validators import validate_region_code

    code = request.GET.get("region") or None
    if code:
        try:
            validate_region_code(code)
        except ValidationError:
            code = None
    campaign_code = request.GET.get("campaign") or None
    if campaign_code not in dict(campaign_choices()):
        campaign_code = None  # the filterset refuses it by name
    return rates.resolve(request.user, code, campaign_code)


def school_results(request, region, campaign):
    """The schools' results of ``campaign`` in ``region`` within the user's reach, not met unless the
    request asks for a ``status``: the queryset the filterset narrows further."""
    from huxiao.compliance import rates

    qs = RuleStatus.objects.visible_to(request.user, rates.PERM).filter(campaign=campaign)
    if region.prefix:
        qs = RuleStatusFilterSet.base_filters["region"].filter(qs, region.prefix)
    if not request.GET.get("status"):
        qs = qs.filter(status=Status.NOT_MET)
    return qs.select_related("school", "campaign")
