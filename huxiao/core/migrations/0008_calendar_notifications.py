from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("core", "0007_school_region_history")]
    operations = []
