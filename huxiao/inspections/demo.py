"""Demo inspections: a realistic month of joint inspections in 金坛区 under the district's and the city's
plans, the failed items put on the hazard ledger, then the hazards moved along their life cycle (most
started, many submitted, a good share accepted) and the overdue ones escalated.

Everything goes through the services with ``now`` set in the past, so timelines, audit entries and
ladder steps look as if the month had really happened.
"""

import datetime

from django.utils import timezone

from huxiao.hazards.demo import at, flagship_states, progress
from huxiao.hazards.ladder import apply_ladder
from huxiao.inspections.models import ChecklistTemplate
from huxiao.inspections.services import do_create_plan, do_record_inspection, semester_for

NOTES = {
    "安保制度是否健全": ["门卫值班制度未上墙", "安全检查记录不完整，10 月缺 2 周"],
    "保卫力量配备是否达标": ["专职保安员仅 1 名，未达配备标准", "保安员 1 人无保安员证"],
    "落实安保制度是否严格": ["外来人员登记不全，抽查 3 人未登记", "上放学时段校门口无专人看护"],
    "技防物防设施是否齐全": ["一键式紧急报警未与公安联网", "东侧围墙高 1.6 米，不足 2 米", "校门口未设硬质防冲撞设施"],
    "校园周边防控机制是否落实": ["校门外 200 米有网吧接纳未成年人", "周边出租屋人员底数不清"],
    "应急处置预案及演练是否到位": ["本学期未开展应急疏散演练", "应急预案未按新规修订"],
}


def seed(ctx):
    rng, today = ctx.rng, timezone.localdate()
    users = ctx.users
    baicheng = ChecklistTemplate.objects.get(builtin=True, name__startswith="白城")
    jiangsu = ChecklistTemplate.objects.get(builtin=True, name__startswith="江苏")
    semester_for(today)
    plan = do_create_plan({"name": "金坛区秋季学期校园安全联合检查", "region": ctx.district, "times": 2,
                           "template": baicheng, "joint": True}, actor=users["jiaoyuju"])
    do_create_plan({"name": "常州市校园安全督导检查（八项措施）", "region": ctx.district.parent, "times": 2,
                    "template": jiangsu, "joint": True}, actor=users["shijiaoyu"])
    # priority on rural, 城镇 and private schools (003 §三(一)); the flagship is inspected too
    schools = sorted(ctx.schools, key=lambda s: (s.setting == "urban" and s.ownership == "public", rng.random()))
    chosen = [ctx.flagship] + [s for s in schools if s != ctx.flagship][:34]
    inspectors = [users["duxue"], users["jiaoyuju"], users["fenju"]]
    for n, school in enumerate(chosen):
        day = today - datetime.timedelta(days=28 - (n * 27) // len(chosen)) if n else today - datetime.timedelta(30)
        now = at(day, 9 + n % 7)
        actor = users["duxue"] if n == 0 else rng.choice(inspectors)
        items = list(baicheng.items.all())
        failed = set(rng.sample(range(len(items)), 3 if n == 0 else rng.choice((0, 1, 1, 2, 2, 3))))
        results = []
        for i, item in enumerate(items):
            r = {"item": item.pk, "passed": i not in failed, "note": ""}
            if i in failed:
                r["note"] = rng.choice(NOTES[item.text])
                r["severity"] = "major" if rng.random() < 0.15 else "general"
                r["deadline"] = day + datetime.timedelta(days=rng.choice((7, 10, 15, 20, 30)))
            results.append(r)
        do_record_inspection(school, template=baicheng, plan=plan, actor=actor, inspected_on=day, joint=True,
                             mode="unannounced" if n % 9 == 4 else "announced",
                             inspectors=f"{users['duxue'].display_name}、{users['minjing'].display_name}",
                             summary="现场查看校门、围墙、门卫室及监控室，查阅安保台账。", results=results, now=now)
    progress(ctx, rng, today)
    flagship_states(ctx, today)
    apply_ladder(now=timezone.now())
