"""What the rule engine knows about a school: read from its 三防 records and device heartbeats.

Facts are plain data (no ORM objects) so rules can be evaluated, tested and property-checked without a
database. ``load_facts`` reads them for many schools with one query per record type.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone


@dataclass(frozen=True)
class GuardFact:
    name: str
    category: str
    licensed: bool
    birth_date: datetime.date
    first_hired_on: datetime.date
    background_result: str
    health_status: str

    @property
    def hire_age(self) -> int:
        b, h = self.birth_date, self.first_hired_on
        return h.year - b.year - ((h.month, h.day) < (b.month, b.day))


@dataclass(frozen=True)
class DeviceFact:
    kind: str
    location: str
    police_built: bool
    networked: bool


@dataclass
class SchoolFacts:
    school_id: int
    region_code: str
    school_type: str
    ownership: str
    setting: str
    boarding: bool
    complex_environment: bool
    students: int
    boarding_students: int = 0
    guards: list = field(default_factory=list)  # active GuardFact
    facility: dict | None = None  # Facility fields, None when not recorded
    equipment: dict = field(default_factory=dict)  # kind -> count
    devices: list = field(default_factory=list)  # active DeviceFact

    @property
    def vehicle_access(self) -> bool:
        return True if self.facility is None else bool(self.facility.get("vehicle_access", True))


FACILITY_FIELDS = ("enclosure_type", "enclosure_height_m", "gate_duty_room", "closed_management", "vehicle_access",
                   "anti_ramming_needed", "anti_ramming_kinds", "parent_waiting_area", "traffic_needed",
                   "traffic_installed")


def facts_of(school, now=None) -> SchoolFacts:
    return load_facts([school], now)[school.pk]


def load_facts(schools, now=None) -> dict:
    """Facts for ``schools`` (School instances), keyed by school id, as of ``now`` for networking."""
    from huxiao.defense.models import Equipment, Facility, Guard
    from huxiao.devices.models import Device

    now = now or timezone.now()
    out = {}
    for s in schools:
        out[s.pk] = SchoolFacts(
            school_id=s.pk, region_code=s.region_code, school_type=s.school_type, ownership=s.ownership,
            setting=s.setting, boarding=s.boarding, complex_environment=s.complex_environment,
            students=s.students, boarding_students=s.boarding_students)
    ids = list(out)
    for chunk_start in range(0, len(ids), 2000):
        chunk = ids[chunk_start:chunk_start + 2000]
        for g in Guard.objects.filter(school_id__in=chunk, active=True).values_list(
                "school_id", "name", "category", "license_number", "birth_date", "first_hired_on",
                "background_result", "health_status"):
            out[g[0]].guards.append(GuardFact(g[1], g[2], bool(g[3]), g[4], g[5], g[6], g[7]))
        for f in Facility.objects.filter(school_id__in=chunk).values("school_id", *FACILITY_FIELDS):
            out[f.pop("school_id")].facility = f
        for school_id, kind, count in Equipment.objects.filter(school_id__in=chunk).values_list(
                "school_id", "kind", "count"):
            out[school_id].equipment[kind] = count
        for school_id, kind, location, police_built, last_seen, window in Device.objects.filter(
                school_id__in=chunk, active=True).values_list(
                "school_id", "kind", "location", "police_built", "last_seen_at", "supervision_window"):
            networked = last_seen is not None and now - last_seen <= window
            out[school_id].devices.append(DeviceFact(kind, location, police_built, networked))
    return out
