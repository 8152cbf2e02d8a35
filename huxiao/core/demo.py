"""The demo region: 常州市金坛区 (320413) with its police, education bureau, 政法委 and ~100 schools,
a small sibling district (溧阳市) to show scoping, one user per role, and synthetic larger sets
(``--schools N``) for benchmarks. Every other app adds its own demo records through ``<app>/demo.py``.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from huxiao.core.choices import Ownership, Role, SchoolType, Setting, UnitKind, UnitLevel
from huxiao.core.models import Notification, Region, RoleAssignment, School, Unit, User

DEMO_PASSWORD = "Huxiao@2026"
DISTRICT = "320413"
SIBLING = "320481"
# (suffix, name, setting, station) — the towns and streets of the demo district (codes synthetic)
TOWNS = [
    ("001", "东城街道", Setting.URBAN, "东城派出所"), ("002", "西城街道", Setting.URBAN, "西城派出所"),
    ("003", "尧塘街道", Setting.TOWN, "尧塘派出所"), ("004", "开发区街道", Setting.URBAN, "开发区派出所"),
    ("101", "金城镇", Setting.TOWN, "金城派出所"), ("102", "儒林镇", Setting.RURAL, "儒林派出所"),
    ("103", "直溪镇", Setting.RURAL, "直溪派出所"), ("104", "朱林镇", Setting.RURAL, "朱林派出所"),
    ("105", "薛埠镇", Setting.RURAL, "薛埠派出所"), ("106", "指前镇", Setting.RURAL, "指前派出所"),
]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英文华建国志强海燕卫东红梅晓东建华春梅国庆"
STREETS = ["人民路", "东门大街", "西门大街", "南环路", "北环路", "华城路", "金坛大道", "晨风路", "愚池路", "钱资湖大道",
           "丹阳门路", "汇福路", "长荡湖路", "金沙大道", "江东大道"]
SCHOOL_CODE_CATEGORY = {SchoolType.KINDERGARTEN: "11", SchoolType.PRIMARY: "21", SchoolType.TEACHING_POINT: "21",
                        SchoolType.JUNIOR: "31", SchoolType.NINE_YEAR: "31", SchoolType.SENIOR: "34",
                        SchoolType.COMPLETE_SECONDARY: "34", SchoolType.VOCATIONAL: "36", SchoolType.SPECIAL: "51"}
STUDENTS = {SchoolType.KINDERGARTEN: (60, 480), SchoolType.PRIMARY: (300, 2600), SchoolType.TEACHING_POINT: (20, 90),
            SchoolType.JUNIOR: (400, 1800), SchoolType.NINE_YEAR: (600, 2400), SchoolType.SENIOR: (900, 2800),
            SchoolType.COMPLETE_SECONDARY: (1200, 3000), SchoolType.VOCATIONAL: (800, 3200), SchoolType.SPECIAL: (60, 180)}


@dataclass
class DemoContext:
    """What the core demo built, handed to every app's demo.seed(ctx).

    ``now`` is the moment the demo is built for (the real time for ``make demo``) and ``today`` its local
    date: every demo record is dated relative to them, never after ``now``, so the demo looks as if the
    last weeks had really happened whenever it is built."""

    rng: random.Random
    district: Region
    sibling: Region
    schools: list = field(default_factory=list)
    sibling_schools: list = field(default_factory=list)
    units: dict = field(default_factory=dict)
    users: dict = field(default_factory=dict)
    now: datetime.datetime = field(default_factory=timezone.now)
    today: datetime.date = None
    flagship: School | None = None  # 金坛区华罗庚实验学校, where the school demo users work

    def __post_init__(self):
        self.today = timezone.localdate(self.now)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        """``day`` at ``hour:minute`` local time, never later than ``now``."""
        return min(timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute))), self.now)


@contextmanager
def dated(moment: datetime.datetime):
    """The notifications written inside the block are dated ``moment`` (the time of what they report):
    a service run for a past moment tells people at that moment, not at the time the demo was built."""
    last = Notification.objects.aggregate(last=Max("pk"))["last"] or 0
    yield
    Notification.objects.filter(pk__gt=last).update(created_at=moment)


def person_name(rng):
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def mobile(rng):
    return "1" + rng.choice("35789") + "".join(rng.choice("0123456789") for _ in range(9))


def _unit(name, kind, level, region, parent=None, phone=""):
    unit, _ = Unit.objects.get_or_create(region=region, kind=kind, name=name,
                                         defaults={"level": level, "parent": parent, "phone": phone})
    return unit


def build_units(district, sibling):
    province, city = district.parent.parent, district.parent
    u = {}
    u["province_police"] = _unit("江苏省公安厅", UnitKind.POLICE, UnitLevel.PROVINCE, province)
    u["province_edu"] = _unit("江苏省教育厅", UnitKind.EDUCATION, UnitLevel.PROVINCE, province)
    u["city_police"] = _unit("常州市公安局", UnitKind.POLICE, UnitLevel.CITY, city, u["province_police"])
    u["city_edu"] = _unit("常州市教育局", UnitKind.EDUCATION, UnitLevel.CITY, city, u["province_edu"])
    u["city_plc"] = _unit("中共常州市委政法委员会", UnitKind.POLITICAL_LEGAL, UnitLevel.CITY, city)
    u["police"] = _unit("常州市公安局金坛分局", UnitKind.POLICE, UnitLevel.COUNTY, district, u["city_police"],
                        "0519-82812110")
    u["edu"] = _unit("常州市金坛区教育局", UnitKind.EDUCATION, UnitLevel.COUNTY, district, u["city_edu"],
                     "0519-82821234")
    u["plc"] = _unit("中共常州市金坛区委政法委员会", UnitKind.POLITICAL_LEGAL, UnitLevel.COUNTY, district, u["city_plc"])
    u["sibling_police"] = _unit("溧阳市公安局", UnitKind.POLICE, UnitLevel.COUNTY, sibling, u["city_police"])
    u["sibling_edu"] = _unit("溧阳市教育局", UnitKind.EDUCATION, UnitLevel.COUNTY, sibling, u["city_edu"])
    u["stations"] = {}
    for suffix, name, _setting, station in TOWNS:
        town, _ = Region.objects.get_or_create(code=DISTRICT + suffix, defaults={
            "name": name, "level": "town", "parent": district})
        u["stations"][town.code] = _unit(station, UnitKind.POLICE, UnitLevel.STATION, town, u["police"],
                                         f"0519-8281{suffix}")
    u["sibling_station"] = _unit("溧城派出所", UnitKind.POLICE, UnitLevel.STATION, sibling, u["sibling_police"])
    return u


def _school_plan(rng):
    plan = [(SchoolType.KINDERGARTEN, 38), (SchoolType.PRIMARY, 30), (SchoolType.TEACHING_POINT, 4),
            (SchoolType.JUNIOR, 12), (SchoolType.NINE_YEAR, 4), (SchoolType.SENIOR, 4),
            (SchoolType.COMPLETE_SECONDARY, 1), (SchoolType.VOCATIONAL, 2), (SchoolType.SPECIAL, 1)]
    for school_type, count in plan:
        for i in range(count):
            yield school_type, i


def _school_name(school_type, i, town_name, ownership, rng):
    short = town_name.replace("街道", "").replace("镇", "")
    if ownership == Ownership.PRIVATE:
        return {SchoolType.KINDERGARTEN: f"金坛区{short}{rng.choice(['阳光', '蓝天', '童心', '七彩', '启明'])}幼儿园",
                SchoolType.PRIMARY: f"金坛区{short}育才学校", SchoolType.JUNIOR: f"金坛区{short}外国语学校"}.get(
            school_type, f"金坛区{short}民办学校")
    return {
        SchoolType.KINDERGARTEN: f"金坛区{short}{['中心', '实验', '第二', '东区', '西区'][i % 5]}幼儿园",
        SchoolType.PRIMARY: f"金坛区{short}{['中心', '实验', '第二', '东湖', '华城', '金沙'][i % 6]}小学",
        SchoolType.TEACHING_POINT: f"金坛区{short}{['塘', '庄', '村'][i % 3]}教学点",
        SchoolType.JUNIOR: f"金坛区{short}{['初级', '第二', '实验'][i % 3]}中学",
        SchoolType.NINE_YEAR: f"金坛区{short}实验学校",
        SchoolType.SENIOR: ["江苏省金坛中学", "江苏省华罗庚中学", "金坛区第一中学", "金坛区第四中学"][i % 4],
        SchoolType.COMPLETE_SECONDARY: "金坛区第二中学",
        SchoolType.VOCATIONAL: ["常州市金坛中等专业学校", "金坛区职业教育中心"][i % 2],
        SchoolType.SPECIAL: "金坛区特殊教育学校",
    }[school_type]


def _times(rng, school_type):
    gate = datetime.time(7, rng.choice((0, 10, 20, 30)))
    if school_type == SchoolType.KINDERGARTEN:
        return gate, None, datetime.time(16, rng.choice((0, 15, 30)))
    return gate, datetime.time(11, rng.choice((30, 40, 50))), datetime.time(rng.choice((16, 17)), rng.choice((0, 20, 40)))


def build_school(rng, *, code, name, school_type, region, district, station, setting, ownership, lon0, lat0,
                 unit=None):
    lo, hi = STUDENTS[school_type]
    students = rng.randint(lo, hi)
    boarding = school_type in (SchoolType.SENIOR, SchoolType.VOCATIONAL, SchoolType.COMPLETE_SECONDARY) or (
        school_type in (SchoolType.JUNIOR, SchoolType.NINE_YEAR) and setting == Setting.RURAL and rng.random() < .4)
    gate, noon, afternoon = _times(rng, school_type)
    return School(
        code=code, name=name, school_type=school_type, ownership=ownership, setting=setting,
        complex_environment=setting == Setting.RURAL and rng.random() < 0.2, boarding=boarding,
        students=students, boarding_students=int(students * rng.uniform(.3, .8)) if boarding else 0,
        staff=max(6, students // rng.randint(11, 16)),
        address=f"{region.name}{rng.choice(STREETS)}{rng.randint(1, 399)}号",
        longitude=Decimal(str(round(lon0 + rng.uniform(-.12, .12), 6))),
        latitude=Decimal(str(round(lat0 + rng.uniform(-.1, .1), 6))),
        region=region, district=district, region_code=region.code, police_station=station, unit=unit,
        principal_name=person_name(rng), principal_phone=mobile(rng), security_name=person_name(rng),
        security_phone=mobile(rng), key_security_unit=students >= 1500 or boarding,
        gate_open_time=gate, noon_dismissal_time=noon, afternoon_dismissal_time=afternoon)


def _save_school(school):
    unit = Unit.objects.create(name=school.name[:128], kind=UnitKind.SCHOOL, level=UnitLevel.SCHOOL,
                               region=school.region)
    school.unit = unit
    school.save()
    return school


def build_schools(rng, district, units):
    towns = {t.code: t for t in Region.objects.filter(parent=district, level="town")}
    town_rows = [(DISTRICT + s, name, setting) for s, name, setting, _ in TOWNS]
    schools, used = [], set()
    for n, (school_type, i) in enumerate(_school_plan(rng), start=1):
        code, town_name, setting = town_rows[n % len(town_rows)]
        if school_type in (SchoolType.SENIOR, SchoolType.COMPLETE_SECONDARY, SchoolType.VOCATIONAL, SchoolType.SPECIAL):
            code, town_name, setting = town_rows[n % 4]
        ownership = Ownership.PRIVATE if (school_type == SchoolType.KINDERGARTEN and i % 3 == 2) or (
            school_type in (SchoolType.PRIMARY, SchoolType.JUNIOR) and i in (7,)) else Ownership.PUBLIC
        name = _school_name(school_type, i, town_name, ownership, rng)
        while name in used:
            name = name.replace("金坛区", "金坛区" + rng.choice("东西南北新"), 1)
        used.add(name)
        school = build_school(
            rng, code=f"{SCHOOL_CODE_CATEGORY[school_type]}32{413000 + n:06d}", name=name, school_type=school_type,
            region=towns[code], district=district, station=units["stations"][code], setting=setting,
            ownership=ownership, lon0=119.597811, lat0=31.723219)
        schools.append(_save_school(school))
    flagship = next(s for s in schools if s.school_type == SchoolType.NINE_YEAR)
    flagship.name = "金坛区华罗庚实验学校"
    # its 校长 and 安保负责人 are the demo users who hold those roles there
    flagship.principal_name = demo_user_name(Role.PRINCIPAL)
    flagship.security_name = demo_user_name(Role.SECURITY_OFFICER)
    flagship.save()
    flagship.unit.name = flagship.name
    flagship.unit.save()
    return schools


def build_sibling_schools(rng, sibling, station):
    schools = []
    for n, (school_type, name) in enumerate([
            (SchoolType.PRIMARY, "溧阳市实验小学"), (SchoolType.KINDERGARTEN, "溧阳市机关幼儿园"),
            (SchoolType.JUNIOR, "溧阳市南渡初级中学"), (SchoolType.SENIOR, "江苏省溧阳中学"),
            (SchoolType.PRIMARY, "溧阳市东升小学")], start=1):
        schools.append(_save_school(build_school(
            rng, code=f"{SCHOOL_CODE_CATEGORY[school_type]}32{481000 + n:06d}", name=name, school_type=school_type,
            region=sibling, district=sibling, station=station, setting=Setting.URBAN, ownership=Ownership.PUBLIC,
            lon0=119.48421, lat0=31.416911)))
    return schools


DEMO_USERS = [
    # username, full name, role, unit key (or "school")
    ("xiaozhang", "周建华", Role.PRINCIPAL, "school"),
    ("anbao", "孙志刚", Role.SECURITY_OFFICER, "school"),
    ("menwei", "钱国强", Role.GUARD, "school"),
    ("minjing", "吴海涛", Role.STATION_OFFICER, "station"),
    ("fenju", "郑分局", Role.POLICE_SUPERVISOR, "police"),
    ("shiju", "冯市局", Role.POLICE_SUPERVISOR, "city_police"),
    ("jiaoyuju", "陈教育", Role.EDUCATION_OFFICER, "edu"),
    ("shijiaoyu", "褚市教育", Role.EDUCATION_OFFICER, "city_edu"),
    ("duxue", "卫督学", Role.INSPECTOR, "edu"),
    ("zhengfawei", "蒋政法", Role.PLC_COORDINATOR, "plc"),
    ("liyang", "沈溧阳", Role.EDUCATION_OFFICER, "sibling_edu"),
    ("admin", "韩管理员", Role.SYSADMIN, "province_edu"),
]


def demo_user_name(role) -> str:
    """The full name of the (first) demo user holding ``role``."""
    return next(full_name for _username, full_name, r, _unit in DEMO_USERS if r == role)


def build_users(units, flagship):
    users = {}
    for username, full_name, role, key in DEMO_USERS:
        user, created = User.objects.get_or_create(username=username, defaults={"full_name": full_name})
        if created:
            user.set_password(DEMO_PASSWORD)
            user.save()
        if key == "school":
            unit = flagship.unit
        elif key == "station":
            unit = flagship.police_station
        else:
            unit = units[key]
        RoleAssignment.objects.get_or_create(user=user, role=role, unit=unit)
        users[username] = user
    return users


@transaction.atomic
def seed_demo(seed=20261123, now=None):
    """The core of the demo (regions, units, schools, users) for the moment ``now`` (default: now)."""
    from huxiao.core.regions_data import load_regions

    load_regions(Region)  # idempotent: the division list may have been flushed or never loaded
    rng = random.Random(seed)
    district = Region.objects.get(pk=DISTRICT)
    sibling = Region.objects.get(pk=SIBLING)
    ctx = DemoContext(rng=rng, district=district, sibling=sibling, now=now or timezone.now())
    ctx.units = build_units(district, sibling)
    ctx.schools = build_schools(rng, district, ctx.units)
    ctx.sibling_schools = build_sibling_schools(rng, sibling, ctx.units["sibling_station"])
    flagship = next(s for s in ctx.schools if s.name == "金坛区华罗庚实验学校")
    ctx.users = build_users(ctx.units, flagship)
    ctx.flagship = flagship
    return ctx


def demo_loaded() -> bool:
    return User.objects.filter(username="jiaoyuju").exists()
