"""The reasons of Art. 20–28, plus "other"."""

from django.db import migrations

REASONS = [
    ("moved_away", "住址搬迁、交通不便", "Moved house / branch too far", 20),
    ("equipment", "设备老化、系统故障、交易速度慢", "Old equipment, system faults, slow trading", 21),
    ("environment", "营业部环境或服务措施不满意", "Branch environment or services", 22),
    ("staff_attitude", "员工服务态度、问题未及时解决", "Staff attitude or unresolved problems", 23),
    ("research", "咨询、信息服务不能满足需求", "Research or information not good enough", 24),
    ("products", "缺少其他公司具有的产品或交易方式", "Products or ways of trading the branch lacks", 25),
    ("competition", "同业竞争", "Competition from other brokers", 26),
    ("commission", "佣金费率偏高", "Commission too high", 27),
    ("staff_left", "员工或外聘经纪人流动", "Account manager or external broker left", 28),
    ("other", "其他原因", "Other", None),
]


def seed(apps, schema_editor):
    ChurnReason = apps.get_model("transfers", "ChurnReason")
    for order, (code, zh, en, article) in enumerate(REASONS, start=1):
        ChurnReason.objects.update_or_create(
            code=code,
            defaults={"name_zh": zh, "name_en": en, "article": article, "sort_order": order * 10},
        )


class Migration(migrations.Migration):
    dependencies = [("retention", "0001_initial"), ("transfers", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
