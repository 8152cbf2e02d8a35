"""Administrative regions (GB/T 2260) and the units — police, education, 政法委, schools — that act in them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.choices import RegionLevel, UnitKind, UnitLevel

PREFIX_LENGTH = {
    RegionLevel.PROVINCE: 2,
    RegionLevel.CITY: 4,
    RegionLevel.COUNTY: 6,
    RegionLevel.TOWN: 9,
}


def region_prefix(code: str, level: str) -> str:
    """The significant prefix of a region code: every record inside the region starts with it."""
    return code[: PREFIX_LENGTH[level]]


class Region(models.Model):
    """A GB/T 2260 administrative division (省/市/区县), or a 乡镇街道 with its 9-digit code."""

    code = models.CharField(_("行政区划代码"), max_length=12, primary_key=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=16, choices=RegionLevel.choices)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级"))
    longitude = models.FloatField(_("经度"), null=True, blank=True)
    latitude = models.FloatField(_("纬度"), null=True, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self):
        return self.name

    @property
    def prefix(self) -> str:
        return region_prefix(self.code, self.level)

    def ancestors(self):
        """Regions above this one, the top first."""
        chain, node = [], self.parent
        while node is not None:
            chain.append(node)
            node = node.parent
        return list(reversed(chain))

    @property
    def full_name(self) -> str:
        return "".join(r.name for r in [*self.ancestors(), self])


class Unit(models.Model):
    """An organisation that acts in a region: 公安 厅/局/分局/派出所, 教育 厅/局, 政法委, or a school."""

    name = models.CharField(_("单位名称"), max_length=128)
    kind = models.CharField(_("类别"), max_length=16, choices=UnitKind.choices)
    level = models.CharField(_("层级"), max_length=16, choices=UnitLevel.choices)
    region = models.ForeignKey(Region, models.PROTECT, related_name="units", verbose_name=_("所在区划"))
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True, editable=False)
    parent = models.ForeignKey("self", models.PROTECT, null=True, blank=True, related_name="children",
                               verbose_name=_("上级单位"))
    phone = models.CharField(_("值班电话"), max_length=32, blank=True)

    class Meta:
        ordering = ["region_code", "kind", "name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "name"], name="unit_unique_name")]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.region_code = self.region_id
        super().save(*args, **kwargs)

    @property
    def scope_prefix(self) -> str:
        return self.region.prefix
