"""Guards' personal data that could rebuild an ID number or reach the person is no longer kept readable:
the phone is encrypted at rest (AES-GCM, huxiao.core.crypto) and the stored ID mask keeps only the last
4 characters (it kept the first 4 as well, which with the birth date left 2 unknown digits).

Audit entries of guards written before lose what the roster no longer shows: the birth date goes, the ID
mask and the phone are masked the same way (an entry is otherwise never changed).

Re-running is harmless: encrypted phones are left as they are; the mask is recomputed from its own tail."""

from django.db import migrations

import huxiao.core.crypto


def forwards(apps, schema_editor):
    from huxiao.core.crypto import encrypt, is_token, mask_id_number

    Guard = apps.get_model("defense", "Guard")
    table, qn = Guard._meta.db_table, schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, phone, id_number_masked FROM {qn(table)}")
        rows = [(value if not value or is_token(value) else encrypt(value), mask_id_number(masked), pk)
                for pk, value, masked in cursor.fetchall()]
        cursor.executemany(f"UPDATE {qn(table)} SET phone = %s, id_number_masked = %s WHERE id = %s", rows)
    scrub_audit(apps, mask_id_number)


def _scrub(values: dict | None, mask_id_number, mask_phone):
    if not isinstance(values, dict):
        return values
    out = {k: v for k, v in values.items() if k != "birth_date"}
    if isinstance(out.get("id_number_masked"), str):
        out["id_number_masked"] = mask_id_number(out["id_number_masked"])
    if isinstance(out.get("phone"), str):
        out["phone"] = mask_phone(out["phone"])
    return out


def scrub_audit(apps, mask_id_number):
    from huxiao.core.crypto import mask_phone

    AuditLog = apps.get_model("core", "AuditLog")
    for entry in AuditLog.objects.filter(model="defense.Guard").only("pk", "before", "after").iterator():
        before, after = (_scrub(v, mask_id_number, mask_phone) for v in (entry.before, entry.after))
        if (before, after) != (entry.before, entry.after):
            AuditLog.objects.filter(pk=entry.pk).update(before=before, after=after)


def backwards(apps, schema_editor):
    from huxiao.core.crypto import decrypt, is_token

    Guard = apps.get_model("defense", "Guard")
    table, qn = Guard._meta.db_table, schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"SELECT id, phone FROM {qn(table)} WHERE phone <> ''")
        rows = [(decrypt(value), pk) for pk, value in cursor.fetchall() if is_token(value)]
        cursor.executemany(f"UPDATE {qn(table)} SET phone = %s WHERE id = %s", rows)
    # the first 4 characters of the old mask are not restored: only the ID's owner record could give them


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0002_load_regions'),
        ('defense', '0001_initial'),
    ]

    operations = [
        migrations.AlterField(
            model_name='guard',
            name='phone',
            field=huxiao.core.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name='联系电话'),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
