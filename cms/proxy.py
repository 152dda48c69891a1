"""The visitor's address when the site runs behind reverse proxies.

Behind a proxy every request reaches the app server from the proxy's address,
so the API's rate limits and the order tracking's attempt counts, which count
per REMOTE_ADDR, would count every visitor together. Each proxy appends the
address it received the request from to X-Forwarded-For (nginx:
`$proxy_add_x_forwarded_for`; Caddy does it unasked). With
MARKET_TRUSTED_PROXIES set to the number of proxies in front of the app
servers, the entry that many places from the right is the address the outermost
proxy saw: the visitor. Entries further left were sent by the visitor and are
never trusted.
"""

import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


def client_address(forwarded_for: str, proxies: int) -> str | None:
    """The visitor's address in an X-Forwarded-For value written by `proxies`
    trusted proxies, or None if the value does not have that many entries (the
    request did not come through all of them) or the entry is not an address."""
    entries = [entry.strip() for entry in forwarded_for.split(",")]
    if proxies < 1 or len(entries) < proxies:
        return None
    try:
        return str(ipaddress.ip_address(entries[-proxies]))
    except ValueError:
        return None


class ClientAddressMiddleware:
    """Set REMOTE_ADDR to the visitor's address (see the module's docstring);
    not used at all when MARKET_TRUSTED_PROXIES is 0."""

    def __init__(self, get_response):
        self.proxies = settings.MARKET_TRUSTED_PROXIES
        if not self.proxies:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        forwarded_for = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if address := client_address(forwarded_for, self.proxies):
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)
