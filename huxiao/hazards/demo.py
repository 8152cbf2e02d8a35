"""Demo records of the hazard ledger: monthly self-checks with a few missing (flagged), and the steps
that move hazards through their life cycle (``progress``, ``flagship_states``), which the inspections demo
takes once its month of joint inspections has put hazards on the ledger (huxiao/inspections/demo.py).

Everything goes through the services with ``now`` set in the past (never after ``ctx.now``), so
timelines, ladder steps and the notifications they send look as if the month had really happened; a
hazard is reported with its real severity and deadline, never changed behind its notifications' back.
"""

import datetime

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from huxiao.core.attachments import do_store_attachment
from huxiao.core.choices import Role
from huxiao.core.demo import dated
from huxiao.core.models import RoleAssignment, User
from huxiao.hazards import services
from huxiao.hazards.selfcheck import do_file_self_check, flag_missing_self_checks, previous_month

PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89"
       b"\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02\xfe\xa75\x81\x84\x00\x00\x00\x00IEND\xaeB`\x82")


def _school_principal(school, rng):
    user, created = User.objects.get_or_create(username=f"xz{school.code}", defaults={
        "full_name": school.principal_name or "校长"})
    if created:
        user.set_unusable_password()
        user.save(update_fields=["password"])
        RoleAssignment.objects.get_or_create(user=user, role=Role.PRINCIPAL, unit=school.unit)
    return user


def _photo(actor, school, now, name):
    return do_store_attachment(SimpleUploadedFile(name, PNG, content_type="image/png"), actor=actor,
                               school=school).pk


def at(day, hour):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, 0)))


def _step(action, hazard, moment, **kwargs):
    """One step of a hazard's life through its service, at ``moment`` (its notifications dated then)."""
    with dated(moment):
        return action(hazard, now=moment, **kwargs)


def seed(ctx):
    _self_checks(ctx, ctx.rng, ctx.today)
    with dated(ctx.now):
        flag_missing_self_checks(now=ctx.now)


def progress(ctx, rng, today):
    """Move the month's hazards along: most started, many submitted, a good share accepted and closed."""
    from huxiao.hazards.models import Hazard

    closers = [ctx.users["duxue"], ctx.users["jiaoyuju"], ctx.users["fenju"]]
    for h in Hazard.objects.select_related("school").exclude(school=ctx.flagship).order_by("pk"):
        principal = _school_principal(h.school, rng)
        roll = rng.random()
        start = h.found_on + datetime.timedelta(days=rng.randint(1, 3))
        if roll < 0.15 or start >= today:
            continue  # 待整改
        _step(services.do_start_rectification, h, ctx.at(start, 10), actor=principal, note="已制定整改方案")
        done = start + datetime.timedelta(days=rng.randint(2, 12))
        if roll < 0.35 or done >= today:
            continue  # 整改中 (some of these run overdue)
        photo = _photo(principal, h.school, done, "整改后.png")
        _step(services.do_submit_rectification, h, ctx.at(done, 15), actor=principal,
              note="已按要求整改完毕，附整改后照片", evidence=[photo])
        check = done + datetime.timedelta(days=rng.randint(1, 4))
        if roll < 0.5 or check >= today:
            continue  # 待验收
        closer = rng.choice(closers)
        if roll < 0.58:
            _step(services.do_rework_hazard, h, ctx.at(check, 11), actor=closer, note="复查未达标，请继续整改")
            continue
        _step(services.do_close_hazard, h, ctx.at(check, 11), actor=closer, note="现场复查，整改到位，同意销号")


def flagship_states(ctx, today):
    """xiaozhang's school shows every state: 待整改, 整改中 (overdue), 待验收 and 已销号. Its first hazard is
    the 重大 one its inspection found a month ago, due the same day (挂牌督办 at the city level)."""
    from huxiao.hazards.models import Hazard

    school, u = ctx.flagship, ctx.users
    hazards = list(Hazard.objects.filter(school=school).order_by("pk"))
    h_overdue, h_awaiting, h_closed = hazards[:3]
    d = today - datetime.timedelta(days=20)
    _step(services.do_start_rectification, h_overdue, ctx.at(d, 10), actor=u["anbao"], note="已联系施工单位")
    for h, actor in ((h_awaiting, u["anbao"]), (h_closed, u["xiaozhang"])):
        _step(services.do_start_rectification, h, ctx.at(d, 11), actor=actor, note="已安排整改")
        photo = _photo(actor, school, d, "整改照片.png")
        _step(services.do_submit_rectification, h, ctx.at(d + datetime.timedelta(days=5), 15), actor=actor,
              note="整改完成，请验收", evidence=[photo])
    _step(services.do_close_hazard, h_closed, ctx.at(d + datetime.timedelta(days=7), 10), actor=u["minjing"],
          note="复查合格，同意销号")
    reported = ctx.at(today - datetime.timedelta(2), 8)
    with dated(reported):
        services.do_report_hazard(school, {
            "place": "学校南门外", "description": "上放学时段家长车辆占道，缺少人行横道和减速带", "category": "traffic",
            "severity": "general", "source": "patrol", "responsible_unit": "金坛分局交警大队",
            "responsible_person": "交警中队长", "measures": "施划人行横道、设置减速带", "deadline":
                today + datetime.timedelta(days=12)}, actor=u["minjing"], now=reported)


def _self_checks(ctx, rng, today):
    """Last month's self-check of most schools (the flagship's among them), filed on its 28th, and this
    month's of some, filed on a day of this month up to now."""
    last = previous_month(today)
    for school in ctx.schools + ctx.sibling_schools:
        if school == ctx.flagship:
            actor = ctx.users["anbao"]
        else:
            actor = _school_principal(school, rng)
        if rng.random() < 0.9 or school == ctx.flagship:
            do_file_self_check(school, last, actor=actor, no_hazards=True, note="对校门、围墙、消防通道逐项自查",
                               now=ctx.at(last.replace(day=28), 16))
        if rng.random() < 0.4 and school != ctx.flagship:
            filed = at(today.replace(day=rng.randint(1, today.day)), rng.randint(8, 17))
            if filed <= ctx.now:  # a moment of today still to come: not filed yet
                do_file_self_check(school, today, actor=actor, no_hazards=True, note="本月自查未发现隐患",
                                   now=filed)
