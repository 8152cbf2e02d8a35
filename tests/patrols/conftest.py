import pytest

from tests.patrols.helpers import patrol_world


@pytest.fixture
def pw(world):
    return patrol_world(world)
