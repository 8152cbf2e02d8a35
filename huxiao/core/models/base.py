"""The abstract bases of the domain records: a record of one school, and a record that can be voided."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from huxiao.core.scoping import ScopedQuerySet


class SchoolRecord(models.Model):
    """A record of one school: carries the school's region code, so the jurisdiction filter reaches it
    with one indexed prefix match.

    The code is stamped when the record is written (and when it is given another school), never on a
    later save: a record keeps the district that was responsible when it happened. When a school moves
    (``core.moves``), the records that describe its present state are re-stamped with the new code in the
    same transaction — those of the models declaring ``MOVES_WITH_SCHOOL = True``, narrowed by
    ``present_state`` (open hazards, not closed ones). Event records (alarms, inspections, submitted
    reports) declare nothing and stay where they happened.

    Paths that insert without ``save()`` (bulk_create, the alarm intake's SQL) set ``region_code``
    themselves from the school's or the device's.
    """

    school = models.ForeignKey("core.School", models.PROTECT, related_name="+", verbose_name=_("学校"))
    region_code = models.CharField(_("区划代码"), max_length=12, editable=False)

    objects = ScopedQuerySet.as_manager()
    SCOPE_SCHOOL_FIELD = "school_id"
    MOVES_WITH_SCHOOL = False

    class Meta:
        abstract = True

    @classmethod
    def from_db(cls, db, field_names, values):
        instance = super().from_db(db, field_names, values)
        instance._stamped_school_id = instance.__dict__.get("school_id")
        return instance

    @classmethod
    def present_state(cls, qs):
        """The rows of ``qs`` that describe the school's present state (re-stamped when it moves)."""
        return qs if cls.MOVES_WITH_SCHOOL else qs.none()

    def save(self, *args, **kwargs):
        if self._state.adding or self.school_id != self.__dict__.get("_stamped_school_id"):
            self.region_code = self.school.region_code
            update_fields = kwargs.get("update_fields")
            if update_fields is not None and "region_code" not in update_fields:
                kwargs["update_fields"] = [*update_fields, "region_code"]
        super().save(*args, **kwargs)
        self._stamped_school_id = self.school_id


class VoidableQuerySet(ScopedQuerySet):
    def live(self):
        """Every row not voided: what counts, lists and figures are made of."""
        return self.filter(voided_at__isnull=True)

    def voided(self):
        return self.filter(voided_at__isnull=False)


class VoidableRecord(models.Model):
    """A record that can be voided (作废) with a reason — one entered by mistake. A voided record stays (and
    stays readable, with who voided it, when and why) but no longer counts: figures read ``.live()``.
    Voided through ``core.void.do_void`` only; permission ``<app>.void_<model>``."""

    voided_at = models.DateTimeField(_("作废时间"), null=True, blank=True, editable=False)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, editable=False,
                                  related_name="+", db_index=False, verbose_name=_("作废人"))
    void_reason = models.CharField(_("作废原因"), max_length=500, blank=True, editable=False)

    objects = VoidableQuerySet.as_manager()
    VOID_FIELDS = ("voided_at", "voided_by", "void_reason")

    class Meta:
        abstract = True

    @property
    def is_voided(self) -> bool:
        return self.voided_at is not None

    def save(self, *args, **kwargs):
        """A voided record is frozen: the void's own save (of its three fields) is the last one."""
        if self.voided_at is not None and not set(kwargs.get("update_fields") or ["*"]) <= set(self.VOID_FIELDS):
            raise ValidationError({"voided_at": gettext("该记录已作废，不能再修改")})
        super().save(*args, **kwargs)
