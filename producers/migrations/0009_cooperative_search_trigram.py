"""A trigram (pg_trgm) index on the cooperatives' folded search text.

Cooperative search (CooperativeQuerySet.matching) asks for `LIKE '%word%'`
on each word; on PostgreSQL this index answers it without reading every
cooperative. SQLite runs the same query without it.
"""

from django.db import migrations

from producers.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("producers", "0008_api_tokens")]

    operations = [
        trigram_index(
            "producers.Cooperative", "cooperative_search_text_trgm", "search_text"
        )
    ]
