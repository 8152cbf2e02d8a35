"""Ship the built-in checklists: the Baicheng six items (003 §三(一)) and the Jiangsu 八项措施 (000 附件)."""

from django.db import migrations

BAICHENG = ("白城市校园安全大检查（六项）", "白城市教育局、白城市公安局《关于切实加强校园内部安全保卫工作的实施方案》三(一)")
JIANGSU = ("江苏省中小学幼儿园治安安全管理八项措施", "苏公通〔2019〕635号 附件《加强中小学幼儿园治安安全管理八项措施》")


def ship(apps, schema_editor):
    from huxiao.inspections.constants import BAICHENG_ITEMS, JIANGSU_ITEMS

    Template = apps.get_model("inspections", "ChecklistTemplate")
    Item = apps.get_model("inspections", "ChecklistItem")
    for (name, source), items in ((BAICHENG, BAICHENG_ITEMS), (JIANGSU, JIANGSU_ITEMS)):
        template, created = Template.objects.get_or_create(name=name, builtin=True, defaults={"source": source})
        if created:
            Item.objects.bulk_create([Item(template=template, order=n, text=text, category=category)
                                      for n, (text, category) in enumerate(items, start=1)])


def unship(apps, schema_editor):
    apps.get_model("inspections", "ChecklistTemplate").objects.filter(builtin=True).delete()


class Migration(migrations.Migration):
    dependencies = [("inspections", "0001_initial")]
    operations = [migrations.RunPython(ship, unship)]
