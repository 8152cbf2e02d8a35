"""作废 for hazards (core.VoidableRecord): who voided a hazard entered by mistake, when and why. The
dashboard's covering index and the overdue list's index hold live hazards only (figures read .live())."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("hazards", "0005_issued_document_content"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="hazard",
            name="void_reason",
            field=models.CharField(blank=True, editable=False, max_length=500, verbose_name="作废原因"),
        ),
        migrations.AddField(
            model_name="hazard",
            name="voided_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="作废时间"),
        ),
        migrations.AddField(
            model_name="hazard",
            name="voided_by",
            field=models.ForeignKey(blank=True, db_index=False, editable=False, null=True,
                                    on_delete=django.db.models.deletion.PROTECT, related_name="+",
                                    to=settings.AUTH_USER_MODEL, verbose_name="作废人"),
        ),
        migrations.RemoveIndex(model_name="hazard", name="hazard_owed_region_deadline2"),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(condition=models.Q(("status__in", ["pending", "rectifying"]), ("voided_at__isnull", True)),
                               fields=["region_code", "deadline", "id"], name="hazard_owed_region_deadline3",
                               opclasses=["varchar_pattern_ops", "date_ops", "int8_ops"]),
        ),
        migrations.RemoveIndex(model_name="hazard", name="hazard_region_cover"),
        migrations.AddIndex(
            model_name="hazard",
            index=models.Index(condition=models.Q(("voided_at__isnull", True)),
                               fields=["region_code", "status", "deadline", "severity", "days_to_close"],
                               name="hazard_live_region_cover",
                               opclasses=["varchar_pattern_ops", "varchar_pattern_ops", "date_ops", "varchar_pattern_ops",
                                          "int4_ops"]),
        ),
    ]
