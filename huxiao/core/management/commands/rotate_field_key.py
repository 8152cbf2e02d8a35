"""Re-encrypt every encrypted column with the current FIELD_ENCRYPTION_KEY (docs/security.md).

Encrypted columns are found, not listed: every ``EncryptedCharField`` (phones of guards and school
contacts) and every text column named ``*_encrypted`` (guards' ID numbers, device secrets and DC-09 keys),
in every installed model. A ``<name>_index`` column beside ``<name>_encrypted`` is the blind index of its
value and is recomputed with the current key in the same UPDATE.

Rows are read in primary-key order, ``--batch-size`` at a time, one transaction a batch; each UPDATE
names the value it read, so a row changed meanwhile by the product is left for the next run. A row already
written with the current key (and indexed with it) is skipped, so the command is idempotent, and after an
interruption a second run finishes the job. ``--check`` changes nothing and fails while any row still needs
a key other than the current one.
"""

from dataclasses import dataclass

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, models, transaction

from huxiao.core import crypto


@dataclass(frozen=True)
class Column:
    model: type
    column: str
    index: str | None = None  # the blind-index column kept beside it

    @property
    def label(self) -> str:
        return f"{self.model._meta.label}.{self.column}"


def encrypted_columns() -> list[Column]:
    out = []
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        names = {f.column for f in model._meta.concrete_fields}
        for field in model._meta.concrete_fields:
            if isinstance(field, crypto.EncryptedCharField):
                out.append(Column(model, field.column))
            elif isinstance(field, models.CharField) and field.column.endswith("_encrypted"):
                index = field.column.removesuffix("_encrypted") + "_index"
                out.append(Column(model, field.column, index if index in names else None))
    return out


def _pending(col: Column, value: str, index: str | None) -> tuple[str, str | None] | None:
    """The new (token, index) of a stored value, or None when it is already current."""
    if not value:
        return None
    token = crypto.reencrypt(value) if crypto.needs_rotation(value) else value
    new_index = index
    if col.index is not None:
        new_index = crypto.blind_index(crypto.decrypt(token))
    if token == value and new_index == index:
        return None
    return token, new_index


class Command(BaseCommand):
    help = "Re-encrypt every encrypted column with the current FIELD_ENCRYPTION_KEY (batched, resumable)."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)
        parser.add_argument("--check", action="store_true",
                            help="change nothing; fail if any row still needs an old key or is not encrypted")

    def handle(self, *args, batch_size, check, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1")
        crypto.keyring()  # a malformed key fails here, before anything is read
        left = 0
        for col in encrypted_columns():
            found, changed = self.rotate(col, batch_size, dry=check)
            left += found - changed
            if found:
                self.stdout.write(f"{col.label}: {found} to rotate" + ("" if check else f", {changed} re-encrypted"))
        if left:
            raise CommandError(f"{left} values still need another key than {crypto.current_key_id()}" + (
                "" if check else " (changed while the command ran): run the command again"))
        self.stdout.write(self.style.SUCCESS(f"every encrypted column is on key {crypto.current_key_id()}"))

    def rotate(self, col: Column, batch_size: int, *, dry: bool) -> tuple[int, int]:
        """(values found needing the current key, values re-encrypted)."""
        qn = connection.ops.quote_name
        table, pk = qn(col.model._meta.db_table), qn(col.model._meta.pk.column)
        cols = f"{pk}, {qn(col.column)}" + (f", {qn(col.index)}" if col.index else "")
        select = f"SELECT {cols} FROM {table} WHERE {pk} > %s AND {qn(col.column)} <> '' ORDER BY {pk} LIMIT %s"
        sets = f"{qn(col.column)} = %s" + (f", {qn(col.index)} = %s" if col.index else "")
        update = f"UPDATE {table} SET {sets} WHERE {pk} = %s AND {qn(col.column)} = %s"
        last, found, changed = _lowest(col.model), 0, 0
        while True:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(select, [last, batch_size])
                rows = cursor.fetchall()
                if not rows:
                    return found, changed
                last = rows[-1][0]
                for row in rows:
                    try:
                        new = _pending(col, row[1], row[2] if col.index else None)
                    except crypto.DecryptionError as exc:
                        raise CommandError(f"{col.label} of row {row[0]}: {exc}") from exc
                    if new is None:
                        continue
                    found += 1
                    if not dry:
                        cursor.execute(update, [new[0], *([new[1]] if col.index else []), row[0], row[1]])
                        changed += cursor.rowcount


def _lowest(model):
    """A value below every primary key of ``model`` (integer keys, or text keys)."""
    return -1 if isinstance(model._meta.pk, (models.AutoField, models.BigAutoField, models.IntegerField)) else ""
