"""One canonical path form per API operation: the documented one, and the same path with or without the
trailing slash answered by the same operation — never Django's 301, which common clients follow as a GET
(``POST /api/v1/devices`` used to come back as the device list with 200, registering nothing)."""

import json
import re

import pytest
from django.test import Client

from huxiao.api import api
from huxiao.defense.models import Facility
from huxiao.devices.models import Device


def call(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data) if data is not None else None,
                                   content_type="application/json")


def other_form(path: str) -> str:
    return path[:-1] if path.endswith("/") else path + "/"


def device(serial):
    return {"kind": "camera", "location": "gate", "name": "校门摄像机", "serial": serial}


def test_post_without_the_trailing_slash_registers_the_device(world, client_for):
    c = client_for(world.users["security_a1"])
    data = {**device("CAM-NOSLASH-1"), "school_id": world.schools["a1"].pk}
    r = call(c, "post", "/api/v1/devices", data)
    assert r.status_code == 201, r.content
    assert r.json()["secret"] and Device.objects.filter(serial="CAM-NOSLASH-1").count() == 1
    r = call(c, "post", "/api/v1/devices/", {**data, "serial": "CAM-SLASH-1"})  # the documented form
    assert r.status_code == 201
    listed = call(c, "get", "/api/v1/devices").json()  # and the list, either way
    assert {d["serial"] for d in listed["items"]} >= {"CAM-NOSLASH-1", "CAM-SLASH-1"}


def test_put_with_a_trailing_slash_reaches_the_operation(world, client_for):
    c = client_for(world.users["security_a1"])
    url = f"/api/v1/defense/schools/{world.schools['a1'].pk}/facility/"  # documented without the slash
    good = {"enclosure_type": "wall", "enclosure_height_m": 2.5, "gate_duty_room": True, "closed_management": True}
    r = call(c, "put", url, good)
    assert r.status_code == 200, r.content
    assert Facility.objects.get(school=world.schools["a1"]).closed_management is True
    # bad input through the other form is refused the same way, naming the field, and nothing changes
    r = call(c, "put", url, {**good, "enclosure_height_m": 40})
    assert r.status_code == 422 and "enclosure_height_m" in r.content.decode()
    assert Facility.objects.get(school=world.schools["a1"]).enclosure_height_m == 2.5


def test_out_of_reach_and_unauthenticated_answers_do_not_change_with_the_slash(world, client_for):
    data = {**device("CAM-B1"), "school_id": world.schools["b1"].pk}
    for url in ("/api/v1/devices", "/api/v1/devices/"):
        assert call(client_for(world.users["security_a1"]), "post", url, data).status_code == 404
        assert call(Client(), "post", url, data).status_code == 401
        assert call(client_for(world.users["guard_a1"]), "post", url,
                    {**data, "school_id": world.schools["a1"].pk}).status_code == 403
    assert not Device.objects.exists()


def test_both_forms_registered_as_operations_keep_each_its_own(world, client_for):
    """``/patrols/check-ins/`` lists, ``/patrols/check-ins`` records one: each method finds its operation
    whichever form it is sent to, instead of a 405."""
    c = client_for(world.users["station_a1"])
    for url in ("/api/v1/patrols/check-ins/", "/api/v1/patrols/check-ins"):
        r = c.get(url)
        assert r.status_code == 200 and "items" in r.json(), url
    for url in ("/api/v1/patrols/check-ins", "/api/v1/patrols/check-ins/"):
        r = call(c, "post", url, {})
        assert r.status_code == 422, (url, r.status_code)  # the check-in operation refusing an empty body
    assert c.delete("/api/v1/patrols/check-ins").status_code == 405


def test_unknown_paths_are_404_in_both_forms(world, client_for):
    c = client_for(world.users["edu_a"])
    for url in ("/api/v1/nosuch", "/api/v1/nosuch/", "/api/v1/schools/1/nosuch/"):
        assert c.get(url).status_code == 404
        assert call(c, "post", url, {}).status_code == 404


def _operations():
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return [(path, method) for path, ops in schema["paths"].items() for method in ops]


def test_the_document_lists_each_operation_once():
    paths = {path for path, _method in _operations()}
    assert "/api/v1/devices/" in paths and "/api/v1/devices" not in paths
    assert not any(other_form(p) in paths for p in paths if p not in (
        "/api/v1/patrols/check-ins", "/api/v1/patrols/check-ins/"))


@pytest.mark.parametrize("path,method", _operations(), ids=lambda v: v if isinstance(v, str) else "")
def test_every_operation_answers_the_same_in_the_other_form(db, path, method):
    """Unauthenticated, with no body: the answer at the other form is the documented form's (401 for
    most, the device-signed operations' own refusal for the rest) — never a redirect, 404 or 405."""
    url = re.sub(r"\{[^}]+\}", "1", path)
    client = Client()
    documented = getattr(client, method)(url, content_type="application/json")
    other = getattr(client, method)(other_form(url), content_type="application/json")
    assert documented.status_code not in (301, 308, 404, 405) or "{" in path  # (an id 1 may not exist)
    assert other.status_code == documented.status_code, (url, documented.status_code, other.status_code)
