"""The JSON API's building blocks and the producers' endpoints.

`market.api` assembles the whole API (it sits above this app); what every
endpoint shares (errors, pagination, tokens, throttling, idempotency, ETags)
lives here, at the bottom, so both apps' endpoints use the same pieces.
"""
