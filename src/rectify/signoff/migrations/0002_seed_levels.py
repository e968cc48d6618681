"""Seed the acceptance chains seen in provincial sign-off rules (configurable afterwards)."""

from django.db import migrations

CHAINS = {
    "central": [
        ("县级验收", "county"),
        ("市级验收", "prefecture"),
        ("行业部门审核", "department"),
        ("省级审核", "province"),
    ],
    "provincial": [
        ("县级验收", "county"),
        ("市级验收", "prefecture"),
        ("省级审核", "province"),
    ],
}


def seed(apps, schema_editor):
    Level = apps.get_model("signoff", "AcceptanceLevel")
    for inspection_level, chain in CHAINS.items():
        for order, (name, actor) in enumerate(chain, start=1):
            Level.objects.get_or_create(
                inspection_level=inspection_level,
                order=order,
                defaults={"name": name, "actor": actor},
            )


class Migration(migrations.Migration):
    dependencies = [("signoff", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
