"""A trigram (pg_trgm) index on the cooperatives' folded search text.

Cooperative search (CooperativeQuerySet.matching) asks for `LIKE '%word%'`
on each word; on PostgreSQL this index answers it without reading every
cooperative. SQLite runs the same query without it.
"""

from django.db import migrations

INDEX = "cooperative_search_text_trgm"


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    # pg_trgm is a trusted extension: the database owner may create it.
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    table = apps.get_model("producers", "Cooperative")._meta.db_table
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {schema_editor.quote_name(INDEX)} "
        f"ON {schema_editor.quote_name(table)} USING gin (search_text gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        # The extension stays: other database objects may have come to use it.
        schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(INDEX)}")


class Migration(migrations.Migration):
    dependencies = [("producers", "0008_api_tokens")]

    operations = [migrations.RunPython(create_trigram_index, drop_trigram_index)]
