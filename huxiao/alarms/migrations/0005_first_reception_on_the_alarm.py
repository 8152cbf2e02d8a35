"""The first reception's path and sequence number move onto the alarm row; receipts keep only further
receptions (one INSERT less per stored alarm on the receiver's path)."""

from django.db import migrations, models


def first_receipts_onto_alarms(apps, schema_editor):
    Alarm = apps.get_model("alarms", "Alarm")
    AlarmReceipt = apps.get_model("alarms", "AlarmReceipt")
    firsts = AlarmReceipt.objects.filter(duplicate=False)
    for receipt in firsts.iterator():
        Alarm.objects.filter(pk=receipt.alarm_id).update(path=receipt.path, sequence=receipt.sequence)
    firsts.delete()


class Migration(migrations.Migration):

    dependencies = [
        ("alarms", "0004_area_user_receipts"),
    ]

    operations = [
        migrations.AddField(
            model_name="alarm",
            name="path",
            field=models.CharField(blank=True, max_length=64, verbose_name="通道"),
        ),
        migrations.AddField(
            model_name="alarm",
            name="sequence",
            field=models.CharField(blank=True, max_length=8, verbose_name="序号"),
        ),
        migrations.RunPython(first_receipts_onto_alarms, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="alarmreceipt",
            name="duplicate",
        ),
    ]
