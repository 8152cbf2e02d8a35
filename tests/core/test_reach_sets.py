"""Reach over a set of regions and schools (issue 13 item 8): a record of district A linked into district B
(``core.ReachLink``) is found there by ``visible_to`` in the same single query, opened through the pages
and API, and stays out of reach for everyone else. Tested on the hazard ledger with
``SCOPE_EXTRA_REACH`` switched on for the test: no test-only model, no test-only migration."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from huxiao.core import reach_links
from huxiao.core.actions import SYSTEM
from huxiao.core.models import AuditLog, ReachLink
from huxiao.core.scoping import can
from huxiao.hazards.models import Hazard

VIEW = "hazards.view_hazard"
LINK = "hazards.accept_hazard"  # who may share a hazard: whoever may act on it as an inspector


@pytest.fixture
def extra_reach(monkeypatch):
    monkeypatch.setattr(Hazard, "SCOPE_EXTRA_REACH", True, raising=False)


def make_hazard(world, school="a1", place="东侧围墙"):
    return Hazard.objects.create(
        school=world.schools[school], place=place, description="围墙高度不足 2 米", category="campus",
        source="joint_inspection", found_by=world.users["edu_a"], found_on=datetime.date(2026, 9, 1),
        responsible_unit="东城实验小学", responsible_person="张校长", deadline=datetime.date(2026, 10, 1))


def visible(world, key):
    return set(Hazard.objects.visible_to(world.users[key], VIEW).values_list("pk", flat=True))


def test_a_hazard_linked_into_district_b_is_reached_there_in_one_query(world, extra_reach):
    hazard, other = make_hazard(world), make_hazard(world, place="北门")
    assert hazard.pk not in visible(world, "edu_b")
    reach_links.do_link(hazard, perm=LINK, actor=world.users["edu_a"], region=world.regions["district_b"],
                        reason="涉事人员居住在溧阳")
    assert visible(world, "edu_b") == {hazard.pk}  # not the other hazard of a1
    assert hazard.pk in visible(world, "police_b") and hazard.pk in visible(world, "admin_b")
    assert visible(world, "principal_a2") == set()  # district B's link reaches nobody else
    assert visible(world, "edu_a") == {hazard.pk, other.pk}  # its own district as before
    with CaptureQueriesContext(connection) as queries:
        rows = list(Hazard.objects.visible_to(world.users["edu_b"], VIEW).select_related("school"))
    assert [h.pk for h in rows] == [hazard.pk] and len(queries) == 1
    assert "core_reachlink" in queries[0]["sql"]
    assert can(world.users["edu_b"], VIEW, hazard) and not can(world.users["edu_b"], VIEW, other)
    entry = AuditLog.objects.get(event=reach_links.ReachAudit.LINK)
    assert (entry.username, entry.object_id, entry.after["reach"]) == ("edu_a", str(hazard.pk), "溧阳市")


def test_the_linked_hazard_opens_on_page_and_api_and_others_stay_404(world, extra_reach, client_for):
    hazard, other = make_hazard(world), make_hazard(world, place="北门")
    edu_b = client_for(world.users["edu_b"])
    assert edu_b.get(f"/hazards/{hazard.pk}/").status_code == 404
    assert edu_b.get(f"/api/v1/hazards/{hazard.pk}").status_code == 404
    reach_links.do_link(hazard, perm=LINK, actor=world.users["edu_a"], region=world.regions["district_b"])
    assert edu_b.get(f"/hazards/{hazard.pk}/").status_code == 200
    assert edu_b.get(f"/api/v1/hazards/{hazard.pk}").json()["id"] == hazard.pk
    assert edu_b.get(f"/hazards/{other.pk}/").status_code == 404
    assert client_for(world.users["principal_a2"]).get(f"/hazards/{hazard.pk}/").status_code == 404
    listed = edu_b.get("/api/v1/hazards/").json()
    assert [row["id"] for row in listed["items"]] == [hazard.pk]


def test_a_school_link_reaches_that_schools_staff_and_its_officials(world, extra_reach):
    hazard = make_hazard(world)
    reach_links.do_link(hazard, perm=LINK, actor=world.users["edu_a"], school=world.schools["b1"])
    assert visible(world, "edu_b") == {hazard.pk} and visible(world, "principal_a2") == set()
    link = ReachLink.objects.get()
    assert (link.region_code, link.school_id) == (world.schools["b1"].region_code, world.schools["b1"].pk)
    reach_links.do_unlink(link, hazard, perm=LINK, actor=world.users["edu_a"])
    assert visible(world, "edu_b") == set() and not ReachLink.objects.exists()
    assert AuditLog.objects.filter(event=reach_links.ReachAudit.UNLINK, username="edu_a").count() == 1


def test_links_count_only_for_models_that_use_extra_reach(world):
    hazard = make_hazard(world)
    ReachLink.objects.create(content_type_id=_content_type(hazard), object_id=hazard.pk, region_code="320481")
    assert not hasattr(Hazard, "SCOPE_EXTRA_REACH") or not Hazard.SCOPE_EXTRA_REACH
    assert visible(world, "edu_b") == set() and not can(world.users["edu_b"], VIEW, hazard)
    with pytest.raises(TypeError):
        reach_links.do_link(hazard, perm=LINK, actor=SYSTEM, region=world.regions["district_b"])


def test_only_who_may_act_on_the_record_links_it(world, extra_reach):
    hazard = make_hazard(world)
    for key in ("edu_b", "principal_a1", "norole"):  # out of reach; role lacking; no role
        with pytest.raises(PermissionDenied):
            reach_links.do_link(hazard, perm=LINK, actor=world.users[key], region=world.regions["district_b"])
    with pytest.raises(ValidationError):
        reach_links.do_link(hazard, perm=LINK, actor=world.users["edu_a"])  # neither region nor school
    reach_links.do_link(hazard, perm=LINK, actor=SYSTEM, region=world.regions["district_b"])
    with pytest.raises(ValidationError) as twice:
        reach_links.do_link(hazard, perm=LINK, actor=world.users["edu_a"], region=world.regions["district_b"])
    assert "已关联到该范围" in str(twice.value)
    assert ReachLink.objects.count() == 1
    assert AuditLog.objects.filter(event=reach_links.ReachAudit.LINK).count() == 1


def _content_type(obj):
    from django.contrib.contenttypes.models import ContentType

    return ContentType.objects.get_for_model(obj).pk
