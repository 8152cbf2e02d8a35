from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0006_auditlog_event")]
    operations = []
