"""The data migration that keeps configured panels working: every DC-09 key stored before key forms
existed is marked as the character form (how it was used), unencrypted accounts keep the default."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from huxiao.core import crypto

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
BEFORE, AFTER = [("devices", "0003_heartbeat_write_path")], [("devices", "0004_dc09_key_form_and_forged_frames")]


def test_existing_keys_become_the_character_form(world):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    Device = old.get_model("devices", "Device")
    school = world.schools["a1"]
    common = {"school_id": school.pk, "region_code": school.region_code, "kind": "alarm_panel", "location": "gate"}
    Device.objects.create(name="加密主机", serial="MIG-1", dc09_account="7D1",
                          dc09_key_encrypted=crypto.encrypt("0123456789ABCDEF0123456789ABCDEF"), **common)
    Device.objects.create(name="明文主机", serial="MIG-2", dc09_account="7D2", **common)
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps.get_model("devices", "Device")
    forms = dict(new.objects.filter(serial__startswith="MIG-").values_list("serial", "dc09_key_form"))
    assert forms == {"MIG-1": "chars", "MIG-2": "hex"}
    assert not new.objects.filter(serial__startswith="MIG-", dc09_timestamp_optional=True).exists()
    MigrationExecutor(connection).migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
