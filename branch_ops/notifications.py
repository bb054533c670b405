"""Putting something in front of a person: the in-app inbox."""

from collections.abc import Iterable

from .models import Notification


def notify(*, recipients: Iterable, subject: str, body: str = "", link: str = "") -> int:  # type: ignore[type-arg]
    rows = [Notification(recipient=r, subject=subject, body=body, link=link) for r in recipients]
    Notification.objects.bulk_create(rows)
    return len(rows)
