"""The site's URLs with the Stripe webhook at /thanh-toan/stripe/webhook/.

The webhook tests use this until the site's own URLs include
`market.payments.urls`; the address is the one Stripe is configured with.
"""

from django.urls import include, path

from cms.urls import urlpatterns as site_urlpatterns

urlpatterns = [
    path("thanh-toan/", include("market.payments.urls")),
    *site_urlpatterns,
]
