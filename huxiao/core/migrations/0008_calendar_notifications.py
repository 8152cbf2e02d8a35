"""School calendar (terms, dated entries), notification channels (preferences, deliveries) and extra reach
links (a record reached from further regions or schools)."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('core', '0007_school_region_history'),
    ]

    operations = [
        migrations.CreateModel(
            name='CalendarDay',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(blank=True, db_index=True, editable=False, max_length=12, verbose_name='区划代码')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='录入时间')),
                ('date', models.DateField(db_index=True, verbose_name='日期')),
                ('kind', models.CharField(choices=[('holiday', '法定节假日（放假）'), ('shifted', '调休上班'), ('exam', '考试'), ('opening', '开学'), ('event', '活动'), ('closure', '停课')], max_length=16, verbose_name='类型')),
                ('name', models.CharField(help_text='如：国庆节、期中考试、秋季开学、运动会、台风停课', max_length=64, verbose_name='名称')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='区划')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.school', verbose_name='学校')),
            ],
            options={
                'verbose_name': '校历日期',
                'verbose_name_plural': '校历日期',
                'ordering': ['date', 'region_code'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('school__isnull', True)), fields=('date', 'region_code'), name='calendarday_unique_region'), models.UniqueConstraint(condition=models.Q(('school__isnull', False)), fields=('date', 'school'), name='calendarday_unique_school')],
            },
        ),
        migrations.CreateModel(
            name='Delivery',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('channel', models.CharField(choices=[('email', '电子邮件'), ('sms', '短信')], max_length=8, verbose_name='渠道')),
                ('destination', models.CharField(blank=True, max_length=64, verbose_name='接收地址')),
                ('status', models.CharField(choices=[('pending', '待发送'), ('sending', '发送中'), ('sent', '已发送'), ('failed', '发送失败，待重试'), ('gave_up', '发送失败，已放弃')], default='pending', max_length=8, verbose_name='状态')),
                ('attempts', models.PositiveSmallIntegerField(default=0, verbose_name='尝试次数')),
                ('last_error', models.CharField(blank=True, max_length=255, verbose_name='失败原因')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('attempted_at', models.DateTimeField(blank=True, null=True, verbose_name='最近尝试')),
                ('next_attempt_at', models.DateTimeField(blank=True, null=True, verbose_name='下次重试')),
                ('sent_at', models.DateTimeField(blank=True, null=True, verbose_name='发送时间')),
                ('notification', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='deliveries', to='core.notification', verbose_name='通知')),
            ],
            options={
                'verbose_name': '通知投递',
                'verbose_name_plural': '通知投递',
                'ordering': ['-created_at', '-id'],
                'indexes': [models.Index(fields=['status', 'next_attempt_at'], name='delivery_due')],
            },
        ),
        migrations.CreateModel(
            name='NotificationPreference',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('level', models.CharField(choices=[('info', '一般'), ('warning', '提醒'), ('danger', '紧急')], max_length=16, verbose_name='级别')),
                ('channel', models.CharField(choices=[('email', '电子邮件'), ('sms', '短信')], max_length=8, verbose_name='渠道')),
                ('enabled', models.BooleanField(default=True, verbose_name='启用')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notification_preferences', to=settings.AUTH_USER_MODEL, verbose_name='用户')),
            ],
            options={
                'verbose_name': '通知偏好',
                'verbose_name_plural': '通知偏好',
                'constraints': [models.UniqueConstraint(fields=('user', 'level', 'channel'), name='notifypref_unique')],
            },
        ),
        migrations.CreateModel(
            name='ReachLink',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('object_id', models.BigIntegerField(verbose_name='对象编号')),
                ('region_code', models.CharField(max_length=12, verbose_name='区划代码')),
                ('reason', models.CharField(blank=True, max_length=200, verbose_name='原因')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='创建时间')),
                ('content_type', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to='contenttypes.contenttype', verbose_name='对象类型')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.school', verbose_name='学校')),
            ],
            options={
                'verbose_name': '关联管辖',
                'verbose_name_plural': '关联管辖',
                'ordering': ['id'],
                'indexes': [models.Index(fields=['content_type', 'region_code'], name='reachlink_region', opclasses=['int4_ops', 'varchar_pattern_ops']), models.Index(fields=['content_type', 'school'], name='reachlink_school'), models.Index(fields=['content_type', 'object_id'], name='reachlink_object')],
                'constraints': [models.UniqueConstraint(condition=models.Q(('school__isnull', True)), fields=('content_type', 'object_id', 'region_code'), name='reachlink_unique_region'), models.UniqueConstraint(condition=models.Q(('school__isnull', False)), fields=('content_type', 'object_id', 'school'), name='reachlink_unique_school')],
            },
        ),
        migrations.CreateModel(
            name='Term',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('region_code', models.CharField(blank=True, db_index=True, editable=False, max_length=12, verbose_name='区划代码')),
                ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='录入时间')),
                ('school_year', models.PositiveSmallIntegerField(help_text='学年起始年份，如 2026 表示 2026—2027 学年', verbose_name='学年')),
                ('semester', models.PositiveSmallIntegerField(choices=[(1, '第一学期（秋季）'), (2, '第二学期（春季）')], verbose_name='学期')),
                ('start', models.DateField(verbose_name='开学日期')),
                ('end', models.DateField(verbose_name='学期结束日期')),
                ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL, verbose_name='录入人')),
                ('region', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='+', to='core.region', verbose_name='区划')),
                ('school', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='core.school', verbose_name='学校')),
            ],
            options={
                'verbose_name': '学期',
                'verbose_name_plural': '学期',
                'ordering': ['-school_year', '-semester', 'region_code'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('school__isnull', True)), fields=('region_code', 'school_year', 'semester'), name='term_unique_region'), models.UniqueConstraint(condition=models.Q(('school__isnull', False)), fields=('school', 'school_year', 'semester'), name='term_unique_school')],
            },
        ),
    ]
