"""Demo inspections: a realistic month of joint inspections in 金坛区 under the district's and the city's
plans, with the Jiangsu checklist (江苏省八项措施, the district's own province), the failed items put on
the hazard ledger at the places where they were found, then the hazards moved along their life cycle
(most started, many submitted, a good share accepted) and the overdue ones escalated.

Everything goes through the services with ``now`` set in the past (never after ``ctx.now``), so
timelines, audit entries and ladder steps look as if the month had really happened. An inspection dated
before this semester began belongs to the district's plan of the previous semester.
"""

import datetime

from huxiao.core.demo import dated
from huxiao.hazards.demo import flagship_states, progress
from huxiao.hazards.ladder import apply_ladder
from huxiao.inspections.constants import JIANGSU_ITEMS
from huxiao.inspections.models import ChecklistTemplate, InspectionPlan
from huxiao.inspections.services import do_create_plan, do_record_inspection, semester_for

# per item of the Jiangsu checklist (in its order): (place, what was found) when it fails
FINDINGS = dict(zip([text for text, _category in JIANGSU_ITEMS], [
    [("校门口", "上放学时段校门口无护学岗人员定点执勤"), ("校门外道路", "护学岗执勤未覆盖午间放学时段")],
    [("门卫室", "专职保安员仅 1 名，未达配备标准"), ("门卫室", "保安员 1 人无保安员证"),
     ("门卫室", "保安员本年度未参加岗位培训")],
    [("学校大门", "校门口未设硬质防冲撞设施"), ("东侧围墙", "东侧围墙高 1.6 米，不足 2 米"),
     ("门卫室", "防护器械配备不足，缺防割手套")],
    [("门卫室", "一键式紧急报警未与公安联网"), ("监控室", "校门口视频监控未接入公安平台"), ("北侧围墙", "周界监控存在盲区")],
    [("门卫室", "外来人员登记不全，抽查 3 人未登记"), ("学校大门", "上课期间校门未关闭，未落实封闭管理"),
     ("门卫室", "门卫值班制度未上墙")],
    [("校门外 200 米", "校门外 200 米有网吧接纳未成年人"), ("学校周边", "周边出租屋人员底数不清")],
    [("校园警务室", "校园警务室未落实“五统一”"), ("行政楼", "法制副校长本学期未到校开展工作")],
    [("消防通道", "前次检查指出的消防通道堵塞未整改到位"), ("学校食堂", "食堂后门未上锁，前次检查已指出")],
], strict=True))
INSPECTED_DAYS = 30  # the joint inspections of the last month (the service takes records up to 30 days back)


def _district_plan(ctx, template, semester):
    season = "秋季" if semester.start.month >= 8 else "春季"  # 第一学期 from September, 第二学期 from February
    plan = do_create_plan({"name": f"金坛区{season}学期校园安全联合检查", "region": ctx.district, "times": 2,
                           "template": template, "joint": True, "semester": semester}, actor=ctx.users["jiaoyuju"])
    InspectionPlan.objects.filter(pk=plan.pk).update(created_at=ctx.at(semester.start, 9))  # made as it began
    return plan


def _partner(ctx, actor, school):
    """Joint inspections: an education official goes with the police, and the other way round."""
    users = ctx.users
    if school == ctx.flagship:
        return users["minjing"]  # the flagship's own station officer
    return users["fenju"] if actor in (users["duxue"], users["jiaoyuju"]) else users["duxue"]


def _results(ctx, rng, items, day, flagship):
    failed = sorted(rng.sample(range(len(items)), 3 if flagship else rng.choice((0, 1, 1, 2, 2, 3))))
    results = []
    for i, item in enumerate(items):
        r = {"item": item.pk, "passed": i not in failed, "note": ""}
        if i in failed:
            r["place"], r["note"] = rng.choice(FINDINGS[item.text])
            r["severity"] = "major" if rng.random() < 0.15 else "general"
            r["deadline"] = day + datetime.timedelta(days=rng.choice((7, 10, 15, 20, 30)))
            if flagship and i == failed[0]:  # the flagship's 重大 hazard, due the day it was found
                r["severity"], r["deadline"] = "major", day
        results.append(r)
    return results


def seed(ctx):
    rng, today, users = ctx.rng, ctx.today, ctx.users
    jiangsu = ChecklistTemplate.objects.get(builtin=True, name__startswith="江苏")
    items = list(jiangsu.items.order_by("order"))
    semester = semester_for(today)
    plans = {semester.pk: _district_plan(ctx, jiangsu, semester)}
    city = do_create_plan({"name": "常州市校园安全督导检查（八项措施）", "region": ctx.district.parent, "times": 2,
                           "template": jiangsu, "joint": True, "semester": semester}, actor=users["shijiaoyu"])
    InspectionPlan.objects.filter(pk=city.pk).update(created_at=ctx.at(semester.start, 9))
    # priority on rural, 城镇 and private schools (003 §三(一)); the flagship is inspected too
    schools = sorted(ctx.schools, key=lambda s: (s.setting == "urban" and s.ownership == "public", rng.random()))
    chosen = [ctx.flagship] + [s for s in schools if s != ctx.flagship][:34]
    inspectors = [users["duxue"], users["jiaoyuju"], users["fenju"]]
    for n, school in enumerate(chosen):
        back = INSPECTED_DAYS if n == 0 else 28 - (n * 27) // len(chosen)
        day = today - datetime.timedelta(days=back)
        now = ctx.at(day, 9 + n % 7)
        actor = users["duxue"] if n == 0 else rng.choice(inspectors)
        term = semester_for(day)
        if term.pk not in plans:
            plans[term.pk] = _district_plan(ctx, jiangsu, term)
        with dated(now):
            do_record_inspection(school, template=jiangsu, plan=plans[term.pk], actor=actor, inspected_on=day,
                                 joint=True, mode="unannounced" if n % 9 == 4 else "announced",
                                 inspectors=f"{actor.display_name}、{_partner(ctx, actor, school).display_name}",
                                 summary="现场查看校门、围墙、门卫室及监控室，查阅安保台账。",
                                 results=_results(ctx, rng, items, day, n == 0), now=now)
    progress(ctx, rng, today)
    flagship_states(ctx, today)
    with dated(ctx.now):
        apply_ladder(now=ctx.now)
