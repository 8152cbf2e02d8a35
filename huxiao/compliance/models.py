"""Campaigns (专项行动) and the evaluation table kept current from the 三防 records.

``RuleStatus`` holds, per campaign, rule and school, met / not met / not applicable with the reason; it
is rewritten by services whenever a school's records change and by the periodic sweep for time-based
changes (device heartbeat windows). Regional rates are GROUP BYs over region-code prefixes of it;
``RateSnapshot`` keeps them per day for trends.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.compliance.choices import Status
from huxiao.core.regions import within
from huxiao.core.scoping import ScopedQuerySet


class Campaign(models.Model):
    """A 专项行动 with its issuer, region, period and phases; its rules come from the shipped YAML file."""

    code = models.SlugField(_("编号"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    issuer = models.CharField(_("发文单位"), max_length=200)
    region_code = models.CharField(_("适用区划"), max_length=12, blank=True)
    start = models.DateField(_("开始日期"))
    end = models.DateField(_("结束日期"))
    phases = models.JSONField(_("阶段"), default=list)
    seed = models.CharField(_("依据"), max_length=200, blank=True)
    filename = models.CharField(_("规则集文件"), max_length=100)

    class Meta:
        ordering = ["-start"]
        verbose_name = _("专项行动")
        verbose_name_plural = _("专项行动")

    def __str__(self):
        return self.name

    @property
    def ruleset(self):
        from huxiao.compliance.rules import shipped_rulesets

        return shipped_rulesets()[self.code]

    def covers(self, region_code: str) -> bool:
        return within(region_code, self.region_code)


class RuleStatus(models.Model):
    """The evaluation of one rule of one campaign for one school."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="statuses")
    rule_id = models.CharField(_("指标"), max_length=20)
    school = models.ForeignKey("core.School", models.CASCADE, related_name="+", verbose_name=_("学校"))
    region_code = models.CharField(_("区划代码"), max_length=12)
    status = models.CharField(_("状态"), max_length=8, choices=Status.choices)
    reason = models.CharField(_("原因"), max_length=500)
    evaluated_at = models.DateTimeField(_("评估时间"))

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        verbose_name = _("达标评估")
        verbose_name_plural = _("达标评估")
        constraints = [models.UniqueConstraint(fields=["campaign", "school", "rule_id"], name="rulestatus_unique")]
        indexes = [models.Index(fields=["campaign", "region_code", "rule_id", "status"], name="rulestatus_rates",
                                opclasses=["int8_ops", "varchar_pattern_ops", "varchar_pattern_ops",
                                           "varchar_pattern_ops"])]


class RateSnapshot(models.Model):
    """Rates of one rule in one region on one day (applicable schools and schools meeting it)."""

    day = models.DateField(_("日期"))
    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="snapshots")
    rule_id = models.CharField(_("指标"), max_length=20)
    region_prefix = models.CharField(_("区划前缀"), max_length=12)
    applicable = models.PositiveIntegerField(_("适用学校数"))
    met = models.PositiveIntegerField(_("达标学校数"))

    class Meta:
        ordering = ["day"]
        verbose_name = _("达标率快照")
        verbose_name_plural = _("达标率快照")
        constraints = [models.UniqueConstraint(fields=["day", "campaign", "rule_id", "region_prefix"],
                                               name="ratesnapshot_unique")]
        indexes = [models.Index(fields=["campaign", "region_prefix", "day"], name="ratesnapshot_region_day")]

    @property
    def rate(self):
        return self.met / self.applicable if self.applicable else None


class RegionRuleCount(models.Model):
    """Per campaign, rule and school region code: how many schools the rule applies to and how many meet
    it. Kept in step with RuleStatus by the evaluation (deltas in the same transaction), so regional rates
    are a GROUP BY over a few thousand rows instead of one row per school and rule."""

    campaign = models.ForeignKey(Campaign, models.CASCADE, related_name="counts")
    rule_id = models.CharField(_("指标"), max_length=20)
    region_code = models.CharField(_("区划代码"), max_length=12)
    applicable = models.IntegerField(_("适用学校数"), default=0)
    met = models.IntegerField(_("达标学校数"), default=0)

    class Meta:
        verbose_name = _("区划达标计数")
        verbose_name_plural = _("区划达标计数")
        constraints = [models.UniqueConstraint(fields=["campaign", "rule_id", "region_code"],
                                               name="regionrulecount_unique")]
        indexes = [models.Index(fields=["campaign", "region_code"], name="regionrulecount_region",
                                opclasses=["int8_ops", "varchar_pattern_ops"])]
