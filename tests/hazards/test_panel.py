import pytest

from tests.hazards.helpers import api, hazard_payload

pytestmark = pytest.mark.django_db


def test_school_page_shows_hazard_counts(world, client_for):
    api(world.users["edu_a"]).post("/hazards/", hazard_payload(world))
    page = client_for(world.users["edu_a"]).get(f"/schools/{world.schools['a1'].pk}/").content.decode()
    assert 'id="school-hazards"' in page and "整改通知书" in page
    page = client_for(world.users["principal_a1"]).get(f"/schools/{world.schools['a1'].pk}/").content.decode()
    assert 'id="school-hazards"' in page and "整改通知书" not in page
