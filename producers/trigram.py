"""Trigram (pg_trgm) indexes for search over folded text, on PostgreSQL only.

Search asks for `LIKE '%word%'` on each folded word (producers.text); a GIN
index with gin_trgm_ops answers that from the index instead of reading every
row. SQLite runs the same queries without one, so there the operation does
nothing. pg_trgm is a trusted extension: the database owner may create it.
"""

from django.db import migrations


def trigram_index(model: str, name: str, column: str, where: str = ""):
    """A migration operation adding (and, reversed, dropping) the index `name` on
    `column` of `model` ("app_label.ModelName"), limited by a WHERE clause if
    `where` is given."""
    app_label, model_name = model.split(".")

    def create(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        table = apps.get_model(app_label, model_name)._meta.db_table
        quote = schema_editor.quote_name
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {quote(name)} ON {quote(table)} "
            f"USING gin ({quote(column)} gin_trgm_ops)"
            + (f" WHERE {where}" if where else "")
        )

    def drop(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # The extension stays: other database objects may have come to use it.
            quoted = schema_editor.quote_name(name)
            schema_editor.execute(f"DROP INDEX IF EXISTS {quoted}")

    return migrations.RunPython(create, drop)
