"""The database itself refuses UPDATE and DELETE of trace records, so not even a raw
SQL statement from the application's own account rewrites them (PostgreSQL and
SQLite; TRUNCATE, which only an owner runs, is not a row change)."""

from django.db import migrations

TABLES = ["producers_traceevent", "producers_traceeventinput", "producers_traceevidence"]
MESSAGE = "trace records are append-only"

# "%%" because the schema editor passes parameters, so psycopg reads "%" as one.
POSTGRES_FUNCTION = f"""
CREATE OR REPLACE FUNCTION producers_refuse_trace_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '{MESSAGE}: %% on %% refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END;
$$ LANGUAGE plpgsql;
"""


def trigger_sql(vendor: str) -> list[str]:
    if vendor == "postgresql":
        return [POSTGRES_FUNCTION] + [
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION producers_refuse_trace_change();"
            for table in TABLES
        ]
    if vendor == "sqlite":
        return [
            f"CREATE TRIGGER {table}_no_{op.lower()} BEFORE {op} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END;"
            for table in TABLES
            for op in ("UPDATE", "DELETE")
        ]
    return []


def create_triggers(apps, schema_editor):
    for sql in trigger_sql(schema_editor.connection.vendor):
        schema_editor.execute(sql)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        if vendor == "postgresql":
            schema_editor.execute(
                f"DROP TRIGGER IF EXISTS {table}_append_only ON {table};"
            )
        elif vendor == "sqlite":
            for op in ("update", "delete"):
                schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op};")
    if vendor == "postgresql":
        schema_editor.execute("DROP FUNCTION IF EXISTS producers_refuse_trace_change();")


class Migration(migrations.Migration):
    dependencies = [("producers", "0003_traceability")]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
