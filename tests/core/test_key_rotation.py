"""Field-key rotation: rows written with the old key still decrypt once FIELD_ENCRYPTION_KEY holds a new one
(the old one in FIELD_ENCRYPTION_OLD_KEYS), ID-number look-ups keep working, and after
``manage.py rotate_field_key`` no row needs the old key (the old key can then be dropped)."""

import base64
import datetime
import hashlib
import hmac
import json
import os
from io import StringIO
from unittest import mock

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.core.management import CommandError, call_command
from django.db import connection

from huxiao.core import crypto
from huxiao.core.management.commands.rotate_field_key import encrypted_columns
from huxiao.defense.models import Guard
from huxiao.devices import services as devices
from tests.defense.fixtures import add_device, id_number

OLD = base64.urlsafe_b64encode(b"old-field-key-for-rotation-test!").decode()
NEW = base64.urlsafe_b64encode(b"new-field-key-for-rotation-test!").decode()


def v1_token(key_b64: str, plaintext: str) -> str:
    """A token in the first format (no key id), as the product wrote them before key ids."""
    key = hmac.new(base64.urlsafe_b64decode(key_b64), b"encrypt", hashlib.sha256).digest()
    nonce = os.urandom(12)
    return "v1:" + base64.urlsafe_b64encode(nonce + AESGCM(key).encrypt(nonce, plaintext.encode(), b"v1")).decode()


def raw_values() -> dict:
    """Every stored value of every encrypted column, as the database holds it."""
    out = {}
    qn = connection.ops.quote_name
    with connection.cursor() as cursor:
        for col in encrypted_columns():
            cursor.execute(f"SELECT {qn(col.column)} FROM {qn(col.model._meta.db_table)} "
                           f"WHERE {qn(col.column)} <> ''")
            out[col.label] = [row[0] for row in cursor.fetchall()]
    return out


def call(client, method, url, data=None):
    return getattr(client, method)(url, data=json.dumps(data), content_type="application/json")


@pytest.fixture
def old_rows(world, client_for, settings):
    """Guards, school contacts and devices written with the old key (one device secret as a v1 token)."""
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = OLD, []
    a1 = world.schools["a1"]
    security = client_for(world.users["security_a1"])
    numbers = []
    for n in range(3):
        number = id_number(datetime.date(1980 + n, 3, 4), 100 + n)
        numbers.append(number)
        r = call(security, "post", f"/api/v1/defense/schools/{a1.pk}/guards", {
            "name": f"轮换{n}号", "category": "full_time", "id_number": number, "first_hired_on": "2021-05-01",
            "phone": f"1391234567{n}"})
        assert r.status_code == 201, r.content
    r = call(security, "patch", f"/api/v1/schools/{a1.pk}", {"principal_phone": "13812345678",
                                                                  "security_phone": "13987654321"})
    assert r.status_code == 200, r.content
    device, secret = add_device(a1, serial="ROTATE-1")
    type(device).objects.filter(pk=device.pk).update(
        dc09_account="9001", dc09_key_encrypted=crypto.encrypt("00112233445566778899aabbccddeeff"))
    legacy = add_device(a1, serial="ROTATE-LEGACY")[0]
    type(legacy).objects.filter(pk=legacy.pk).update(secret_encrypted=v1_token(OLD, "legacy-secret"))
    return {"numbers": numbers, "device": device, "secret": secret, "legacy": legacy, "security": security,
            "school": a1}


