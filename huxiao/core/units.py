"""Units as an administrator sets up a district: 公安 局/分局/派出所, 教育局, 政法委 (schools get their unit
with the school). Each creation is checked against the actor's reach and audited with a typed event."""

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from huxiao.core import audit
from huxiao.core.actions import require
from huxiao.core.audit import audit_events
from huxiao.core.choices import AuditAction, RegionLevel, UnitKind, UnitLevel
from huxiao.core.models import Region, Unit
from huxiao.core.reach import ancestors
from huxiao.core.validators import validate_phone

MANAGE_UNITS = "core.manage_units"

# the region levels a unit of each level sits in (a station may sit in its district: 溧城派出所 at 320481)
REGION_LEVELS = {
    UnitLevel.PROVINCE: {RegionLevel.PROVINCE},
    UnitLevel.CITY: {RegionLevel.CITY},
    UnitLevel.COUNTY: {RegionLevel.COUNTY},
    UnitLevel.STATION: {RegionLevel.COUNTY, RegionLevel.TOWN},
}
RANK = {UnitLevel.PROVINCE: 0, UnitLevel.CITY: 1, UnitLevel.COUNTY: 2, UnitLevel.STATION: 3, UnitLevel.SCHOOL: 4}


@audit_events
class UnitAudit(models.TextChoices):
    CREATE_UNIT = "core.create_unit", gettext_lazy("新增单位")


def parent_candidates(region: Region):
    """The units that may be above a unit of ``region``: those of the region itself and of the regions
    above it (a district's bureau under the city's, a station under its district's)."""
    return Unit.objects.filter(region_code__in=ancestors(region.code)).exclude(kind=UnitKind.SCHOOL)


def validate_unit(unit: Unit) -> None:
    """Every rule of a new unit, one ValidationError naming each bad field."""
    errors: dict[str, list] = {}

    def add(field, message):
        errors.setdefault(field, []).append(message)

    if unit.kind == UnitKind.SCHOOL or unit.level == UnitLevel.SCHOOL:
        add("kind", _("学校单位随学校登记自动建立，请通过“新增学校”或学校导入办理"))
    region = unit.region
    wanted = REGION_LEVELS.get(unit.level)
    if wanted and region.level not in wanted:
        add("level", _("%(level)s单位应设在%(want)s区划，%(region)s（%(code)s）是%(got)s") % {
            "level": unit.get_level_display(), "want": "或".join(str(RegionLevel(w).label) for w in sorted(wanted)),
            "region": region.name, "code": region.code, "got": region.get_level_display()})
    parent = unit.parent
    if parent is not None:
        if parent.kind != unit.kind:
            add("parent", _("上级单位“%(p)s”是%(pk)s单位，与本单位类别（%(k)s）不同") % {
                "p": parent.name, "pk": parent.get_kind_display(), "k": unit.get_kind_display()})
        elif RANK.get(parent.level, 9) >= RANK.get(unit.level, 9):
            add("parent", _("上级单位“%(p)s”（%(pl)s）的层级应高于本单位（%(l)s）") % {
                "p": parent.name, "pl": parent.get_level_display(), "l": unit.get_level_display()})
    name = (unit.name or "").strip()
    if len(name) < 2:
        add("name", _("单位名称至少 2 个字"))
    elif Unit.objects.filter(region=region, kind=unit.kind, name=name).exists():
        add("name", _("%(region)s已有同名的%(kind)s单位“%(name)s”") % {
            "region": region.name, "kind": unit.get_kind_display(), "name": name})
    try:
        validate_phone(unit.phone)
    except ValidationError as exc:
        add("phone", exc.messages[0])
    try:
        unit.full_clean(exclude=["region_code", "region", "parent", "name", "phone"], validate_unique=False)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                add(field, message)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def do_create_unit(*, name: str, kind: str, level: str, region: Region, parent: Unit | None = None,
                   phone: str = "", actor) -> Unit:
    """Create a unit in ``region``, which must lie in the actor's reach for core.manage_units; the parent
    (optional) is a unit of the same kind in the region or above it, one level up or more."""
    unit = Unit(name=(name or "").strip()[:128], kind=kind, level=level, region=region, parent=parent,
                phone=(phone or "").strip())
    unit.region_code = region.code
    require(actor, MANAGE_UNITS, unit, message=_("该区划不在您的管辖范围内，不能在此新增单位"))
    if parent is not None and parent.region_code not in ancestors(region.code):
        raise ValidationError({"parent": _("上级单位应在本区划或其上级区划中")})
    validate_unit(unit)
    unit.save()
    audit.record(AuditAction.CREATE, unit, actor=actor, after=audit.snapshot(unit), event=UnitAudit.CREATE_UNIT)
    return unit
