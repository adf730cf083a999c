"""The national reference data shipped with the system: GB/T 4754-2017 sections and
divisions, GB/T 2260 provinces, countries (ISO 3166), and the economic areas the texts
target. Loaded by migration 0002; tests that empty the database load it again."""

import json
from pathlib import Path

from django.apps import apps as global_apps

DATA = Path(__file__).resolve().parent / "data"


def load(name):
    return json.loads((DATA / name).read_text(encoding="utf-8"))


def load_national_data(apps=global_apps):
    """Load the shipped national data (idempotent: skipped when already there)."""
    Industry = apps.get_model("reference", "Industry")
    EconomicArea = apps.get_model("reference", "EconomicArea")
    Region = apps.get_model("reference", "Region")
    if Industry.objects.exists():
        return
    codes = {}
    for row in load("gbt4754_2017.json"):
        codes[row["code"]] = Industry.objects.create(
            code=row["code"], name=row["name"], level=row["level"], parent=codes.get(row["parent"])
        )
    areas = {
        a["code"]: EconomicArea.objects.create(code=a["code"], name=a["name"])
        for a in load("economic_areas.json")
    }
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