def test_old_rows_decrypt_after_the_key_changes_and_rotation_leaves_none_on_the_old_key(old_rows, settings):
    before = raw_values()
    old_kid = crypto.current_key_id()
    assert all(v.startswith(f"v2:{old_kid}:") or v.startswith("v1:") for vs in before.values() for v in vs)
    assert before["defense.Guard.phone"] and before["core.School.principal_phone"]

    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, [OLD]
    new_kid = crypto.current_key_id()
    assert new_kid != old_kid
    a1, security = old_rows["school"], old_rows["security"]

    def check_readable():
        roster = security.get(f"/api/v1/defense/schools/{a1.pk}").json()["guards"]
        assert sorted(g["phone"] for g in roster) == ["13912345670", "13912345671", "13912345672"]
        school = security.get(f"/api/v1/schools/{a1.pk}").json()
        assert (school["principal_phone"], school["security_phone"]) == ("13812345678", "13987654321")
        assert devices.device_secret(type(old_rows["device"]).objects.get(pk=old_rows["device"].pk)) == \
            old_rows["secret"]
        assert devices.device_secret(type(old_rows["legacy"]).objects.get(pk=old_rows["legacy"].pk)) == \
            "legacy-secret"
        assert devices.device_dc09_key(type(old_rows["device"]).objects.get(pk=old_rows["device"].pk)) == \
            "00112233445566778899aabbccddeeff"
        from huxiao.defense.services import find_guards_by_id_number

        assert find_guards_by_id_number(old_rows["numbers"][0], Guard.objects.all()).get().name == "轮换0号"
        # the same person again is still refused (the look-up matches the old key's index)
        r = call(security, "post", f"/api/v1/defense/schools/{a1.pk}/guards", {
            "name": "重复", "category": "full_time", "id_number": old_rows["numbers"][1],
            "first_hired_on": "2021-05-01"})
        assert r.status_code == 400 and "id_number" in r.json()["errors"]

    check_readable()  # old key still configured: everything reads
    # what is written now is written with the new key
    first = Guard.objects.order_by("pk").first().pk
    assert call(security, "patch", f"/api/v1/defense/guards/{first}", {"phone": "13700000000"}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT phone FROM defense_guard WHERE id = %s", [first])
        assert crypto.key_id_of(cursor.fetchone()[0]) == new_kid
    assert call(security, "patch", f"/api/v1/defense/guards/{first}", {"phone": "13912345670"}).status_code == 200
    with pytest.raises(CommandError, match="still need"):
        call_command("rotate_field_key", "--check", stdout=StringIO())

    out = StringIO()
    call_command("rotate_field_key", "--batch-size", "2", stdout=out)
    assert "every encrypted column is on key " + new_kid in out.getvalue()
    after = raw_values()
    assert all(crypto.key_id_of(v) == new_kid for vs in after.values() for v in vs), after
    call_command("rotate_field_key", "--check", stdout=StringIO())
    # idempotent: a second run rewrites nothing
    call_command("rotate_field_key", stdout=StringIO())
    assert raw_values() == after

    # the old key can go now: every row reads with the new key alone, look-ups included
    settings.FIELD_ENCRYPTION_OLD_KEYS = []
    check_readable()


def test_an_interrupted_rotation_finishes_on_the_next_run(old_rows, settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, [OLD]
    new_kid = crypto.current_key_id()
    real, calls = crypto.reencrypt, []

    def dies_on_the_fourth(token):
        calls.append(token)
        if len(calls) == 4:
            raise KeyboardInterrupt
        return real(token)

    with mock.patch.object(crypto, "reencrypt", dies_on_the_fourth), pytest.raises(KeyboardInterrupt):
        call_command("rotate_field_key", "--batch-size", "1", stdout=StringIO())
    partial = raw_values()
    done = sum(crypto.key_id_of(v) == new_kid for vs in partial.values() for v in vs)
    assert done == 3  # the batches before the interruption were committed, the rest wait
    call_command("rotate_field_key", "--batch-size", "1", stdout=StringIO())
    assert all(crypto.key_id_of(v) == new_kid for vs in raw_values().values() for v in vs)


def test_a_missing_old_key_is_a_clear_error_and_changes_nothing(old_rows, settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, []
    before = raw_values()
    with pytest.raises(CommandError, match="no configured field key"):
        call_command("rotate_field_key", stdout=StringIO())
    assert raw_values() == before
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(before["defense.Guard.phone"][0])


def test_bad_key_settings_are_refused(settings):
    settings.FIELD_ENCRYPTION_KEY, settings.FIELD_ENCRYPTION_OLD_KEYS = NEW, ["not-base64-of-32-bytes"]
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="FIELD_ENCRYPTION_OLD_KEYS"):
        crypto.encrypt("x")
    with pytest.raises(CommandError):
        call_command("rotate_field_key", "--batch-size", "0", stdout=StringIO())
