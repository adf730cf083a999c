"""Ship the national reference data: GB/T 4754-2017 sections and divisions, GB/T 2260
provinces, countries (ISO 3166), and the economic areas the texts target."""

from django.db import migrations

from zhaoshang.reference.national import load_national_data

def forwards(apps, schema_editor):
    load_national_data(apps)


def backwards(apps, schema_editor):
    for model in ["Region", "EconomicArea", "Industry"]:
        apps.get_model("reference", model).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("reference", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
