"""Property test: any sequence of actions by any user leaves the ledger consistent — the status moves only
along the TRANSITIONS table, every accepted step is one event, only 教育/公安 inspectors close, and a
refused step changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from huxiao.core.attachments import do_store_attachment
from huxiao.hazards import services
from huxiao.hazards.choices import HazardAction
from huxiao.hazards.models import Hazard, HazardEvent
from tests.hazards.helpers import PNG, hazard_payload
from tests.world import INSPECTORS_A1, SCHOOL_SECURITY_A1

ACTORS = ["principal_a1", "security_a1", "guard_a1", "station_a1", "edu_a", "inspector_a", "plc_a", "edu_b",
          "principal_a2", "admin_province"]
STEPS = st.lists(st.tuples(st.sampled_from(list(services.TRANSITIONS)), st.sampled_from(ACTORS),
                           st.booleans(), st.booleans()), max_size=12)


@pytest.mark.django_db
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=STEPS)
def test_random_action_sequences_keep_the_ledger_consistent(world, steps):
    data = hazard_payload(world)
    data.pop("school_id")
    hazard = services.do_report_hazard(world.schools["a1"], data, actor=world.users["edu_a"])
    photo = do_store_attachment(SimpleUploadedFile("e.png", PNG), actor=world.users["principal_a1"],
                                school=world.schools["a1"]).pk
    status, accepted = hazard.status, 1
    for action, who, with_note, with_evidence in steps:
        user = world.users[who]
        rule = services.TRANSITIONS[action]
        try:
            services.DO[action](hazard, actor=user, note="说明" if with_note else "",
                                evidence=[photo] if with_evidence else [])
        except (PermissionDenied, ValidationError):
            assert Hazard.objects.get(pk=hazard.pk).status == status  # refused: nothing changed
            continue
        assert status in rule.sources  # accepted only from a legal status
        assert not (rule.note_required and not with_note) and not (rule.evidence_required and not with_evidence)
        if action in (HazardAction.CLOSE, HazardAction.REWORK):
            assert who in INSPECTORS_A1  # never the school, never out of reach
        else:
            assert who in SCHOOL_SECURITY_A1
        status, accepted = rule.target, accepted + 1
        assert Hazard.objects.get(pk=hazard.pk).status == status
    assert HazardEvent.objects.filter(hazard=hazard).count() == accepted
    events = list(HazardEvent.objects.filter(hazard=hazard).order_by("at", "id"))
    for before, after in zip(events, events[1:], strict=False):
        assert after.from_status == before.to_status  # an unbroken chain
