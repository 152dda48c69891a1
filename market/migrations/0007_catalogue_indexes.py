"""Indexes for the public catalogue at province scale (docs/performance.md).

B-tree indexes, on both databases, for each order the catalogue offers, over
published products; they replace the earlier (live, ...) indexes, which could
not serve "newest first" (NULLS LAST) or any order ending in the pk.

On PostgreSQL, a trigram (pg_trgm) GIN index on the folded search text lets
`LIKE '%word%'` (market.search) find matches from an index instead of reading
every product. SQLite runs the same queries without it.
"""

from django.db import migrations, models

import market.models.catalogue
from producers.trigram import trigram_index


class Migration(migrations.Migration):
    dependencies = [("market", "0006_product_import")]

    operations = [
        migrations.RemoveIndex(
            model_name="product", name="market_prod_live_bb0b95_idx"
        ),
        migrations.RemoveIndex(
            model_name="product", name="market_prod_live_a3aeaa_idx"
        ),
        migrations.RemoveIndex(
            model_name="product", name="market_prod_live_5bb5e2_idx"
        ),
        migrations.AddIndex(
            model_name="product",
            index=market.models.catalogue.SortIndex(
                models.OrderBy(
                    models.F("first_published_at"), descending=True, nulls_last=True
                ),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("live", True)),
                include=("category", "cooperative", "ocop_stars", "price"),
                name="product_live_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("live", True)),
                fields=["price", "id"],
                include=("category", "cooperative", "ocop_stars"),
                name="product_live_price_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("live", True)),
                fields=["search_name", "id"],
                include=("category", "cooperative", "ocop_stars", "price"),
                name="product_live_name_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=market.models.catalogue.SortIndex(
                models.F("category"),
                models.OrderBy(
                    models.F("first_published_at"), descending=True, nulls_last=True
                ),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("live", True)),
                include=("cooperative", "ocop_stars", "price"),
                name="product_live_cat_newest_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("live", True)),
                fields=["category", "price", "id"],
                include=("cooperative", "ocop_stars"),
                name="product_live_cat_price_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=models.Index(
                condition=models.Q(("live", True)),
                fields=["category"],
                name="product_live_category_idx",
            ),
        ),
        migrations.AddIndex(
            model_name="product",
            index=market.models.catalogue.SortIndex(
                models.OrderBy(
                    models.F("ocop_stars"), descending=True, nulls_last=True
                ),
                models.OrderBy(
                    models.F("first_published_at"), descending=True, nulls_last=True
                ),
                models.OrderBy(models.F("id"), descending=True),
                condition=models.Q(("live", True)),
                name="product_live_popular_idx",
            ),
        ),
        # Over published products only, as search reads nothing else.
        trigram_index(
            "market.Product", "product_search_text_trgm", "search_text", where="live"
        ),
    ]
