"""Files of the archives: type sniffed from the content, stored through Django's storage API
(the filesystem by default, any django-storages backend in production), hashed with SHA-256,
and deleted so they cannot be read back."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from typing import Any

from django.core.files.base import ContentFile, File
from django.core.files.storage import default_storage
from django.utils.translation import gettext as _

from kernel.errors import ApplicationError, InvalidInput
from kernel.transactions import on_rollback

from .. import conf
from ..errors import ArchiveErrorCode

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"

EXTENSIONS = {PDF: ".pdf", JPEG: ".jpg", PNG: ".png"}

# What a scan may be, recognised by its first bytes, never by its name.
_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\xff\xd8\xff", JPEG),
    (b"\x89PNG\r\n\x1a\n", PNG),
)

# Programs that arrive under a document's name get a message that says so.
_PROGRAMS: tuple[tuple[bytes, str], ...] = (
    (b"MZ", "Windows"),
    (b"\x7fELF", "Linux (ELF)"),
    (b"\xcf\xfa\xed\xfe", "macOS (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "macOS (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "macOS / Java"),
    (b"#!", "script"),
)

CHUNK = 1024 * 1024


@dataclass(frozen=True)
class StoredFile:
    name: str
    content_type: str
    size: int
    sha256: str


def sniff_content_type(head: bytes) -> str:
    """The content type of a scan from its first bytes; refuses anything but PDF, JPEG, PNG."""
    for signature, content_type in _SIGNATURES:
        if head.startswith(signature):
            return content_type
    for signature, kind in _PROGRAMS:
        if head.startswith(signature):
            raise InvalidInput(
                _(
                    "This file is a program ({kind}), not a scan, whatever its name says. "
                    "It was not stored."
                ).format(kind=kind),
                code=ArchiveErrorCode.EXECUTABLE,
            )
    raise InvalidInput(
        _("Only PDF, JPEG or PNG scans can be filed; this file is none of them."),
        code=ArchiveErrorCode.FILE_TYPE,
    )


def _too_many_pages(count: int, limit: int) -> InvalidInput:
    return InvalidInput(
        _(
            "This PDF has {count} pages; a scan may have at most {limit}. File it in parts, "
            "or remove the blank pages."
        ).format(count=count, limit=limit),
        code=ArchiveErrorCode.TOO_MANY_PAGES,
    )


def _too_many_pixels(limit: int, *, page: int | None = None) -> InvalidInput:
    megapixels = round(limit / 1_000_000)
    if page is None:
        message = _(
            "This image is larger than {limit} megapixels (counted in pixels, not in file "
            "size). Scan it again at a lower resolution."
        ).format(limit=megapixels)
    else:
        message = _(
            "Page {page} of this PDF is larger than {limit} megapixels at the reader's "
            "resolution, or holds an image that is. Scan it again at a lower resolution."
        ).format(page=page, limit=megapixels)
    return InvalidInput(message, code=ArchiveErrorCode.TOO_MANY_PIXELS)


@contextmanager
def bounded_images() -> Iterator[None]:
    """Inside, Pillow refuses from the header, before decoding, any image over the archives'
    pixel limit: its own bomb check warns past MAX_IMAGE_PIXELS and fails past twice that,
    and the warning is made an error here. Pillow's own limit is restored after."""
    from PIL import Image

    before = Image.MAX_IMAGE_PIXELS
    Image.MAX_IMAGE_PIXELS = conf.max_pixels()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            yield
    finally:
        Image.MAX_IMAGE_PIXELS = before


def _check_image(data: bytes) -> None:
    from PIL import Image

    limit = conf.max_pixels()
    try:
        with bounded_images(), Image.open(io.BytesIO(data)) as image:  # the header only
            width, height = image.size
            if width * height > limit:
                raise _too_many_pixels(limit)
            image.verify()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise _too_many_pixels(limit) from exc


def _xobject_images(resources: Any, seen: set[int], depth: int = 0) -> Iterator[tuple[int, int]]:
    """The declared sizes of the images a page draws, through nested forms (each object once,
    a few levels deep: a loop of forms must not loop here)."""
    if resources is None or depth > 8:
        return
    xobjects = resources.get_object().get("/XObject")
    if xobjects is None:
        return
    for ref in xobjects.get_object().values():
        key = getattr(ref, "idnum", None)
        if key is not None:
            if key in seen:
                continue
            seen.add(key)
        xobject = ref.get_object()
        subtype = xobject.get("/Subtype")
        if subtype == "/Image":
            yield int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
        elif subtype == "/Form":
            yield from _xobject_images(xobject.get("/Resources"), seen, depth + 1)


