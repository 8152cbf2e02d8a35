"""The default escalation policy (thresholds in huxiao/hazards/constants.py)."""

from django.db import migrations


def create(apps, schema_editor):
    Policy = apps.get_model("hazards", "EscalationPolicy")
    Policy.objects.get_or_create(name="默认督办规则", defaults={"is_default": True})


class Migration(migrations.Migration):
    dependencies = [("hazards", "0001_initial")]
    operations = [migrations.RunPython(create, migrations.RunPython.noop)]
