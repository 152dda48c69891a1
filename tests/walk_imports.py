"""Tenancy walk visits for the imports admin pages (see tests/test_tenancy_walk.py)."""


def import_visits(world):
    yield from ()
