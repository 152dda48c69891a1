"""Endpoints for a cooperative's own software: its products and fulfilments."""

from ninja import Router

from producers.api.base import CooperativeToken

router = Router(tags=["cooperative"], auth=CooperativeToken())
