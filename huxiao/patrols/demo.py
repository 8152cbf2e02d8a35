"""Demo 护学岗 records for the demo district: posts at the schools that must have one (a few still
missing, so 设置率 is not 100 %), 村校联防 posts at some rural schools, the station's police and each
school's guard on the rosters, and a simulated duty around the gate opening and afternoon dismissal of
the last school days — most on time, some late, one window missing, one arrival outside the fence —
with patrols (most city schools twice a day, some once) and liaison visits, so the dashboard is alive.
Boarding schools have a timetable with their weekly 寄宿生离校 and 返校 times, and their posts the
weekly windows.

Everything goes through the services, like the phones would (the check-ins in the district supervisor's
name, the flagship school's in its guard's).
"""

import datetime
import uuid

from django.db.models import F
from django.utils import timezone

from huxiao.core.actions import SYSTEM
from huxiao.core.choices import Setting
from huxiao.core.demo import mobile, person_name
from huxiao.core.models import School
from huxiao.patrols import duty, services, slots
from huxiao.patrols.choices import PostKind, WindowKind
from huxiao.patrols.counts import patrol_required_q, post_required_q
from huxiao.patrols.models import CheckIn, Person, Post

DAYS = 3  # school days of simulated duty, today included when its windows have passed
WITHOUT_POST = 3  # schools that must have a post but have none yet


def _mark_central_schools(ctx):
    """One township central school per town of a rural/town setting (the registry's flag of 000 八项措施)."""
    seen = set()
    for school in sorted(ctx.schools, key=lambda s: (s.region_code, -s.students)):
        if school.setting != Setting.URBAN and school.region_code not in seen and school.school_type != "kindergarten":
            seen.add(school.region_code)
            School.objects.filter(pk=school.pk).update(township_central=True)


def _posts(ctx, rng):
    schools = list(School.objects.filter(pk__in=[s.pk for s in ctx.schools], latitude__isnull=False)
                   .order_by("code"))
    required = set(School.objects.filter(post_required_q(), pk__in=[s.pk for s in schools])
                   .values_list("pk", flat=True))
    skipped = [s for s in schools if s.pk in required and s != ctx.flagship][:WITHOUT_POST]
    posts = []
    for school in schools:
        if school in skipped:
            continue
        if school.pk in required:
            kind = PostKind.POLICE if school.setting == Setting.URBAN or rng.random() < .5 else PostKind.SCHOOL
        elif rng.random() < .6:
            kind = PostKind.VILLAGE
        else:
            continue
        posts.append(services.do_create_post(school, {
            "name": "校门护学岗" if kind != PostKind.VILLAGE else "村校联防岗", "kind": kind,
            "latitude": float(school.latitude), "longitude": float(school.longitude), "datum": "wgs84",
            "windows": ["gate_open", "afternoon"]}, actor=SYSTEM))
    return posts


BOARDING_LEAVE = datetime.time(15, 0)  # 寄宿生离校 on the last school day before days off
BOARDING_RETURN = datetime.time(18, 30)  # 寄宿生返校 on the evening before school resumes


def _boarding_times(posts):
    """The boarding schools' timetables: the registry's daily bells kept, their weekly 离校 and 返校 times
    added, and their posts manned for the weekly windows too."""
    boarding = [p for p in posts if p.school.boarding]
    for post in boarding:
        school = post.school
        services.do_set_timetable(school, "summer", {
            "starts_on_month": 1, "starts_on_day": 1, "gate_open_time": school.gate_open_time,
            "noon_dismissal_time": school.noon_dismissal_time,
            "afternoon_dismissal_time": school.afternoon_dismissal_time,
            "boarding_leave_time": BOARDING_LEAVE, "boarding_return_time": BOARDING_RETURN}, actor=SYSTEM)
        post.windows = [*post.window_kinds(), WindowKind.BOARDING_LEAVE, WindowKind.BOARDING_RETURN]
    Post.objects.bulk_update(boarding, ["windows"])
    slots.refresh([p.pk for p in boarding])


