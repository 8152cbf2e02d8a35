"""The abstract base of every record that belongs to one school."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from huxiao.core.scoping import ScopedQuerySet


class SchoolRecord(models.Model):
    """A record of one school: carries the school's region code (copied on save), so the jurisdiction
    filter reaches it with one indexed prefix match."""

    school = models.ForeignKey("core.School", models.PROTECT, related_name="+", verbose_name=_("学校"))
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        self.region_code = self.school.region_code
        super().save(*args, **kwargs)
