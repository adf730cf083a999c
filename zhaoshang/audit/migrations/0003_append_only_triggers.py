"""The audit trail is append-only in the database itself, not only in the model:
UPDATE is always refused, DELETE only for rows older than the 180-day legal minimum
(which only the scheduled retention job issues). A developer's shell or a buggy bulk
query cannot rewrite history. (TRUNCATE on PostgreSQL is a table owner's maintenance
operation; docs/deployment.md has the application's role run without it.)"""

from django.db import migrations

TABLE = "audit_auditevent"

SQLITE = [
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_update BEFORE UPDATE ON {TABLE}
        BEGIN SELECT RAISE(ABORT, '审计记录不可修改'); END;""",
    f"""CREATE TRIGGER IF NOT EXISTS audit_no_early_delete BEFORE DELETE ON {TABLE}
        WHEN old.at >= strftime('%Y-%m-%d %H:%M:%f', 'now', '-180 days')
        BEGIN SELECT RAISE(ABORT, '审计记录保留期未满 180 天，不可删除'); END;""",
]
SQLITE_REVERSE = [
    "DROP TRIGGER IF EXISTS audit_no_update;",
    "DROP TRIGGER IF EXISTS audit_no_early_delete;",
]

POSTGRES = [
    """CREATE FUNCTION audit_guard() RETURNS trigger AS $$
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            RAISE EXCEPTION '审计记录不可修改';
        END IF;
        IF OLD.at >= now() - interval '180 days' THEN
            RAISE EXCEPTION '审计记录保留期未满 180 天，不可删除';
        END IF;
        RETURN OLD;
    END $$ LANGUAGE plpgsql;""",
    f"""CREATE TRIGGER audit_guard BEFORE UPDATE OR DELETE ON {TABLE}
        FOR EACH ROW EXECUTE FUNCTION audit_guard();""",
]
POSTGRES_REVERSE = [
    f"DROP TRIGGER audit_guard ON {TABLE};",
    "DROP FUNCTION audit_guard();",
]


def forwards(apps, schema_editor):
    statements = POSTGRES if schema_editor.connection.vendor == "postgresql" else SQLITE
    for sql in statements:
        schema_editor.execute(sql)


def backwards(apps, schema_editor):
    statements = POSTGRES_REVERSE if schema_editor.connection.vendor == "postgresql" else SQLITE_REVERSE
    for sql in statements:
        schema_editor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
