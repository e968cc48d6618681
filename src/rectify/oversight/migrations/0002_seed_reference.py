"""Seed the reference data of accountability and meetings; offices may rename and add."""

from django.db import migrations

RANKS = [("bureau", "厅级"), ("division", "处级"), ("section", "科级及以下")]
SANCTIONS = [
    "党纪政务处分",
    "党纪政务处分并组织处理",
    "组织处理",
    "诫勉谈话",
    "书面检查",
    "约谈",
    "批评教育",
    "移送司法机关",
]
MEETING_KINDS = ["省委常委会会议", "省政府常务会议", "专题会", "领导小组会议"]


def seed(apps, schema_editor):
    Rank = apps.get_model("oversight", "Rank")
    SanctionClass = apps.get_model("oversight", "SanctionClass")
    MeetingKind = apps.get_model("oversight", "MeetingKind")
    for order, (code, label) in enumerate(RANKS, start=1):
        Rank.objects.get_or_create(code=code, defaults={"label": label, "sort_order": order})
    for order, name in enumerate(SANCTIONS, start=1):
        SanctionClass.objects.get_or_create(name=name, defaults={"sort_order": order})
    for order, name in enumerate(MEETING_KINDS, start=1):
        MeetingKind.objects.get_or_create(name=name, defaults={"sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("oversight", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
