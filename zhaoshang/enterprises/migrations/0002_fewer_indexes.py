"""Indexes an enterprise no longer keeps twice (an import writes every index of every new
row): ownership, status, department and region are served by their (column, id) indexes,
merged_into by a partial index of the merged rows, and on PostgreSQL the
varchar_pattern_ops ("_like") copies of credit_code, dedupe_key and initials go, as no
query uses LIKE on them (prefix searches are ranges: credit_code >= x AND < x + "~").

The fields' indexes are dropped by name as the database has them, not by AlterField,
which on SQLite would copy the whole table to drop an index."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


DROP = {
    # column: drop only the "_like" copy (True) or every plain index on it alone (False)
    "ownership": False,
    "status": False,
    "department_id": False,
    "hq_region_id": False,
    "merged_into_id": False,
    "credit_code": True,
    "dedupe_key": True,
    "initials": True,
}


def drop_indexes(apps, schema_editor):
    table = "enterprises_enterprise"
    conn = schema_editor.connection
    with conn.cursor() as cursor:
        constraints = conn.introspection.get_constraints(cursor, table)
    for name, info in constraints.items():
        columns = info["columns"] or []
        if not info["index"] or info["unique"] or info["primary_key"] or len(columns) != 1:
            continue
        like_only = DROP.get(columns[0])
        if like_only is None or (like_only and not name.endswith("_like")):
            continue
        if name.startswith("ent_"):  # our named (column, id) and partial indexes
            continue
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0001_initial"),
        ("org", "0001_initial"),
        ("reference", "0002_load_national_data"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="enterprise",
                    name="department",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="followed_enterprises",
                        to="org.department",
                        verbose_name="跟进单位",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="hq_region",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="reference.region",
                        verbose_name="总部所在地",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="enterprises.enterprise",
                        verbose_name="已合并至",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="ownership",
                    field=models.CharField(
                        blank=True,
                        choices=[
                            ("central_soe", "央企"),
                            ("local_soe", "地方国企"),
                            ("private", "民营"),
                            ("foreign", "外资"),
                            ("hmt", "港澳台"),
                            ("collective", "集体"),
                            ("institution", "事业单位"),
                            ("university", "高校"),
                            ("research", "科研院所"),
                        ],
                        max_length=20,
                        verbose_name="企业性质",
                    ),
                ),
                migrations.AlterField(
                    model_name="enterprise",
                    name="status",
                    field=models.CharField(
                        choices=[("target", "目标企业"), ("local", "已落地（本地企业）")],
                        default="target",
                        max_length=10,
                        verbose_name="状态",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_indexes, migrations.RunPython.noop)],
        ),
        migrations.AddIndex(
            model_name="enterprise",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="ent_merged_into",
            ),
        ),
    ]
