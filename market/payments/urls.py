"""Addresses Stripe calls; outside the language prefixes (see cms/urls.py)."""

from django.urls import path

from . import webhooks

urlpatterns = [
    path("stripe/webhook/", webhooks.stripe_webhook, name="stripe_webhook"),
]
