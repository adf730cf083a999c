"""Ship the national reference data: GB/T 4754-2017 sections and divisions, GB/T 2260
provinces, countries (ISO 3166), and the economic areas the texts target."""

import json
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def forwards(apps, schema_editor):
    Industry = apps.get_model("reference", "Industry")
    EconomicArea = apps.get_model("reference", "EconomicArea")
    Region = apps.get_model("reference", "Region")
    codes = {}
    for row in load("gbt4754_2017.json"):
        codes[row["code"]] = Industry.objects.create(
            code=row["code"], name=row["name"], level=row["level"], parent=codes.get(row["parent"])
        )
    areas = {a["code"]: EconomicArea.objects.create(code=a["code"], name=a["name"]) for a in load("economic_areas.json")}
    for kind, name in [("province", "gbt2260_provinces.json"), ("country", "countries.json")]:
        for row in load(name):
            region = Region.objects.create(
                code=row["code"],
                name=row["name"],
                short_name=row.get("short_name", ""),
                name_en=row.get("name_en", ""),
                kind=kind,
            )
            region.areas.set([areas[a] for a in row["areas"]])


def backwards(apps, schema_editor):
    for model in ["Region", "EconomicArea", "Industry"]:
        apps.get_model("reference", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
