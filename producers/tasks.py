"""Background work for the producers: the daily certificate expiry reminders.

Started once a day by the `send_certification_reminders` management command
(from cron); the immediate backend runs it at once, a worker in production
(settings.TASKS).
"""

import datetime

from django.utils import timezone
from django_tasks import task

from . import certification_reminders


@task()
def send_certification_reminders(today: str | None = None) -> int:
    """Remind cooperatives and the district of certificates expiring soon.

    `today` is an ISO date (tasks take plain values); by default the date in
    Vietnam when the task runs. Returns how many e-mails were sent.
    """
    date = datetime.date.fromisoformat(today) if today else timezone.localdate()
    return certification_reminders.send_expiry_reminders(date).messages_sent
