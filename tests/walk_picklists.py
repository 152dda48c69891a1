"""Tenancy walk visits for the pick list pages (see tests/test_tenancy_walk.py)."""


def picklist_visits(world):
    yield from ()
