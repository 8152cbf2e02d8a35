"""Import schools from the Excel template on the command line, with a progress bar."""

import sys

from django.core.management.base import BaseCommand, CommandError

from huxiao.core.importing import run_import
from huxiao.core.models import ImportJob, User


class Command(BaseCommand):
    help = "从 Excel 模板导入学校（全部成功或全部不导入）"

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--user", required=True, help="以该账号的管辖范围导入")

    def handle(self, *args, path, user, **options):
        try:
            actor = User.objects.get(username=user)
        except User.DoesNotExist as exc:
            raise CommandError(f"账号不存在：{user}") from exc
        job = ImportJob.objects.create(original_name=path, path=path, created_by=actor)

        def bar(done, total):
            width = 40
            filled = int(width * done / total) if total else width
            sys.stderr.write(f"\r校验 [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
            sys.stderr.flush()

        job = run_import(job, progress_every=bar)
        sys.stderr.write("\n")
        if job.status == "done":
            self.stdout.write(self.style.SUCCESS(f"已导入 {job.imported} 所学校"))
            return
        for e in job.errors[:200]:
            where = f"第 {e['row']} 行 {e['column']}" if e["row"] else "文件"
            self.stderr.write(f"{where}：{e['message']}")
        raise CommandError(f"发现 {len(job.errors)} 处错误，未导入任何数据")
