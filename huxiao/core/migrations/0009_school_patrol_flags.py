from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("core", "0008_calendar_notifications")]

    operations = [
        migrations.AddField(model_name="school", name="township_central",
                            field=models.BooleanField(default=False, verbose_name="乡镇中心学校")),
        migrations.AddField(model_name="school", name="county_town",
                            field=models.BooleanField(default=False, verbose_name="县城")),
    ]
