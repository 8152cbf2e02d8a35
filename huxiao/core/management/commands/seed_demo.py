"""Build the demo region (常州市金坛区) and each app's demo records, or a synthetic set of N schools.

``--now`` builds the demo as of another moment (an ISO 8601 time; default now): every record is dated
relative to it and none after it (tests/core/test_demo_consistency.py builds it for an early morning)."""

import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from huxiao.core.demo import DEMO_PASSWORD, DEMO_USERS, demo_loaded, seed_demo
from huxiao.core.demo_bulk import generate_schools
from huxiao.core.discovery import app_modules


class Command(BaseCommand):
    help = "生成演示区域（金坛区）；--schools N 额外生成 N 所合成学校（基准测试用）"

    def add_arguments(self, parser):
        parser.add_argument("--schools", type=int, default=0, help="额外生成的合成学校数（如 15000 或 520000）")
        parser.add_argument("--province", default=None, help="合成学校所在省份代码前缀（默认：≤2 万所为江苏 32，否则全国）")
        parser.add_argument("--seed", type=int, default=20261123)
        parser.add_argument("--now", default=None, help="演示数据的“当前时刻”（ISO 8601，默认为现在）")

    def handle(self, *args, schools, province, seed, now=None, **options):
        if demo_loaded():
            self.stdout.write("演示区域已存在，跳过。")
        else:
            ctx = seed_demo(seed, now=_moment(now))
            for app, module in app_modules("demo", include_core=False):
                module.seed(ctx)
                self.stdout.write(f"  {app} 演示数据已生成")
            self.stdout.write(self.style.SUCCESS(f"演示区域已生成：{len(ctx.schools)} 所金坛区学校"))
        if schools:
            generate_schools(schools, province=province, seed=seed, out=self.stdout)
        self.stdout.write(f"\n演示账号（密码均为 {DEMO_PASSWORD}）：")
        for username, full_name, role, _unit in DEMO_USERS:
            self.stdout.write(f"  {username:<12} {full_name:<6} {role.label}")


def _moment(text):
    if not text:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(f"--now 须为 ISO 8601 时间：{text}") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    if moment > timezone.now():
        raise CommandError("--now 不能晚于现在")
    return moment
