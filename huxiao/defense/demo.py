"""Demo 三防 records of every demo school: guard rosters, facilities and protective equipment, mostly in
order but with the gaps real districts have (too few guards for the enrolment, a guard hired past 50,
unlicensed guards, open campuses, missing barriers, low rural walls)."""

import datetime
import random
from decimal import Decimal

from stdnum.cn import ric

from huxiao.core import crypto
from huxiao.core.demo import mobile, person_name
from huxiao.defense.choices import BackgroundResult, EquipmentKind, GuardCategory
from huxiao.defense.models import Equipment, Facility, Guard
from huxiao.defense.staffing import required_guards

AREAS = ("320482", "320400")  # 金坛市 (from 1993), 常州市


def id_number(rng, birth: datetime.date) -> str:
    for area in AREAS:
        body = f"{area}{birth:%Y%m%d}{rng.randint(0, 999):03d}"
        number = body + ric.calc_check_digit(body + "0")
        if ric.is_valid(number):
            return number
    raise ValueError(birth)


def _guard(rng, school, category, today, *, old_hire=False, licensed=True, checked=True):
    if old_hire:  # first hired in the last two years at 52-56: a JS-RF-3 / JT-5 gap
        hired = today - datetime.timedelta(days=rng.randint(60, 700))
        birth = datetime.date(hired.year - rng.randint(52, 56), rng.randint(1, 12), rng.randint(1, 28))
    else:
        hired = today - datetime.timedelta(days=rng.randint(200, 3600))
        age = rng.randint(26, 49) if hired.year >= 2022 else rng.randint(28, 58)
        birth = datetime.date(hired.year - age, rng.randint(1, 12), rng.randint(1, 28))
    number = id_number(rng, birth)
    # a phone from a generator of its own, so the shared one (and every later demo record) is unchanged
    phone = mobile(random.Random(f"guard-phone-{number}"))
    return Guard(
        school=school, region_code=school.region_code, name=person_name(rng), category=category,
        id_number_encrypted=crypto.encrypt(number), id_number_index=crypto.blind_index(number),
        id_number_masked=crypto.mask_id_number(number), phone=phone,
        license_number=f"苏保{rng.randint(10**7, 10**8 - 1)}" if licensed and category == GuardCategory.FULL_TIME else "",
        birth_date=birth, first_hired_on=hired,
        background_checked_on=hired - datetime.timedelta(days=rng.randint(3, 30)) if checked else None,
        background_result=BackgroundResult.PASSED if checked else BackgroundResult.PENDING)


def seed(ctx):
    rng, today = ctx.rng, ctx.today
    guards, facilities, equipment = [], [], []
    for school in [*ctx.schools, *ctx.sibling_schools]:
        flagship = school.pk == ctx.flagship.pk
        enrolment = school.students - school.boarding_students
        need = required_guards(enrolment)
        roll = rng.random()
        if flagship:
            have = need - 1  # the flagship's one gap: a guard short for its enrolment
        elif school.ownership == "private" and school.school_type == "kindergarten" and roll < 0.25:
            have = 0
        elif roll < 0.22:
            have = max(0, need - rng.randint(1, 2))
        else:
            have = need + (1 if rng.random() < 0.2 else 0)
        for _i in range(have):
            guards.append(_guard(rng, school, GuardCategory.FULL_TIME, today,
                                 old_hire=not flagship and rng.random() < 0.03,
                                 licensed=flagship or rng.random() < 0.93, checked=flagship or rng.random() < 0.95))
        if rng.random() < 0.5:
            guards.append(_guard(rng, school, GuardCategory.DOORKEEPER, today, checked=rng.random() < 0.9))
        if rng.random() < 0.3:
            guards.append(_guard(rng, school, GuardCategory.PART_TIME, today))
        if school.boarding and (flagship or rng.random() < 0.85):
            guards.append(_guard(rng, school, GuardCategory.DORM_KEEPER, today))
        rural = school.setting == "rural"
        vehicle = rng.random() < 0.85
        barrier = flagship or rng.random() < (0.6 if rural and not school.complex_environment else 0.88)
        needed_traffic = rng.sample(["speed_bump", "sign", "crosswalk", "signal"], rng.randint(1, 3))
        facilities.append(Facility(
            school=school, region_code=school.region_code, enclosure_type="wall" if rng.random() < 0.8 else "mixed",
            enclosure_height_m=Decimal(str(round(rng.uniform(1.6 if rural else 2.0, 2.8), 1))),
            gate_duty_room=flagship or rng.random() < 0.97, closed_management=flagship or rng.random() < 0.9,
            vehicle_access=vehicle, anti_ramming_needed=vehicle or rng.random() < 0.3,
            anti_ramming_kinds=rng.sample(["railing", "bollard", "rising_bollard"], rng.randint(1, 2)) if barrier
            else [], parent_waiting_area=rng.random() < 0.7, traffic_needed=needed_traffic,
            traffic_installed=needed_traffic if rng.random() < 0.8 else needed_traffic[:-1]))
        if flagship or rng.random() < 0.92:
            for kind, lo, hi in ((EquipmentKind.SAFETY_FORK, 1, 6), (EquipmentKind.STAB_VEST, 1, 5),
                                 (EquipmentKind.SHIELD, 0, 3), (EquipmentKind.HELMET, 0, 4)):
                count = max(2, rng.randint(lo, hi)) if flagship else rng.randint(lo, hi)
                equipment.append(Equipment(school=school, region_code=school.region_code, kind=kind, count=count))
    flagship_guard = next(g for g in guards if g.school == ctx.flagship and g.category == GuardCategory.FULL_TIME)
    flagship_guard.name = ctx.users["menwei"].full_name  # the demo guard is on the flagship's roster
    Guard.objects.bulk_create(guards, batch_size=1000)
    Facility.objects.bulk_create(facilities, batch_size=1000)
    Equipment.objects.bulk_create(equipment, batch_size=1000)
