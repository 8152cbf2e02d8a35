"""The inspection bulletin (检查通报) for a region and period, in the official layout of
huxiao.hazards.documents (000 §三(五)2: "及时在市、县范围通报检查情况，督促落实整改措施").

It is numbered when it is issued (``do_issue_bulletin``, on an explicit POST) and kept as issued:
downloads lay out the kept content again, with the same number."""

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from huxiao.core.models import Unit
from huxiao.core.regions import q_within
from huxiao.hazards.choices import HazardStatus
from huxiao.hazards.documents import issue_document, short_date
from huxiao.hazards.models import IssuedDocument
from huxiao.inspections.models import Inspection, InspectionResult


def bulletins_of(user, region=None):
    """Issued bulletins within the user's reach for issuing them (of ``region`` only, when given)."""
    qs = IssuedDocument.objects.filter(kind="bulletin").visible_to(user, "inspections.issue_bulletin")
    return qs.filter(region_code=region.code) if region is not None else qs


def do_issue_bulletin(user, region, start, end) -> tuple[IssuedDocument, bool]:
    """签发 the bulletin of ``region`` for ``start``..``end``. Returns (document, created): the same region
    and period issued again the same day gives back the one already issued."""
    today = timezone.localdate()
    with transaction.atomic():
        same = IssuedDocument.objects.select_for_update().filter(
            kind="bulletin", region_code=region.code, year=today.year, issued_at__date=today).order_by("-seq")
        for doc in same[:20]:
            if doc.content.get("period") == [start.isoformat(), end.isoformat()]:
                return doc, False
        doc = _issue(user, region, start, end)
    return doc, True


def _issue(user, region, start, end) -> IssuedDocument:
    inspections = Inspection.objects.visible_to(user, "inspections.issue_bulletin").live().filter(
        q_within(region), inspected_on__gte=start, inspected_on__lte=end)
    results = InspectionResult.objects.filter(inspection__in=inspections)
    failed = results.filter(passed=False)
    schools = inspections.values("school").distinct().count()
    joint = inspections.filter(joint=True).count()
    unannounced = inspections.filter(mode="unannounced").count()
    hazards = failed.filter(hazard__isnull=False)
    closed = hazards.filter(hazard__status=HazardStatus.CLOSED).count()
    per_school = (inspections.values("school__name").annotate(
        n=Count("id", distinct=True), failed=Count("results", filter=Q(results__passed=False)))
        .order_by("-failed", "school__name"))
    by_item = failed.values("item__text").annotate(n=Count("id")).order_by("-n")[:8]
    units = list(Unit.objects.filter(region_code=region.code, kind__in=["education", "police"]).order_by("kind"))
    issuers = ([u.name for u in units if u.kind == "education"][:1] + [u.name for u in units if u.kind == "police"][:1]
               ) or [region.name]
    period = f"{short_date(start)}至{short_date(end)}"
    title = f"关于{period}校园安全检查情况的通报"
    paragraphs = [
        f"{period}，{region.name}教育、公安部门对辖区中小学幼儿园开展校园安全检查督导"
        f"{inspections.count()}次（其中联合检查{joint}次、暗访{unannounced}次），覆盖学校{schools}所，"
        f"检查项目{results.count()}项，发现问题隐患{failed.count()}处，已全部列入隐患台账挂账督办，"
        f"截至通报之日已整改销号{closed}处。现将有关情况通报如下。",
        "# 一、检查发现的主要问题",
        *[f"{i}. {row['item__text']}：{row['n']}处。" for i, row in enumerate(by_item, start=1)],
        "# 二、各校检查情况",
    ]
    rows = [(i, r["school__name"], r["n"], r["failed"]) for i, r in enumerate(per_school, start=1)]
    tail = [
        "# 三、工作要求",
        "各学校要对照问题清单，逐项明确整改措施、责任人和时限，按期整改到位并报请验收销号；"
        "各地教育、公安部门要建立教育、公安部门和学校三方督办整改责任捆绑机制，做到隐患排查不到位不放过、问题整改不到位不放过。"
        "对逾期未整改的，将予以通报、约谈；重大隐患逾期未整改的，由上一级挂牌督办。",
    ]
    layout = {"issuers": issuers, "title": title, "recipients": "各中小学幼儿园，各派出所：", "paragraphs": paragraphs,
              "table": [["序号", "学校", "检查次数", "问题数"], [list(r) for r in rows], [1.5, 9.0, 2.5, 2.5]],
              "tail": tail, "signature": issuers}
    return issue_document("bulletin", region.code, title=title, actor=user, layout=layout,
                         filename=f"检查通报-{region.name}-{start:%Y%m%d}-{end:%Y%m%d}.docx",
                         number_for=lambda seq, year: f"安检通〔{year}〕{seq}号",
                         extra={"period": [start.isoformat(), end.isoformat()]})
