"""The sign-in throttle's backend, for the tests' settings (cms/settings/test.py)."""

from axes.backends import AxesStandaloneBackend


class AxesBackendForTestClient(AxesStandaloneBackend):
    """axes' backend, except that Django's test client's `login()`, which
    authenticates without a request, is let through instead of refused. Every
    sign-in over HTTP carries its request and is checked as on the site."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username, password, **kwargs)
