"""Tenancy walk visits for the reports admin pages (see tests/test_tenancy_walk.py)."""

from django.urls import reverse

TABLES = ("thang", "san-pham", "trang-thai", "ton-kho")
PERIOD = "date_from=2020-01-01&date_to=2029-12-31"


def report_visits(world):
    from tests.test_tenancy_walk import Visit

    # The district dashboard spans every cooperative: refused to any editor.
    dashboard = reverse("market_district_report:index")
    yield Visit("reports:district", dashboard, True)
    yield Visit("reports:district:period", f"{dashboard}?{PERIOD}", True)
    for table in ("hop-tac-xa", "san-pham", "xa", "chung-nhan"):
        for kind in ("csv", "xlsx"):
            yield Visit(
                f"reports:district:{table}:{kind}",
                f"{dashboard}?{PERIOD}&export={kind}&table={table}",
                True,
            )

    # B's report and its exports do not exist for A's editor; A's own open
    # (they cover the order shared with B without B's part of it).
    for label, cooperative, targets in [
        ("b", world.coop_b, True),
        ("own", world.coop_a, False),
    ]:
        url = reverse("market_cooperative_report:cooperative", args=(cooperative.pk,))
        yield Visit(f"reports:cooperative:{label}", f"{url}?{PERIOD}", targets)
        for table in TABLES:
            for kind in ("csv", "xlsx"):
                yield Visit(
                    f"reports:cooperative:{label}:{table}:{kind}",
                    f"{url}?{PERIOD}&export={kind}&table={table}",
                    targets,
                )
    yield Visit("reports:index", reverse("market_cooperative_report:index"), False)
