"""Seed the seven problem categories of the 2020 Guizhou disclosure; offices may add more."""

from django.db import migrations

CATEGORIES = [
    "思想认识类",
    "城市基础设施类",
    "自然保护地类",
    "“三磷”污染类",
    "环境生态类",
    "畜禽养殖类",
    "其他类",
]


def seed(apps, schema_editor):
    Category = apps.get_model("problems", "Category")
    for order, name in enumerate(CATEGORIES, start=1):
        Category.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("problems", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
