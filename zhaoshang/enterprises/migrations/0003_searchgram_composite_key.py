"""The postings are keyed by (gram, enterprise) itself: the id column, its sequence and
its index go, so an import writes two indexes per posting instead of three.

PostgreSQL: drop the id column (and its key), then make the (gram, enterprise) unique
constraint the primary key; PostgreSQL cannot turn a unique constraint into the key in
place, so the key's index is built once (about half a minute for 13 million postings).
SQLite: the table is rebuilt from the new model, as Django rebuilds SQLite tables."""

from django.db import migrations, models


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE enterprises_searchgram DROP COLUMN id")
        schema_editor.execute(
            "ALTER TABLE enterprises_searchgram DROP CONSTRAINT searchgram_unique,"
            " ADD CONSTRAINT enterprises_searchgram_pkey PRIMARY KEY (gram, enterprise_id)"
        )
    else:
        schema_editor._remake_table(apps.get_model("enterprises", "SearchGram"))


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_fewer_indexes")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(model_name="searchgram", name="searchgram_unique"),
                migrations.RemoveField(model_name="searchgram", name="id"),
                migrations.AddField(
                    model_name="searchgram",
                    name="pk",
                    field=models.CompositePrimaryKey(
                        "gram",
                        "enterprise",
                        blank=True,
                        editable=False,
                        primary_key=True,
                        serialize=False,
                    ),
                ),
            ],
        ),
        # Not reversible: the dropped ids cannot be given back.
        migrations.RunPython(forwards, elidable=False),
    ]
