"""Settings of the app servers and worker started by tests/cms/test_two_servers.py.

The production settings as deployed: DEBUG off, secure cookies behind a TLS
proxy, and whatever the environment names (PostgreSQL, Redis, the database task
queue). Two things differ, for a test run has no use for them: static files are
not collected (the manifest storage needs `collectstatic`), and mail is written
to files in TWO_SERVERS_MAIL_DIR for the test to read instead of going to SMTP.
"""

import os

from cms.settings.production import *  # noqa: F403

STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
EMAIL_FILE_PATH = os.environ["TWO_SERVERS_MAIL_DIR"]
