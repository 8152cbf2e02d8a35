import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('core', '0009_school_patrol_flags'),
    ]

    operations = [
        migrations.CreateModel(
            name='LadderStep',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('ladder', models.CharField(max_length=64, verbose_name='阶梯')),
                ('record_id', models.BigIntegerField(verbose_name='记录编号')),
                ('deadline', models.DateField(verbose_name='时限')),
                ('level', models.CharField(max_length=24, verbose_name='级别')),
                ('at', models.DateTimeField(verbose_name='时间')),
                ('overdue_days', models.IntegerField(default=0, verbose_name='逾期天数')),
                ('region_code', models.CharField(max_length=12, verbose_name='区划代码')),
                ('supervising_region', models.CharField(max_length=12, verbose_name='督办层级区划')),
                ('recipients', models.PositiveIntegerField(default=0, verbose_name='通知人数')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.school', verbose_name='学校')),
            ],
            options={
                'verbose_name': '提醒督办记录',
                'verbose_name_plural': '提醒督办记录',
                'ordering': ['at', 'id'],
                'indexes': [models.Index(fields=['region_code', 'at'], name='ladder_step_region', opclasses=['varchar_pattern_ops', 'timestamptz_ops'])],
                'constraints': [models.UniqueConstraint(fields=('ladder', 'record_id', 'deadline', 'level'), name='ladder_step_once')],
            },
        ),
    ]
