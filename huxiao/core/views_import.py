"""School import pages: template download, upload, progress and the per-row report."""

import uuid

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from huxiao.core.audit import record_read
from huxiao.core.forms import ImportForm
from huxiao.core.import_pages import posted_upload
from huxiao.core.importing import reap_stale_imports, template_workbook
from huxiao.core.models import ImportJob
from huxiao.core.records.export import XLSX
from huxiao.core.records.views import require_perm
from huxiao.core.tasks import import_schools_task


@require_perm("core.import_school")
def import_template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''%E5%AD%A6%E6%A0%A1%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"
    return response


@require_perm("core.import_school")
def import_page(request):
    form = ImportForm(request.POST or None, request.FILES or None)
    upload = posted_upload(request, form)
    if upload is not None:
        folder = settings.VAR_DIR / "imports"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{uuid.uuid4().hex}.xlsx"
        with open(path, "wb") as fh:
            for chunk in upload.chunks():
                fh.write(chunk)
        job = ImportJob.objects.create(original_name=upload.name[:255], path=str(path), created_by=request.user)
        import_schools_task(job.pk)
        return redirect("school-import-job", pk=job.pk)
    jobs = ImportJob.objects.filter(created_by=request.user)[:10]
    return render(request, "core/import.html", {"form": form, "jobs": jobs})


@require_perm("core.import_school")
def import_job(request, pk):
    job = get_object_or_404(ImportJob, pk=pk, created_by=request.user)
    if job.status in ImportJob.RUNNING and reap_stale_imports(pk=job.pk):
        job.refresh_from_db()  # its worker had died: retried or failed, with the reason shown below
    partial = bool(request.headers.get("HX-Request"))
    template = "core/import_progress.html" if partial else "core/import_job.html"
    if job.status == "done" and not partial:
        messages.success(request, _("已导入 %(n)d 所学校") % {"n": job.imported})
    if job.finished:  # the report (row by row, naming schools) is what is read; progress polls are not
        record_read(job, actor=request.user, request=request, what=_("学校导入报告"),
                    count=len(job.errors) if job.errors else job.imported)
    return render(request, template, {"job": job})
