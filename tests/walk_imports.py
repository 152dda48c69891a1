"""Tenancy walk visits for the product import pages (see tests/test_tenancy_walk.py).

B's upload, by its preview and confirm URL, and B's product list exported for
import are refused to A's editor; an upload form posted with B's cooperative is
refused as a choice (and stores nothing, which the walk's snapshot checks).
"""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse


def import_visits(world):
    from tests.test_tenancy_walk import Visit

    preview = reverse("market_product_import:preview", args=(world.import_b.pk,))
    yield Visit(
        "imports:preview", preview, True, {"digest": world.import_b.plan_digest}
    )
    yield Visit("imports:preview:errors", f"{preview}?status=error", True)
    export = reverse("market_product_import:export")
    for file_format in ("csv", "xlsx"):
        yield Visit(
            f"imports:export:{file_format}",
            f"{export}?cooperative={world.coop_b.pk}&format={file_format}",
            True,
        )
        # A's own list: shown, without B's products.
        yield Visit(
            f"imports:export:own:{file_format}",
            f"{export}?cooperative={world.coop_a.pk}&format={file_format}",
            False,
        )
        yield Visit(f"imports:export:default:{file_format}", export, False)
    index = reverse("market_product_import:index")
    yield Visit(
        "imports:index:upload_as_b",
        index,
        False,
        {
            "cooperative": str(world.coop_b.pk),
            "file": SimpleUploadedFile(
                "gia.csv", "Đường dẫn,Tên sản phẩm\n".encode(), "text/csv"
            ),
        },
    )
    yield Visit("imports:index:as_b", f"{index}?cooperative={world.coop_b.pk}", False)
