"""Indexes the trail no longer keeps (every index is written once per line, and an
enterprise import writes a line per enterprise): username is only searched by substring
(icontains, which no B-tree serves), object_type and object_id only through the
(object_type, object_id, at) index, and on PostgreSQL the varchar_pattern_ops ("_like")
copy of action goes, as action is only compared whole.

Dropped by name as the database has them, not by AlterField: on SQLite that copies the
table, and the copy would lose the append-only triggers of migration 0003."""

from django.db import migrations, models

TABLE = "audit_auditevent"
DROP = {
    # column: drop only the "_like" copy (True) or every index on it alone (False)
    "username": False,
    "object_type": False,
    "object_id": False,
    "action": True,
}


def drop_indexes(apps, schema_editor):
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        constraints = conn.introspection.get_constraints(cursor, TABLE)
    for name, info in constraints.items():
        columns = info["columns"] or []
        if not info["index"] or info["unique"] or info["primary_key"] or len(columns) != 1:
            continue
        like_only = DROP.get(columns[0])
        if like_only is None or (like_only and not name.endswith("_like")):
            continue
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [("audit", "0003_append_only_triggers")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_id",
                    field=models.CharField(blank=True, max_length=64, verbose_name="对象编号"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="object_type",
                    field=models.CharField(blank=True, max_length=100, verbose_name="对象类型"),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="username",
                    field=models.CharField(blank=True, max_length=150, verbose_name="账号"),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, migrations.RunPython.noop)],
        ),
    ]
