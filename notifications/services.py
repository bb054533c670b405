"""Putting something in front of a person: the in-app inbox."""

from collections.abc import Iterable

from django.utils import timezone

from accounts.models import Staff
from notifications.models import Notification


def notify(*, recipients: Iterable[Staff], subject: str, body: str = "", link: str = "") -> int:
    rows = [Notification(recipient=r, subject=subject, body=body, link=link) for r in recipients]
    Notification.objects.bulk_create(rows)
    return len(rows)


def notification_mark_read(*, notification_id: int, actor: Staff) -> bool:
    """Marks one of the actor's own notifications read; someone else's is never touched."""
    unread = Notification.objects.filter(pk=notification_id, recipient=actor, read_at__isnull=True)
    return bool(unread.update(read_at=timezone.now()))
