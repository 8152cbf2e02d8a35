"""The page of an Excel import built on ``core.import_rows``: download the template, upload a file, read
the report (every bad row at once, nothing written) or what was written.

The import runs in the request: these files are a district's or a school's records (at most
``import_rows.MAX_ROWS`` rows), and a device import's answer carries each new device's secret, which must
be shown once and never stored in a form anyone could read again (a background job would have to keep
it until the page is read)."""

from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from huxiao.core.forms import ImportForm
from huxiao.core.import_rows import FileRejected, RowsRejected, read_workbook, summary, template_workbook
from huxiao.core.records.export import XLSX


@dataclass
class ImportSpec:
    what: str  # the records, in Chinese ("安保人员")
    fields: list
    run: object  # (rows, actor, source) -> [(row, Outcome)]; raises RowsRejected
    back_url: str = ""  # the list the records land in
    shows_secrets: bool = False


def upload_problem(upload) -> str | None:
    if upload.size == 0:
        return _("文件为空：%(n)s") % {"n": upload.name}
    if upload.size > settings.IMPORT_MAX_BYTES:
        return _("文件过大：%(n)s 超过 %(m)d MB") % {"n": upload.name, "m": settings.IMPORT_MAX_BYTES // 1048576}
    head = upload.read(4)
    upload.seek(0)
    if not upload.name.lower().endswith(".xlsx") or head != b"PK\x03\x04":
        return _("文件类型不正确：%(n)s 不是 Excel（.xlsx）文件") % {"n": upload.name}
    return None


def posted_upload(request, form):
    """The file a POST uploaded, once the form and the file are acceptable (else None, the problem on
    the form's ``file``)."""
    if request.method != "POST" or not form.is_valid():
        return None
    upload = form.cleaned_data["file"]
    problem = upload_problem(upload)
    if problem:
        form.add_error("file", problem)
        return None
    return upload


def import_page(request, spec: ImportSpec, template_name: str):
    """GET: the form (``?template=1``: the template workbook); POST: import the uploaded file."""
    if request.method == "GET" and request.GET.get("template"):
        response = HttpResponse(template_workbook(spec.fields, spec.what), content_type=XLSX)
        response["Content-Disposition"] = "attachment; filename=import-template.xlsx"
        return response
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"spec": spec, "form": form, "errors": None, "outcomes": None}
    upload = posted_upload(request, form)
    if upload is not None:
        try:
            rows = read_workbook(upload, spec.fields, spec.what)
            outcomes = spec.run(rows, request.user, f"excel:{upload.name[:100]}")
        except FileRejected as exc:
            form.add_error("file", str(exc))
        except RowsRejected as exc:
            context["errors"] = exc.errors
        else:
            context["outcomes"] = outcomes
            context["counts"] = summary(outcomes)
    if form.errors:
        form.fields["file"].widget.attrs["class"] = "form-control is-invalid"
    status = 400 if request.method == "POST" and (context["errors"] or form.errors) else 200
    response = render(request, template_name, context, status=status)
    response["Cache-Control"] = "no-store"  # a device import's answer holds secrets shown once
    return response
