"""The dashboard's Excel export carries exactly the figures the dashboard shows for the day picked (as_of):
the rates from that day's snapshot or re-evaluated from the records' dates, the failing schools of that day;
a bad day is refused by name and nothing is exported or audited."""

import datetime
import io

from django.utils import timezone
from openpyxl import load_workbook

from huxiao.compliance.models import RateSnapshot
from huxiao.compliance.services import evaluate_all, take_snapshot
from huxiao.core.models import AuditLog, School
from tests.defense.fixtures import add_guard, set_facility

JINTAN = "region=320413&campaign=jintan-2023"


def _sheet(response, name, min_row):
    assert response.status_code == 200, response.content[:300]
    return list(load_workbook(io.BytesIO(response.content))[name].iter_rows(min_row=min_row, values_only=True))


def _rates(response):
    return {row[0]: row for row in _sheet(response, "达标率", 3) if row and row[0]}


def test_export_as_of_a_snapshot_day_has_the_dashboards_figures_of_that_day(world, client_for):
    set_facility(world.schools["a1"])
    evaluate_all()
    day = timezone.localdate() - datetime.timedelta(days=30)
    take_snapshot(day)
    RateSnapshot.objects.filter(day=day, rule_id="JT-1", region_prefix__in=["320413", "320413001"]).update(met=0)
    c = client_for(world.users["edu_a"])
    api = c.get(f"/api/v1/compliance/rates?{JINTAN}&as_of={day.isoformat()}").json()
    jt1_api = next(r for r in api["rules"] if r["rule_id"] == "JT-1")
    assert (jt1_api["applicable"], jt1_api["met"]) == (2, 0)

    past = c.get(f"/compliance/export.xlsx?{JINTAN}&as_of={day.isoformat()}")
    assert f"{day:%Y%m%d}" in past["Content-Disposition"]
    title = _sheet(past, "达标率", 1)[0][0]
    assert f"截至 {day.isoformat()} 日终（当日快照）" in title
    jt1 = _rates(past)["JT-1"]
    assert jt1[6:10] == (2, 0, 2, 0.0) and jt1[-1] == "当日快照"
    live = _rates(c.get(f"/compliance/export.xlsx?{JINTAN}"))["JT-1"]
    assert live[6:10] == (2, 1, 1, 0.5) and live[-1] == "实时"

    page = c.get(f"/compliance/?{JINTAN}&as_of={day.isoformat()}").content.decode()
    assert f"export.xlsx?{JINTAN}&as_of={day.isoformat()}\"" in page  # the page's button exports that day
    entry = AuditLog.objects.filter(event="core.export").order_by("-pk")[1]
    assert day.isoformat() in entry.object_repr


def test_export_as_of_a_day_without_snapshot_lists_the_schools_failing_that_day(world, client_for):
    a1 = world.schools["a1"]
    long_ago = timezone.now() - datetime.timedelta(days=90)
    School.objects.filter(pk=a1.pk).update(created_at=long_ago)
    day = timezone.localdate() - datetime.timedelta(days=10)
    add_guard(a1, name="早到", hired=day - datetime.timedelta(days=100))
    evaluate_all()
    from huxiao.defense.models import Guard

    Guard.objects.update(created_at=long_ago)
    c = client_for(world.users["edu_a"])
    query = f"region=320413&campaign=gbt29315-2022&as_of={day.isoformat()}"
    api = c.get(f"/api/v1/compliance/rates?{query}").json()
    assert api["source"] == "records"
    response = c.get(f"/compliance/export.xlsx?{query}")
    rows = _rates(response)
    for rule in api["rules"]:
        assert rows[rule["rule_id"]][6:8] == (rule["applicable"], rule["met"]), rule["rule_id"]
    failing = _sheet(response, "未达标学校", 2)
    schools = {r[0] for r in failing}
    assert schools == {a1.name}  # a2 was registered today: not a school of that day
    not_met = {r["rule_id"] for r in api["rules"] if r["applicable"] - r["met"]}
    assert {r[2] for r in failing} == not_met
    guard_rows = [r for r in failing if r[2] == "GB-JF-1"]
    assert guard_rows and guard_rows[0][1] == a1.region_code and guard_rows[0][4]


def test_export_refuses_a_bad_day_by_name_and_exports_nothing(world, client_for):
    evaluate_all()
    c = client_for(world.users["edu_a"])
    before = AuditLog.objects.filter(event="core.export").count()
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for bad, words in ((tomorrow, "不能晚于今天"), ("2026-13-01", "截至日期")):
        r = c.get(f"/compliance/export.xlsx?{JINTAN}&as_of={bad}")
        assert r.status_code == 400 and r["Content-Type"].startswith("text/html")
        html = r.content.decode()
        assert "截至日期：" in html and words in html
    assert AuditLog.objects.filter(event="core.export").count() == before
