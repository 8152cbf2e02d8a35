"""Run the overdue ladder and the missing self-check flags now, or as of another day (to move the clock
in a demo or an acceptance check): ``manage.py hazard_ladder --at 2026-12-31``."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huxiao.hazards.ladder import apply_ladder
from huxiao.hazards.selfcheck import flag_missing_self_checks


class Command(BaseCommand):
    help = "执行隐患逾期督办阶梯和月度自查缺报标记（--at 指定日期，模拟时间推移）"

    def add_arguments(self, parser):
        parser.add_argument("--at", help="按该日期执行（YYYY-MM-DD），默认现在")

    def handle(self, *args, at=None, **options):
        now = timezone.now()
        if at:
            try:
                day = datetime.date.fromisoformat(at)
            except ValueError as exc:
                raise CommandError("--at 应为 YYYY-MM-DD") from exc
            now = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
        steps = apply_ladder(now=now)
        flags = flag_missing_self_checks(now=now)
        for step in steps:
            self.stdout.write(f"{step.hazard.number} {step.get_level_display()} 逾期 {step.overdue_days} 天")
        self.stdout.write(self.style.SUCCESS(f"督办 {len(steps)} 条，自查缺报 {len(flags)} 所"))
