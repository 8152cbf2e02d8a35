"""Making a record reachable from further regions or schools (``core.ReachLink``; the query side is
``ScopedQuerySet.visible_to`` and ``scoping.can``, for models with ``SCOPE_EXTRA_REACH = True``).

A key person who lives near schools of two districts is recorded once, in the district that keeps the
file, and linked into the other: that district's officials then find the record in their lists and may
open it, with what their roles allow there. Linking is an audited change of the record, allowed to whoever
may ``perm`` the record itself (typically its ``change`` permission): sharing outward needs no
authority over the place shared with. Unlinking likewise.

A link names a region (its officials and those above reach the record) or a school (its staff, and the
officials over that school, as for the school's own records). Links of deleted records are harmless —
ids are never reused — and are removed with the record's ``delete_links``.
"""

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.audit import audit_events
from huxiao.core.choices import AuditAction
from huxiao.core.models import Region, School
from huxiao.core.models.links import ReachLink


@audit_events
class ReachAudit(models.TextChoices):
    LINK = "core.link_reach", gettext_lazy("关联到其他辖区")
    UNLINK = "core.unlink_reach", gettext_lazy("取消关联辖区")


def _uses_links(obj):
    if not getattr(type(obj), "SCOPE_EXTRA_REACH", False):
        raise TypeError(f"{type(obj).__name__} does not use extra reach (set SCOPE_EXTRA_REACH = True)")


def links_of(obj):
    """The record's links, with their schools."""
    return ReachLink.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk) \
        .select_related("school")


@transaction.atomic
def do_link(obj, *, perm: str, actor, region: Region | None = None, school: School | None = None,
            reason: str = "") -> ReachLink:
    """Make ``obj`` reachable from ``region`` or ``school`` as well."""
    _uses_links(obj)
    require(actor, perm, obj)
    if (region is None) == (school is None):
        raise ValidationError({"region": _("请选择一个区划或一所学校")})
    link = ReachLink(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, school=school,
                     region_code=school.region_code if school is not None else region.code, reason=reason[:200])
    try:
        with transaction.atomic():
            link.save()
    except IntegrityError as exc:
        raise ValidationError({"school" if school is not None else "region": _("已关联到该范围")}) from exc
    audit.record(AuditAction.UPDATE, obj, actor=actor, event=ReachAudit.LINK,
                 after={"reach": school.name if school is not None else region.name, "reason": reason})
    return link


@transaction.atomic
def do_unlink(link: ReachLink, obj, *, perm: str, actor):
    _uses_links(obj)
    require(actor, perm, obj)
    if link.content_type_id != ContentType.objects.get_for_model(obj).pk or link.object_id != obj.pk:
        raise ValidationError(_("该关联不属于此记录"))
    audit.record(AuditAction.UPDATE, obj, actor=actor, event=ReachAudit.UNLINK,
                 before={"reach": link.school.name if link.school_id else link.region_code})
    link.delete()


def delete_links(obj):
    """Remove the links of a record being deleted (call from its delete service)."""
    ReachLink.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk).delete()
