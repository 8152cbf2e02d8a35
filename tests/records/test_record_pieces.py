"""The record layer's one-record pieces, through the pages and the API that use them: detail (scoped
fetch, read audit), create through a service (201 / form errors under their labelled fields), transitions
and actions posted from a page (refusals in Chinese), 作废 — refused requests change nothing, allowed
writes leave exactly one typed audit entry. Also the list pieces: the sort picker's label and the column
flags of page and export."""

import datetime
import io

import openpyxl
import pytest
from django.contrib.messages import get_messages

from huxiao.core.models import AuditLog
from huxiao.defense.models import Guard
from huxiao.hazards.models import Hazard
from huxiao.hazards.services import do_report_hazard
from tests.defense.fixtures import add_guard, id_number
from tests.hazards.helpers import api, hazard_payload

pytestmark = pytest.mark.django_db


@pytest.fixture
def hazard(world):
    data = hazard_payload(world, "a1")
    data.pop("school_id")
    return do_report_hazard(world.schools["a1"], data, actor=world.users["edu_a"])


def _entries():
    return AuditLog.objects.exclude(action="login")  # signing the test clients in is audited too


def _audit_count():
    return _entries().count()


def _new_entries(before):
    return list(_entries().order_by("pk")[before:])


# --- API: detail ------------------------------------------------------------------------------------

def test_api_detail_refuses_by_role_and_reach_and_audits_each_read(world, hazard):
    path = f"/hazards/{hazard.pk}"
    before = _audit_count()
    assert api(world.users["norole"]).get(path).status_code == 403
    assert api(world.users["edu_b"]).get(path).status_code == 404
    assert _audit_count() == before  # a refused read leaves no entry
    response = api(world.users["edu_a"]).get(path)
    assert response.status_code == 200
    assert response.json()["number"] == hazard.number
    (entry,) = _new_entries(before)
    assert (entry.action, entry.object_id) == ("read", str(hazard.pk))


# --- API: create through a service ------------------------------------------------------------------

def test_api_create_answers_201_with_one_typed_entry_and_refuses_bad_input_unchanged(world):
    user = world.users["edu_a"]
    count, before = Hazard.objects.count(), _audit_count()
    bad = hazard_payload(world, "a1", place="")
    response = api(user).post("/hazards/", bad)
    assert response.status_code == 422
    assert "place" in str(response.json())
    assert api(world.users["edu_b"]).post("/hazards/", hazard_payload(world, "a1")).status_code == 404
    assert api(world.users["guard_a1"]).post("/hazards/", hazard_payload(world, "a1")).status_code == 403
    early = hazard_payload(world, "a1", found_on=str(datetime.date.today()),
                           deadline=str(datetime.date.today() - datetime.timedelta(days=3)))
    refused = api(user).post("/hazards/", early)
    assert refused.status_code in (400, 422) and "deadline" in str(refused.json())
    assert Hazard.objects.count() == count and _audit_count() == before
    created = api(user).post("/hazards/", hazard_payload(world, "a1"))
    assert created.status_code == 201, created.content
    assert Hazard.objects.count() == count + 1
    (entry,) = _new_entries(before)
    assert entry.event.startswith("hazards.")


# --- API: transitions and void ----------------------------------------------------------------------

def test_api_transition_refusal_names_the_field_in_chinese_and_changes_nothing(world, hazard):
    path = f"/hazards/{hazard.pk}/transitions"
    school = world.users["principal_a1"]
    assert api(school).post(path, {"action": "start"}).status_code == 200
    before = _audit_count()
    refused = api(school).post(path, {"action": "submit", "note": ""})
    assert refused.status_code == 400
    body = refused.json()
    assert "note" in str(body) and "请填写说明" in str(body)
    assert api(world.users["edu_a"]).post(path, {"action": "close"}).status_code == 400  # wrong state
    assert api(world.users["edu_b"]).post(path, {"action": "submit"}).status_code == 404
    assert api(school).post(path, {"action": "bogus"}).status_code == 422
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and _audit_count() == before


def test_api_void_needs_a_reason_then_voids_once(world, hazard):
    path = f"/hazards/{hazard.pk}/void"
    before = _audit_count()
    assert api(world.users["edu_a"]).post(path, {"reason": ""}).status_code == 422
    assert api(world.users["principal_a1"]).post(path, {"reason": "重复"}).status_code == 403
    assert api(world.users["edu_b"]).post(path, {"reason": "重复"}).status_code == 404
    assert _audit_count() == before
    done = api(world.users["edu_a"]).post(path, {"reason": "重复登记"})
    assert done.status_code == 200 and done.json()["void_reason"] == "重复登记"
    (entry,) = _new_entries(before)
    assert entry.event
    again = api(world.users["edu_a"]).post(path, {"reason": "再次"})
    assert again.status_code == 400


# --- pages: a form through a service ----------------------------------------------------------------

def _guard_form(**extra):
    data = {"name": "赵门卫", "category": "doorkeeper", "id_number": id_number(datetime.date(1975, 6, 1), 77),
            "license_number": "", "first_hired_on": "2020-09-01", "background_checked_on": "2020-08-20",
            "background_result": "passed", "health_status": "healthy", "phone": ""}
    data.update(extra)
    return data