def _people(ctx, rng, post):
    school = post.school
    officer = services.do_register_person(school, {
        "name": person_name(rng), "kind": "police" if rng.random() < .5 else "auxiliary",
        "unit_name": school.police_station.name if school.police_station_id else "金坛分局",
        "phone": mobile(rng)}, actor=SYSTEM)
    kind = {PostKind.VILLAGE: rng.choice(["cadre", "militia", "activist"]), PostKind.SCHOOL: "staff"}.get(
        post.kind, "security")
    guard = services.do_register_person(school, {"name": person_name(rng), "kind": kind,
                                                 "unit_name": school.name, "phone": mobile(rng)}, actor=SYSTEM)
    if school == ctx.flagship:
        Person.objects.filter(pk=guard.pk).update(user=ctx.users["menwei"], name=ctx.users["menwei"].full_name)
        Person.objects.filter(pk=officer.pk).update(user=ctx.users["minjing"], name=ctx.users["minjing"].full_name,
                                                    kind="police")
    for weekday in range(5):
        for window in post.window_kinds():
            services.do_add_roster(post, guard, {"weekday": weekday, "window": window,
                                                 "valid_from": ctx.today - datetime.timedelta(days=60)}, actor=SYSTEM)
    return Person.objects.get(pk=officer.pk), Person.objects.get(pk=guard.pk)


def _school_days(schools, today, now):
    days, day = [], today
    while len(days) < DAYS:
        if any(duty.duty_days(schools, day).values()):
            days.append(day)
        day -= datetime.timedelta(days=1)
    return days


def _check(post, person, kind, when, actor, rng, *, outside=False, mode="fixed"):
    offset = 0.0045 if outside else rng.uniform(-0.0003, 0.0003)  # about 500 m off, or within 35 m
    body = {"client_key": uuid.uuid4(), "post_id": post.pk, "person_id": person.pk, "kind": kind,
            "mode": mode, "device_time": when, "latitude": post.latitude + offset,
            "longitude": post.longitude + rng.uniform(-0.0003, 0.0003), "accuracy_m": round(rng.uniform(4, 25), 1)}
    services.do_check_in(post, body, actor=actor)


def _simulate(ctx, rng, posts, people):
    now = ctx.now
    actor = ctx.users["fenju"]
    days = _school_days([p.school for p in posts], ctx.today, now)
    patrolled = set(School.objects.filter(patrol_required_q(), pk__in=[p.school_id for p in posts])
                    .values_list("pk", flat=True))
    missing_done = outside_done = False
    for day in days:
        for post in posts:
            officer, guard = people[post.pk]
            signer = ctx.users["menwei"] if post.school == ctx.flagship else actor
            for window in duty.windows_of(post, day):
                if window.missing_after > now:
                    continue
                if not missing_done and post.school != ctx.flagship:
                    missing_done = True  # one window nobody came to
                    continue
                late = rng.random() < .12
                arrive = window.start + datetime.timedelta(minutes=rng.randint(2, 14) if late else -rng.randint(0, 10))
                arrive = min(arrive, now)
                outside = not outside_done and post.school != ctx.flagship
                outside_done = True
                _check(post, guard, "check_in", arrive, signer, rng, outside=outside)
                after = datetime.timedelta(minutes=rng.randint(0, 5))
                # a weekly window's check-out falls inside it: just after it, it would belong to the
                # afternoon window that follows (not checked in to yet)
                leave = window.end + after if window.kind in duty.BELL_FIELDS else window.end - after
                if leave < now:
                    _check(post, guard, "check_out", leave, signer, rng)
            if post.school_id in patrolled:
                for hour in (9, 14)[:1 if rng.random() < .2 else 2]:
                    when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, rng.randint(0, 50))))
                    if when < now:
                        _check(post, officer, "patrol", when, actor, rng, mode=rng.choice(["car", "foot"]))
            if rng.random() < .25:
                when = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10, rng.randint(0, 59))))
                if when < now:
                    _check(post, officer, "liaison", when, actor, rng)


def seed(ctx):
    rng = ctx.rng
    _mark_central_schools(ctx)
    posts = _posts(ctx, rng)
    _boarding_times(posts)
    people = {post.pk: _people(ctx, rng, post) for post in posts}
    Post.objects.filter(pk__in=[p.pk for p in posts]).update(
        created_at=ctx.now - datetime.timedelta(days=60))
    _simulate(ctx, rng, Post.objects.filter(pk__in=[p.pk for p in posts]).select_related("school"), people)
    # the phones were online: each check-in reached the server seconds after it was made, not when the
    # demo was built
    CheckIn.objects.filter(post__in=posts).update(received_at=F("device_time") + datetime.timedelta(seconds=3))
