"""The archives' settings, each overridable from the project settings."""

from __future__ import annotations

import os

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


def max_pages() -> int:
    """A PDF scan with more pages than this is refused at upload: every page of the reader's
    copy is rendered once, and a few megabytes can hold thousands of blank pages."""
    return int(getattr(settings, "ARCHIVES_MAX_PAGES", 200))


def max_pixels() -> int:
    """The most pixels one image, or one PDF page at the copy's resolution, may have (40
    megapixels: an A4 page scanned at 600 dpi is 35). A small compressed file can declare
    an enormous image that takes seconds and gigabytes to decode."""
    return int(getattr(settings, "ARCHIVES_MAX_MEGAPIXELS", 40) * 1_000_000)


def copy_dpi() -> int:
    """The resolution a PDF's pages are rendered at for the reader's copy."""
    return int(getattr(settings, "ARCHIVES_COPY_DPI", 150))


def copy_time_limits() -> tuple[int, int]:
    """Soft and hard time limits (seconds) of the job that makes one reader's copy."""
    soft = int(getattr(settings, "ARCHIVES_COPY_SOFT_TIME_LIMIT", 120))
    return soft, int(getattr(settings, "ARCHIVES_COPY_TIME_LIMIT", soft + 60))


def filing_workers() -> int:
    """Processes drawing the nightly filing's papers; one draws them in the job's own
    process. By default one per CPU: drawing a PDF is pure computation."""
    workers = getattr(settings, "ARCHIVES_FILING_WORKERS", None)
    return max(1, int(workers if workers is not None else (os.cpu_count() or 1)))
