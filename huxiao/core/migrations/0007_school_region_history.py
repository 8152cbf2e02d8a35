"""Where a school was when (SchoolRegionPeriod): one open period per existing school, from the day it was
registered, so that moving a school (core.moves) closes it and opens the next."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def backfill(apps, schema_editor):
    School = apps.get_model("core", "School")
    Period = apps.get_model("core", "SchoolRegionPeriod")
    batch = []
    for pk, code, created in School.objects.order_by("pk").values_list("pk", "region_code", "created_at").iterator(
            chunk_size=5000):
        day = timezone.localdate(created) if created else timezone.localdate()
        batch.append(Period(school_id=pk, region_code=code, valid_from=day))
        if len(batch) >= 5000:
            Period.objects.bulk_create(batch)
            batch = []
    Period.objects.bulk_create(batch)


class Migration(migrations.Migration):
    dependencies = [("core", "0006_auditlog_event")]

    operations = [
        migrations.CreateModel(
            name="SchoolRegionPeriod",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("region_code", models.CharField(max_length=12, verbose_name="区划代码")),
                ("valid_from", models.DateField(verbose_name="起始日期")),
                ("valid_to", models.DateField(blank=True, null=True, verbose_name="截止日期")),
                ("school", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name="region_periods",
                                             to="core.school", verbose_name="学校")),
            ],
            options={
                "verbose_name": "学校区划沿革",
                "verbose_name_plural": "学校区划沿革",
                "ordering": ["school_id", "valid_from", "id"],
                "constraints": [
                    models.UniqueConstraint(condition=models.Q(("valid_to__isnull", True)), fields=("school",),
                                            name="school_region_one_open_period"),
                    models.CheckConstraint(condition=models.Q(("valid_to__isnull", True),
                                                              ("valid_to__gte", models.F("valid_from")), _connector="OR"),
                                           name="school_region_period_ordered"),
                ],
            },
        ),
        migrations.RunPython(backfill, migrations.RunPython.noop, elidable=True),
    ]
