"""What a person's inbox shows."""

from __future__ import annotations

from accounts.models import Staff

from .models import Notification

INBOX_SHOWN = 20


def inbox_unread(actor: Staff) -> list[Notification]:
    return list(Notification.objects.filter(recipient=actor, read_at__isnull=True)[:INBOX_SHOWN])
