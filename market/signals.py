"""Signals for changes that reach the database without a model's save().

Stock moves by conditional UPDATEs (`market.stock`) and an import writes
products in bulk (`market.product_import`), so `post_save` never fires for
them. Whoever keeps copies of what the public sees (the page cache) listens
here instead. Both are sent inside the writing transaction; a receiver that
acts on the change should wait for the commit (`transaction.on_commit`).
"""

from django.dispatch import Signal

# Units went into or out of stock. Arguments: `product_ids` (a set) and
# `availability_changed` (True if a product may have sold out or come back,
# which is what product lists show; False if only the count moved).
stock_changed = Signal()

# Products were created or changed in bulk. Argument: `product_ids` (a set).
products_changed = Signal()
