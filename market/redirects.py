"""Where a form sends the buyer next: a `next` path on this site, else a fallback."""

from django.utils.http import url_has_allowed_host_and_scheme


def next_path(request, fallback: str) -> str:
    """The posted (or queried) `next` if it is a path on this site, else `fallback`.

    Only a path counts: redirect() would read "cart" or "a:b" as a view name,
    and another host's address would make the site an open redirect.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback
