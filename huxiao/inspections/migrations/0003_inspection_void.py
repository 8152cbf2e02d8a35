"""作废 for inspections (core.VoidableRecord): who voided an inspection entered by mistake, when and why."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("inspections", "0002_builtin_templates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="inspection",
            name="void_reason",
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name="作废原因"),
        ),
        migrations.AddField(
            model_name="inspection",
            name="voided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="作废时间"),
        ),
        migrations.AddField(
            model_name="inspection",
            name="voided_by",
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL, verbose_name="作废人"),
        ),
    ]
