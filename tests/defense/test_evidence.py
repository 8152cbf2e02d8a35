"""Evidence (photos, documents) attached to 三防 records through the API: who may, and bad files refused."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from huxiao.core.models import Attachment
from huxiao.defense.models import Facility
from tests.defense.fixtures import add_guard, set_facility

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def upload(client, school, name="门卫室.png", content=PNG, **data):
    return client.post(f"/api/v1/defense/schools/{school.pk}/evidence",
                       data={"file": SimpleUploadedFile(name, content), **data})


@pytest.fixture
def a1(world):
    school = world.schools["a1"]
    set_facility(school)
    return school


def test_photo_attached_to_facility_and_guard(world, a1, client_for):
    c = client_for(world.users["security_a1"])
    r = upload(c, a1)
    assert r.status_code == 201, r.content
    assert Facility.objects.get(school=a1).evidence.get().original_name == "门卫室.png"
    guard = add_guard(a1, name="李保安", seq=3)
    r = upload(c, a1, name="保安员证.png", guard_id=guard.pk)
    assert r.status_code == 201
    assert guard.evidence.get().school == a1


def test_bad_files_and_missing_facility_change_nothing(world, client_for):
    c = client_for(world.users["security_a1"])
    a1 = world.schools["a1"]
    assert upload(c, a1).status_code == 400  # no facility record yet
    set_facility(a1)
    assert upload(c, a1, name="x.exe", content=b"MZ" + b"\x00" * 20).status_code == 400
    assert upload(c, a1, name="empty.png", content=b"").status_code == 400
    other = add_guard(world.schools["a2"], name="外校保安", seq=9)
    assert upload(c, a1, guard_id=other.pk).status_code == 404
    assert Attachment.objects.count() == 0


def test_who_may_upload(world, a1, client_for):
    assert upload(client_for(None), a1).status_code == 401
    assert upload(client_for(world.users["guard_a1"]), a1).status_code == 403
    assert upload(client_for(world.users["station_a1"]), a1).status_code == 403
    assert upload(client_for(world.users["principal_a2"]), a1).status_code == 404
    assert upload(client_for(world.users["edu_b"]), a1).status_code == 404
    assert Attachment.objects.count() == 0