def test_form_page_shows_form_and_service_errors_under_their_labelled_fields(world, client_for):
    school = world.schools["a1"]
    url = f"/defense/schools/{school.pk}/guards/new/"
    client = client_for(world.users["principal_a1"])
    assert client.get(url).status_code == 200
    assert client_for(world.users["norole"]).get(url).status_code == 403
    assert client_for(world.users["principal_a2"]).get(url).status_code in (403, 404)
    count, before = Guard.objects.count(), _audit_count()
    page = client.post(url, _guard_form(name=""))  # the form's own error
    html = page.content.decode()
    assert page.status_code == 200 and "is-invalid" in html and "姓名" in html
    page = client.post(url, _guard_form(id_number="320482199003121231"))  # the service's error (check digit)
    html = page.content.decode()
    assert page.status_code == 200 and "is-invalid" in html and "身份证" in html
    assert Guard.objects.count() == count and _audit_count() == before
    done = client.post(url, _guard_form())
    assert done.status_code == 302 and done["Location"] == f"/defense/schools/{school.pk}/"
    assert Guard.objects.count() == count + 1
    (entry,) = _new_entries(before)
    assert entry.event.startswith("defense.")
    assert any("已登记安保人员" in str(m) for m in get_messages(done.wsgi_request))


# --- pages: actions and transitions posted from a record's page -------------------------------------

def test_action_page_refusal_is_one_chinese_message_led_by_the_label_and_changes_nothing(world, client_for):
    guard = add_guard(world.schools["a1"], name="钱保安", seq=41)
    client = client_for(world.users["principal_a1"])
    before = _audit_count()
    response = client.post(f"/defense/guards/{guard.pk}/release/", {"left_on": "2000-01-01", "back": "guard"})
    assert response.status_code == 302 and response["Location"] == f"/defense/guards/{guard.pk}/"
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "离岗日期" in text
    guard.refresh_from_db()
    assert guard.active and _audit_count() == before
    assert client_for(world.users["edu_b"]).post(f"/defense/guards/{guard.pk}/release/",
                                                {"left_on": str(datetime.date.today())}).status_code == 404
    assert client.get(f"/defense/guards/{guard.pk}/release/").status_code == 405


def test_transition_page_checks_the_action_and_refuses_in_chinese(world, hazard, client_for):
    url = f"/hazards/{hazard.pk}/transition/"
    assert client_for(world.users["edu_a"]).post(url, {"action": "start"}).status_code == 403  # not the school's
    client = client_for(world.users["principal_a1"])
    client.post(url, {"action": "start"})
    before = _audit_count()
    response = client.post(url, {"action": "submit", "note": ""})
    assert response.status_code == 302
    text = " ".join(str(m) for m in get_messages(response.wsgi_request))
    assert "说明" in text or "佐证材料" in text
    hazard.refresh_from_db()
    assert hazard.status == "rectifying" and _audit_count() == before


def test_detail_page_audits_the_read_and_void_page_returns_to_it(world, hazard, client_for):
    before = _audit_count()
    assert client_for(world.users["edu_b"]).get(f"/hazards/{hazard.pk}/").status_code == 404
    assert _audit_count() == before
    assert client_for(world.users["edu_a"]).get(f"/hazards/{hazard.pk}/").status_code == 200
    assert _audit_count() == before + 1
    client = client_for(world.users["edu_a"])
    refused = client.post(f"/hazards/{hazard.pk}/void/", {"void_reason": ""})
    assert refused.status_code == 200 and "is-invalid" in refused.content.decode()
    done = client.post(f"/hazards/{hazard.pk}/void/", {"void_reason": "重复登记"})
    assert done.status_code == 302 and done["Location"] == f"/hazards/{hazard.pk}/"
    assert client.get(f"/hazards/{hazard.pk}/void/").status_code == 405


# --- list pieces ------------------------------------------------------------------------------------

def test_sort_picker_reads_default_order_in_chinese(world, client_for):
    html = client_for(world.users["edu_a"]).get("/defense/guards/").content.decode()
    assert "默认排序" in html and "---------" not in html


def test_columns_flagged_for_the_page_or_the_export(world, client_for):
    from tests.defense.fixtures import ensure_records

    ensure_records(world)
    client = client_for(world.users["edu_a"])
    html = client.get("/defense/facilities/").content.decode()
    assert "区划代码" not in html and "校门前通行机动车" not in html
    response = client.get("/defense/facilities/?export=xlsx")
    wb = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header = next(wb.active.iter_rows(values_only=True))
    assert "区划代码" in header and "校门前通行机动车" in header and "围墙高度(米)" in header


def test_filtersets_share_their_built_fields_but_not_their_filters_or_values(world):
    """Filters and form classes are built once per filterset class; each request still gets its own
    filters (bound to its own filterset), its own cleaned values, and the page its own widgets."""
    from django.test import RequestFactory

    from huxiao.core.records.filters import filtered
    from huxiao.hazards.filters import HazardFilterSet

    rf = RequestFactory()
    first_req, second_req = rf.get("/", {"status": "open"}), rf.get("/", {"status": "closed"})
    first_req.user = second_req.user = world.users["edu_a"]
    first = filtered(HazardFilterSet, first_req.GET.copy(), Hazard.objects.all(), first_req)
    second = filtered(HazardFilterSet, second_req.GET.copy(), Hazard.objects.all(), second_req)
    assert first.filters["status"] is not second.filters["status"]
    assert first.filters["status"].parent is first and second.filters["status"].parent is second
    assert (first.form.cleaned_data["status"], second.form.cleaned_data["status"]) == ("open", "closed")
    assert type(first.form) is type(second.form)  # the check form class is built once
    page = HazardFilterSet(None, queryset=Hazard.objects.all(), request=first_req)
    page.form.fields["status"].widget.attrs["data-marked"] = "1"  # a page's own widget …
    again = HazardFilterSet(None, queryset=Hazard.objects.all(), request=first_req)
    assert "data-marked" not in again.form.fields["status"].widget.attrs  # … is not the next page's
    assert "data-marked" not in first.form.fields["status"].widget.attrs
