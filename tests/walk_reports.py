"""Tenancy walk visits for the reports admin pages (see tests/test_tenancy_walk.py)."""


def report_visits(world):
    yield from ()
