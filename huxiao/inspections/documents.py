"""The inspection bulletin (检查通报) for a region and period, in the official layout of
huxiao.hazards.documents (000 §三(五)2: "及时在市、县范围通报检查情况，督促落实整改措施")."""

from django.db.models import Count, Q
from django.utils import timezone

from huxiao.core.models import Unit
from huxiao.hazards.choices import HazardStatus
from huxiao.hazards.documents import next_number, official_document, short_date
from huxiao.inspections.models import Inspection, InspectionResult


def bulletin(user, region, start, end) -> tuple[str, bytes]:
    inspections = Inspection.objects.visible_to(user, "inspections.issue_bulletin").filter(
        region_code__startswith=region.prefix, inspected_on__gte=start, inspected_on__lte=end)
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
    today = timezone.localdate()
    units = list(Unit.objects.filter(region_code=region.code, kind__in=["education", "police"]).order_by("kind"))
    issuers = ([u.name for u in units if u.kind == "education"][:1] + [u.name for u in units if u.kind == "police"][:1]
               ) or [region.name]
    period = f"{short_date(start)}至{short_date(end)}"
    title = f"关于{period}校园安全检查情况的通报"
    record = next_number("bulletin", region.code, today.year, title=title, actor=user)
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
    data = official_document(issuers=issuers, number=f"安检通〔{today.year}〕{record.seq}号", title=title,
                             recipients="各中小学幼儿园，各派出所：", paragraphs=paragraphs,
                             table=(["序号", "学校", "检查次数", "问题数"], rows, [1.5, 9.0, 2.5, 2.5]), tail=tail, signature=issuers,
                             date=today)
    return f"检查通报-{region.name}-{start:%Y%m%d}-{end:%Y%m%d}.docx", data
