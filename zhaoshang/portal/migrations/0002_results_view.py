from django.db import migrations, models

# The issued reports' main indicators, for the portal (models.PublishedResult).
POSTGRES = """
CREATE VIEW portal_results AS
SELECT id, year, month, version, issued_at, data -> 'indicators' AS indicators
FROM reports_issuedreport
"""
SQLITE = """
CREATE VIEW portal_results AS
SELECT id, year, month, version, issued_at, json_extract(data, '$.indicators') AS indicators
FROM reports_issuedreport
"""


def create(apps, schema_editor):
    sql = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    schema_editor.execute(sql)


def drop(apps, schema_editor):
    schema_editor.execute("DROP VIEW IF EXISTS portal_results")


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("reports", "0003_bulletin"),
    ]

    operations = [
        migrations.RunPython(create, drop),
        migrations.CreateModel(
            name="PublishedResult",
            fields=[
                ("id", models.BigAutoField(primary_key=True, serialize=False)),
                ("year", models.PositiveIntegerField()),
                ("month", models.PositiveSmallIntegerField()),
                ("version", models.PositiveIntegerField()),
                ("issued_at", models.DateTimeField()),
                ("indicators", models.JSONField()),
            ],
            options={"db_table": "portal_results", "managed": False},
        ),
    ]
