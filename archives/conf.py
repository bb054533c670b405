"""The archives' settings, each overridable from the project settings."""

from __future__ import annotations

from django.conf import settings


def max_upload_bytes() -> int:
    """A scan larger than this is refused (a 600 dpi A4 colour page is well under 20 MB)."""
    return int(getattr(settings, "ARCHIVES_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


def max_grant_days() -> int:
    """The longest an access grant may run (records Art. 6(3): returned promptly)."""
    return int(getattr(settings, "ARCHIVES_MAX_GRANT_DAYS", 30))


def min_destruction_witnesses() -> int:
    """Witnesses (监销人) who must attend a destruction besides the person carrying it out."""
    return int(getattr(settings, "ARCHIVES_MIN_DESTRUCTION_WITNESSES", 2))
