"""School contact phones are personal information: encrypted at rest (AES-GCM, huxiao.core.crypto).

The column is widened for the token, then every plain-text value is encrypted (values already encrypted
are left as they are, so the migration may be re-run). Backwards: decrypted, then narrowed again."""

from django.db import migrations

import huxiao.core.crypto

FIELDS = ("principal_phone", "security_phone")


def encrypt_phones(apps, schema_editor):
    from huxiao.core.crypto import encrypt, is_token

    School = apps.get_model("core", "School")
    table, qn = School._meta.db_table, schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        for field in FIELDS:
            cursor.execute(f"SELECT id, {qn(field)} FROM {qn(table)} WHERE {qn(field)} <> ''")
            rows = [(encrypt(value), pk) for pk, value in cursor.fetchall() if not is_token(value)]
            cursor.executemany(f"UPDATE {qn(table)} SET {qn(field)} = %s WHERE id = %s", rows)


def decrypt_phones(apps, schema_editor):
    from huxiao.core.crypto import decrypt, is_token

    School = apps.get_model("core", "School")
    table, qn = School._meta.db_table, schema_editor.connection.ops.quote_name
    with schema_editor.connection.cursor() as cursor:
        for field in FIELDS:
            cursor.execute(f"SELECT id, {qn(field)} FROM {qn(table)} WHERE {qn(field)} <> ''")
            rows = [(decrypt(value), pk) for pk, value in cursor.fetchall() if is_token(value)]
            cursor.executemany(f"UPDATE {qn(table)} SET {qn(field)} = %s WHERE id = %s", rows)


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0003_signin_accounts'),
    ]

    operations = [
        migrations.AlterField(
            model_name='school',
            name='principal_phone',
            field=huxiao.core.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name='校长电话'),
        ),
        migrations.AlterField(
            model_name='school',
            name='security_phone',
            field=huxiao.core.crypto.EncryptedCharField(blank=True, max_length=32, verbose_name='安保负责人电话'),
        ),
        migrations.RunPython(encrypt_phones, decrypt_phones, elidable=False),
    ]
