"""Synthetic school sets for benchmarks: a province of 15,000 or a national set of 520,000 schools.

Schools are spread over the real counties of the GB/T 2260 list (Jiangsu for sets up to 20,000, every
county otherwise), each county getting a synthetic police station. Written with bulk inserts.
"""

import random
import sys

from django.db import transaction

from huxiao.core.choices import Ownership, SchoolType, Setting, UnitKind, UnitLevel
from huxiao.core.demo import SCHOOL_CODE_CATEGORY, build_school
from huxiao.core.models import Region, School, Unit

TYPES = [SchoolType.KINDERGARTEN] * 45 + [SchoolType.PRIMARY] * 30 + [SchoolType.JUNIOR] * 12 + [
    SchoolType.SENIOR] * 5 + [SchoolType.NINE_YEAR] * 4 + [SchoolType.TEACHING_POINT] * 2 + [
    SchoolType.VOCATIONAL, SchoolType.SPECIAL]
BATCH = 5000


def _stations(counties):
    existing = {u.region_id: u for u in Unit.objects.filter(kind=UnitKind.POLICE, level=UnitLevel.STATION,
                                                             name__startswith="合成派出所", region__in=counties)}
    missing = [Unit(name=f"合成派出所{c.code}", kind=UnitKind.POLICE, level=UnitLevel.STATION, region=c,
                    region_code=c.code) for c in counties if c.code not in existing]
    Unit.objects.bulk_create(missing, batch_size=BATCH)
    existing.update({u.region_id: u for u in missing})
    return existing


def generate_schools(n: int, *, province: str | None = None, seed: int = 7, out=sys.stdout) -> int:
    rng = random.Random(seed)
    if province is None:
        province = "32" if n <= 20000 else ""
    counties = list(Region.objects.filter(level="county", code__startswith=province).select_related("parent"))
    stations = _stations(counties)
    start = School.objects.filter(name__startswith="合成").count()
    serial = start
    written = 0
    while written < n:
        chunk = min(BATCH, n - written)
        schools, units = [], []
        for _ in range(chunk):
            serial += 1
            county = counties[serial % len(counties)]
            school_type = rng.choice(TYPES)
            school = build_school(
                rng, code=f"{SCHOOL_CODE_CATEGORY[school_type]}{county.code[:2]}{serial % 1000000:06d}",
                name=f"合成{county.name}第{serial}学校", school_type=school_type, region=county, district=county,
                station=stations[county.code], setting=rng.choice(list(Setting)),
                ownership=Ownership.PRIVATE if rng.random() < .15 else Ownership.PUBLIC,
                lon0=county.longitude or 116.4, lat0=county.latitude or 39.9)
            schools.append(school)
            units.append(Unit(name=school.name, kind=UnitKind.SCHOOL, level=UnitLevel.SCHOOL, region=county,
                              region_code=county.code))
        with transaction.atomic():
            Unit.objects.bulk_create(units, batch_size=BATCH)
            for school, unit in zip(schools, units, strict=True):
                school.unit = unit
            School.objects.bulk_create(schools, batch_size=BATCH, ignore_conflicts=False)
        written += chunk
        out.write(f"\r已生成 {written}/{n} 所学校")
        out.flush()
    out.write("\n")
    return written