def _check_pdf(data: bytes) -> None:
    """Counts the pages and measures each one and its images, rendering nothing."""
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    if reader.is_encrypted:
        raise InvalidInput(
            _("This PDF is password-protected: file an unprotected scan."),
            code=ArchiveErrorCode.ENCRYPTED,
        )
    pages_limit = conf.max_pages()
    # What the file declares is cheap to read and refuses most bombs at once; the page tree
    # is then walked, because a declared count can lie.
    tree: Any = reader.root_object["/Pages"].get_object()
    declared = tree.get("/Count")
    if isinstance(declared, int) and declared > pages_limit:
        raise _too_many_pages(declared, pages_limit)
    count = len(reader.pages)
    if count == 0:
        raise ValueError("no pages")
    if count > pages_limit:
        raise _too_many_pages(count, pages_limit)
    pixels_limit = conf.max_pixels()
    scale = conf.copy_dpi() / 72
    seen: set[int] = set()
    for number, page in enumerate(reader.pages, start=1):
        box = page.mediabox
        if abs(float(box.width) * scale * float(box.height) * scale) > pixels_limit:
            raise _too_many_pixels(pixels_limit, page=number)
        for width, height in _xobject_images(page.get("/Resources"), seen):
            if width * height > pixels_limit:
                raise _too_many_pixels(pixels_limit, page=number)


def _check_opens(data: bytes, content_type: str) -> None:
    """A scan must open, or nobody can read it in twenty years (and it could not carry the
    viewer's watermark); and it must be small enough, in pages and pixels, that its reader's
    copy is made in bounded time and memory."""
    try:
        if content_type == PDF:
            _check_pdf(data)
        else:
            _check_image(data)
    except ApplicationError:
        raise
    except Exception as exc:
        raise InvalidInput(
            _("The file looks like a {kind} but cannot be opened: it may be damaged.").format(
                kind=EXTENSIONS[content_type].lstrip(".").upper()
            ),
            code=ArchiveErrorCode.DAMAGED,
        ) from exc


def read_upload(upload: File) -> tuple[bytes, str]:  # type: ignore[type-arg]
    """Reads an uploaded scan after checking its size and its content; returns (bytes, type)."""
    limit = conf.max_upload_bytes()
    size = upload.size or 0
    if size > limit:
        raise InvalidInput(
            _("The file is {size} MB; the limit is {limit} MB.").format(
                size=round(size / 1024 / 1024, 1), limit=round(limit / 1024 / 1024, 1)
            ),
            code=ArchiveErrorCode.TOO_LARGE,
        )
    upload.seek(0)
    data = upload.read(limit + 1)
    if not data:
        raise InvalidInput(_("The file is empty."), code=ArchiveErrorCode.EMPTY)
    if len(data) > limit:
        raise InvalidInput(
            _("The file is larger than {limit} MB.").format(limit=round(limit / 1024 / 1024, 1)),
            code=ArchiveErrorCode.TOO_LARGE,
        )
    content_type = sniff_content_type(data[:16])
    _check_opens(data, content_type)
    return data, content_type


def file_store(*, data: bytes, content_type: str, folder: str) -> StoredFile:
    """Stores a file for a record being written: inside `atomic_undoable()`, a rollback of
    that record removes the file again (kernel.transactions)."""
    name = f"archives/{folder}/{uuid.uuid4().hex}{EXTENSIONS.get(content_type, '')}"
    saved = default_storage.save(name, ContentFile(data))
    on_rollback(partial(default_storage.delete, saved))
    return StoredFile(
        name=saved,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def file_open(name: str) -> File:  # type: ignore[type-arg]
    return default_storage.open(name, "rb")


def file_read(name: str) -> bytes:
    with default_storage.open(name, "rb") as fh:
        return fh.read()


def file_sha256(name: str) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    with default_storage.open(name, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def file_exists(name: str) -> bool:
    return bool(name) and default_storage.exists(name)


def files_under(folder: str) -> Iterator[str]:
    """Every stored file's name below `archives/<folder>/`, however deep."""
    pending = [f"archives/{folder}"]
    while pending:
        path = pending.pop()
        try:
            directories, files = default_storage.listdir(path)
        except (FileNotFoundError, NotADirectoryError):
            continue
        yield from (f"{path}/{name}" for name in files)
        pending += [f"{path}/{name}" for name in directories]


def file_written_at(name: str) -> dt.datetime | None:
    try:
        return default_storage.get_modified_time(name)
    except (NotImplementedError, OSError):
        return None


def file_discard(names: list[str]) -> None:
    """Removes files written for a filing that did not commit."""
    for name in names:
        default_storage.delete(name)


def file_secure_delete(name: str) -> None:
    """Records Art. 8(2): nothing may be recovered. On a filesystem the bytes are overwritten
    with random data and flushed before the file is removed; other backends (object stores)
    delete through the storage API, and their own deletion guarantees apply."""
    if not name:
        return
    try:
        path = default_storage.path(name)
    except NotImplementedError:
        path = None
    if path is not None and os.path.isfile(path):
        remaining = os.path.getsize(path)
        with open(path, "r+b") as fh:
            while remaining > 0:
                step = min(CHUNK, remaining)
                fh.write(os.urandom(step))
                remaining -= step
            fh.flush()
            os.fsync(fh.fileno())
    default_storage.delete(name)
