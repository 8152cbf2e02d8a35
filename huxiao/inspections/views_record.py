"""The on-site recording of an inspection (mobile-friendly): every checklist item pass or fail, with a note
and photos; a failed item becomes a hazard. Refusals go back onto the inputs they concern, led by their
Chinese labels (``results[2].note`` is the note of the third item)."""

import re

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from huxiao.core.attachments import store_files
from huxiao.core.forms import field_label
from huxiao.core.models import School
from huxiao.core.views import require_perm
from huxiao.hazards.choices import Severity
from huxiao.inspections import services
from huxiao.inspections.choices import InspectionMode
from huxiao.inspections.models import ChecklistTemplate, InspectionPlan

RECORD = "inspections.record_inspection"

FIELD_LABELS = {"school": _lazy("学校"), "inspected_on": _lazy("检查日期"), "mode": _lazy("方式"),
                "inspectors": _lazy("检查人员"), "summary": _lazy("检查小结"), "results": _lazy("检查项"),
                "template": _lazy("检查表"), "plan": _lazy("检查计划"), "joint": _lazy("联合检查")}
ITEM_LABELS = {"verdict": _lazy("结果"), "note": _lazy("情况说明"), "place": _lazy("隐患部位"),
               "severity": _lazy("等级"), "photos": _lazy("照片"), "deadline": _lazy("整改时限"),
               "measures": _lazy("整改措施"), "category": _lazy("隐患类别")}
ITEM_INPUTS = ("verdict", "note", "place", "severity", "photos")


def _sort_errors(errors: dict, items) -> tuple[dict, dict, list]:
    """Service and form errors by where the page shows them: the top fields, each checklist item's inputs
    (``results[n].note`` is the note of the n-th item), and one list led by the Chinese labels."""
    fields, per_item, listed = {}, {item.pk: {} for item in items}, []
    for key, message in errors.items():
        m = re.fullmatch(r"results\[(\d+)\]\.(\w+)", key)
        if m and int(m.group(1)) < len(items):
            item = items[int(m.group(1))]
            name = {"description": "note", "passed": "verdict"}.get(m.group(2), m.group(2))
            per_item[item.pk][name if name in ITEM_INPUTS else "verdict"] = message
            listed.append(_("第 %(n)d 项 %(f)s：%(m)s") % {
                "n": item.order, "f": ITEM_LABELS.get(name, name), "m": message})
        else:
            fields[key] = message
            listed.append(f"{field_label(key, FIELD_LABELS)}：{message}")
    return fields, per_item, listed


@require_perm(RECORD)
def inspection_create(request):
    schools = School.objects.visible_to(request.user, RECORD).order_by("region_code", "name")
    templates = ChecklistTemplate.objects.available_to(request.user)
    plans = InspectionPlan.objects.visible_to(request.user, "inspections.view_plan").select_related("template")
    src = request.POST if request.method == "POST" else request.GET
    template = templates.filter(pk=_pk(src.get("template"))).first() or templates.first()
    school = schools.filter(pk=_pk(src.get("school"))).first()
    plan = plans.filter(pk=_pk(src.get("plan"))).first()
    items = list(template.items.all()) if template else []
    errors, values = {}, {}
    if request.method == "POST":
        results = []
        for n, item in enumerate(items):
            verdict = request.POST.get(f"item-{item.pk}")
            note = request.POST.get(f"note-{item.pk}", "")
            values[item.pk] = {"verdict": verdict, "note": note, "severity": request.POST.get(f"severity-{item.pk}"),
                               "place": request.POST.get(f"place-{item.pk}", "")}
            if verdict not in ("pass", "fail"):
                errors[f"results[{n}].passed"] = _("请选择合格或不合格")
            results.append({"item": item.pk, "passed": verdict == "pass", "note": note,
                            "place": request.POST.get(f"place-{item.pk}", "")[:200],
                            "severity": request.POST.get(f"severity-{item.pk}") or None,
                            "files": request.FILES.getlist(f"photos-{item.pk}")})
        if school is None:
            errors["school"] = _("请选择学校")
        if not errors:
            try:
                with transaction.atomic():
                    for r in results:
                        r["photos"] = store_files(r.pop("files"), actor=request.user, school=school)
                    inspection = services.do_record_inspection(
                        school, template=template, plan=plan, actor=request.user,
                        inspected_on=request.POST.get("inspected_on") or "", joint=bool(request.POST.get("joint")),
                        mode=request.POST.get("mode", InspectionMode.ANNOUNCED),
                        inspectors=request.POST.get("inspectors", ""), summary=request.POST.get("summary", ""),
                        results=results)
            except ValidationError as exc:
                errors.update({k: "；".join(v) for k, v in exc.message_dict.items()})
            else:
                n = sum(1 for r in results if not r["passed"])
                messages.success(request, _("已保存检查记录，%(n)d 个不合格项已列入隐患台账") % {"n": n})
                return redirect("inspection-detail", pk=inspection.pk)
    fields, per_item, listed = _sort_errors(errors, items)
    return render(request, "inspections/inspection_form.html", {
        "schools": schools, "templates": templates, "plans": plans, "template": template, "school": school,
        "plan": plan, "items": [(i, values.get(i.pk, {}), per_item.get(i.pk, {})) for i in items],
        "field_errors": fields, "error_list": listed, "severities": Severity.choices,
        "modes": InspectionMode.choices, "post": request.POST, "today": timezone.localdate().isoformat(),
        "default_inspectors": request.user.display_name})


def _pk(value) -> int:
    return int(value) if value and str(value).isdigit() and len(str(value)) < 19 else 0
