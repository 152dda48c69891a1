"""Tenancy walk visits for the pick list pages (see tests/test_tenancy_walk.py)."""

from django.urls import reverse


def picklist_visits(world):
    from tests.test_tenancy_walk import Visit

    for name in ("print", "pdf"):
        url = reverse(f"market_picklists:{name}")
        # B's parts alone, and smuggled in among A's own: refused, not dropped.
        for label, fulfilments in [
            ("b", [world.fulfilment_b]),
            ("shared_b", [world.shared_b]),
            ("a_and_b", [world.fulfilment_a, world.fulfilment_b]),
            ("shared_a_and_b", [world.shared_a, world.shared_b]),
        ]:
            query = "&".join(f"id={f.pk}" for f in fulfilments)
            yield Visit(f"picklists:{name}:{label}", f"{url}?{query}", True)
        # A's own parts open, without B's half of the shared order.
        own = f"{url}?id={world.fulfilment_a.pk}&id={world.shared_a.pk}"
        yield Visit(f"picklists:{name}:own", own, False)
    choose = reverse("market_picklists:choose")
    yield Visit("picklists:choose", choose, False)
    yield Visit("picklists:choose:all", f"{choose}?status=", False)
    yield Visit(
        "picklists:choose:coop_b", f"{choose}?cooperative={world.coop_b.pk}", False
    )
