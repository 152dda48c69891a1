"""Collecting an order's money: card payments through Stripe and their webhook.

`market.payments.stripe` talks to Stripe (Checkout Sessions, refunds);
`market.payments.webhooks` receives what Stripe reports back and moves the
order through `market.ordering`. Bank transfers show a VietQR code
(`market.payments.vietqr`).
"""
