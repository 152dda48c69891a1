"""Search for products and cooperatives that ignores case and diacritics.

Both sides are folded (producers.text.fold): the stored `search_text` and
`search_name` columns at save time, the query here. Every query word must occur
in the stored text; the rank is computed by the database with CASE expressions,
so the same code runs on SQLite and PostgreSQL and pages are cut after ranking.
On PostgreSQL a trigram index finds the words (`LIKE '%word%'`, migration
market 0007); every match is then ranked (docs/performance.md).
"""

import difflib

from django.core.cache import cache
from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from producers.models import Cooperative
from producers.text import (  # noqa: F401 - the query rule lives with folding
    MAX_QUERY_LENGTH,
    MAX_QUERY_WORDS,
    Query,
    fold_words,
    parse_query,
)

VOCABULARY_CACHE_KEY = "market:search:vocabulary"
VOCABULARY_TIMEOUT = 10 * 60
VOCABULARY_MAX_NAMES = 5000


class Rank:
    """Lower is better."""

    EXACT_NAME = 0
    NAME_STARTS_WITH_QUERY = 1
    ALL_WORDS_IN_NAME = 2
    ELSEWHERE = 3


def _all_words(field: str, words) -> Q:
    condition = Q()
    for word in words:
        condition &= Q(**{f"{field}__contains": word})
    return condition


def search_products(queryset: QuerySet, query: Query) -> QuerySet:
    """Products of `queryset` matching every word, annotated with `search_rank`.

    The caller orders by `search_rank` (see market.filters) or by anything else.
    """
    if not query:
        return queryset
    return queryset.filter(_all_words("search_text", query.words)).annotate(
        search_rank=Case(
            When(search_name=query.folded, then=Value(Rank.EXACT_NAME)),
            When(
                search_name__startswith=query.folded,
                then=Value(Rank.NAME_STARTS_WITH_QUERY),
            ),
            When(
                _all_words("search_name", query.words),
                then=Value(Rank.ALL_WORDS_IN_NAME),
            ),
            default=Value(Rank.ELSEWHERE),
            output_field=IntegerField(),
        )
    )


def by_relevance(queryset: QuerySet) -> QuerySet:
    """Order a `search_products` result: best rank first, then newest."""
    return queryset.order_by(
        "search_rank", F("first_published_at").desc(nulls_last=True), "-pk"
    )


def search_cooperatives(query: Query, limit: int = 6) -> list[Cooperative]:
    """Cooperatives whose name or place holds every word, names starting so first."""
    if not query:
        return []
    return list(
        Cooperative.objects.matching(query.words).order_by("search_rank", "name", "pk")[
            :limit
        ]
    )


def _vocabulary() -> list[str]:
    """Folded words of published product and cooperative names, cached."""
    words = cache.get(VOCABULARY_CACHE_KEY)
    if words is None:
        from .models import Product

        names = list(
            Product.objects.published()
            .order_by()
            .values_list("search_name", flat=True)[:VOCABULARY_MAX_NAMES]
        )
        names += Cooperative.objects.order_by().values_list("name", flat=True)[
            :VOCABULARY_MAX_NAMES
        ]
        words = sorted(
            {word for name in names for word in fold_words(name) if len(word) > 1}
        )
        cache.set(VOCABULARY_CACHE_KEY, words, VOCABULARY_TIMEOUT)
    return words


def did_you_mean(query: Query, queryset: QuerySet) -> str | None:
    """A corrected query that finds something in `queryset`, or None.

    Each word unknown to the catalogue is replaced by the closest known word
    ("cam vihn" -> "cam vinh"); the suggestion is offered only if it finds products.
    """
    if not query:
        return None
    vocabulary = _vocabulary()
    known = set(vocabulary)
    corrected = []
    for word in query.words:
        if word in known or word.isdigit():
            corrected.append(word)
            continue
        matches = difflib.get_close_matches(word, vocabulary, n=1, cutoff=0.7)
        corrected.append(matches[0] if matches else word)
    if tuple(corrected) == query.words:
        return None
    suggestion = Query(text=" ".join(corrected), words=tuple(corrected))
    if not search_products(queryset, suggestion).exists():
        return None
    return suggestion.text


def popular_products(limit: int = 4) -> QuerySet:
    """Products to suggest when a search finds nothing.

    There is no sales history to rank by yet, so the best-rated OCOP products in
    stock come first, then the newest.
    """
    from .models import Product

    return (
        Product.objects.published()
        .in_stock()
        .for_listing()
        .order_by(
            F("ocop_stars").desc(nulls_last=True),
            F("first_published_at").desc(nulls_last=True),
            "-pk",
        )[:limit]
    )


def refresh_cooperative_products(cooperative) -> int:
    """Re-fold the search text of a cooperative's products after it changed name.

    Product.search_text includes the cooperative's name, so `htx che` keeps
    finding the products of a cooperative renamed to "HTX Chè ...".
    """
    from .models import Product

    products = list(
        Product.objects.filter(cooperative=cooperative).only("name", "summary")
    )
    for product in products:
        product.cooperative = cooperative
        product.search_text = product.build_search_text()
    Product.objects.bulk_update(products, ["search_text"], batch_size=500)
    return len(products)
