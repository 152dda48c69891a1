"""Helpers for tests that commit (transactional tests, live server, threads)."""

import threading

import pytest


def ensure_wagtail_tree(port: int) -> None:
    """Recreate what Wagtail's migrations add (root collection, root page, locale,
    default site) after a transactional test has flushed the database."""
    from django.conf import settings
    from wagtail.models import Collection, Locale, Page, Site

    locale, _ = Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE)
    if not Collection.objects.exists():
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(
        title="Root", slug="root", locale=locale
    )
    Site.objects.update_or_create(
        is_default_site=True,
        defaults={"hostname": "localhost", "port": port, "root_page": root},
    )


def clear_trace_records() -> None:
    """Empty the append-only trace tables before the test database is flushed.

    SQLite's flush deletes row by row, which the append-only triggers refuse
    (PostgreSQL truncates, which they allow); so, on SQLite only, set the
    triggers aside, empty the tables and put the triggers back."""
    import importlib

    from django.db import connection

    if connection.vendor != "sqlite":
        return
    triggers = importlib.import_module("producers.migrations.0004_append_only_trigger")
    with connection.cursor() as cursor:
        for table in triggers.TABLES:
            for op in ("update", "delete"):
                cursor.execute(f"DROP TRIGGER IF EXISTS {table}_no_{op}")
        for table in reversed(triggers.TABLES):  # evidence and inputs first
            cursor.execute(f"DELETE FROM {table}")
        for sql in triggers.trigger_sql("sqlite"):
            cursor.execute(sql)


@pytest.fixture
def committed_db(transactional_db):
    """A database that commits, with Wagtail's tree in place (threads see the rows)."""
    ensure_wagtail_tree(80)
    yield
    clear_trace_records()


def at_once(*targets):
    """Run every target in its own thread and connection, released together.

    Returns what each target returned, or the exception it raised.
    """
    from django.db import close_old_connections, connection

    start = threading.Barrier(len(targets))
    outcomes = [None] * len(targets)

    def run(index, target):
        try:
            start.wait()
            outcomes[index] = target()
        except Exception as error:  # noqa: BLE001 - recorded and asserted on
            outcomes[index] = error
        finally:
            close_old_connections()
            connection.close()

    threads = [
        threading.Thread(target=run, args=(index, target))
        for index, target in enumerate(targets)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return outcomes
