from django.db import migrations

# The seven types of DESIGN.md, with the longer lists offices also publish mapped onto them
# (office-formats.md): a type offices want apart (e.g. 油烟) can be added as its own row.
TYPES = [
    ("water", "水", "水污染,水体污染,饮用水"),
    ("air", "大气", "大气污染,空气污染,废气,油烟,油烟污染,扬尘,扬尘污染,异味,臭气"),
    ("soil", "土壤", "土壤污染,重金属,重金属污染,固废,固体废物,危险废物,危废"),
    ("ecology", "生态", "生态污染,生态破坏,生态环境,植被破坏,毁林"),
    ("noise", "噪声", "噪声污染,噪音,噪音污染"),
    ("radiation", "辐射", "辐射污染,电磁辐射"),
    ("other", "其他", "其他污染,其它,其它污染,垃圾,垃圾污染"),
]


def seed(apps, schema_editor):
    PollutionType = apps.get_model("complaints", "PollutionType")
    for order, (code, name, aliases) in enumerate(TYPES, start=1):
        PollutionType.objects.update_or_create(
            code=code, defaults={"name": name, "aliases": aliases, "sort_order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("complaints", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
