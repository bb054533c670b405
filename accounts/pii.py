"""Personal information at rest (PIPL Art. 28, 51; JR/T 0060): identity numbers and phones are
stored encrypted (Fernet: AES-128-CBC + HMAC-SHA256) and found through a keyed hash of the
normalised value, never by the ciphertext and never by the plaintext.

Keys come from settings: PII_ENCRYPTION_KEYS (a list; the first encrypts, every one decrypts,
so a new key is put first and `manage.py pii_rotate_keys` re-encrypts the rows before the old
key is dropped) and PII_HASH_KEY (the HMAC key of the digests; changing it means recomputing
every digest, which the same command does)."""

from __future__ import annotations

import hashlib
import hmac
import re
from functools import lru_cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q

# Every Fernet token starts with the version byte 0x80, "gA" in URL-safe base64. A value
# without it is a row written before encryption (converted by the migrations).
_TOKEN_PREFIX = "gA"


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise ImproperlyConfigured("PII_ENCRYPTION_KEYS must list at least one Fernet key.")
    return MultiFernet([Fernet(key) for key in keys])


def _cipher() -> MultiFernet:
    return _fernet(tuple(settings.PII_ENCRYPTION_KEYS))


def pii_encrypt(value: str) -> str:
    if not value:
        return ""  # an empty field stays empty: nothing personal to hide
    return _cipher().encrypt(value.encode()).decode()


def pii_decrypt(value: str) -> str:
    if not value or not value.startswith(_TOKEN_PREFIX):
        return value or ""
    try:
        return _cipher().decrypt(value.encode()).decode()
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored personal value does not decrypt with any key in PII_ENCRYPTION_KEYS."
        ) from exc


def pii_encrypt_bytes(data: bytes) -> bytes:
    """A whole file of personal data (an export staged between its preview and its apply)."""
    return _cipher().encrypt(data)


def pii_decrypt_bytes(token: bytes) -> bytes:
    try:
        return _cipher().decrypt(token)
    except InvalidToken as exc:
        raise ImproperlyConfigured(
            "A stored personal file does not decrypt with any key in PII_ENCRYPTION_KEYS."
        ) from exc


# --- keyed hashes -------------------------------------------------------------------------


def normalise_id_number(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normalise_phone(value: str) -> str:
    return re.sub(r"\D", "", value or "")


NORMALISERS = {"id_number": normalise_id_number, "phone": normalise_phone}


def pii_digest(kind: str, value: str) -> str:
    """HMAC-SHA256 over the normalised value; "" for an empty one (so blanks never match)."""
    normalised = NORMALISERS[kind](value)
    if not normalised:
        return ""
    key = settings.PII_HASH_KEY.encode()
    return hmac.new(key, f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def customer_match_q(query: str, *, prefix: str = "") -> Q:
    """The one exact-match rule for a customer: the full fund account, identity number or
    phone. `prefix` reaches the customer through a relation ("customer__")."""
    query = (query or "").strip()
    if not query:
        return Q(pk__in=[])
    match = Q(**{f"{prefix}fund_account": query})
    id_digest = pii_digest("id_number", query)
    if id_digest:
        match |= Q(**{f"{prefix}id_number_digest": id_digest})
    # A phone is at least 7 digits; fewer would match too widely to be "exact".
    if len(normalise_phone(query)) >= 7:
        match |= Q(**{f"{prefix}phone_digest": pii_digest("phone", query)})
    return match


# --- model fields -------------------------------------------------------------------------


def ciphertext_length(max_chars: int) -> int:
    """The longest Fernet token for `max_chars` characters of UTF-8 (4 bytes at most each):
    version + timestamp + IV + padded AES blocks + HMAC, then base64."""
    padded = (max_chars * 4 // 16 + 1) * 16
    raw = 1 + 8 + 16 + padded + 32
    return 4 * ((raw + 2) // 3)


class EncryptedCharField(models.CharField):  # type: ignore[type-arg]
    """A CharField stored as a Fernet token. `max_length` is the plaintext limit (forms and
    validation); the column is as wide as the token needs. It cannot be filtered on: the
    ciphertext is randomised — search through the digest field instead."""

    def db_type(self, connection: Any) -> str | None:
        return models.CharField(max_length=ciphertext_length(self.max_length or 0)).db_type(
            connection
        )

    def cast_db_type(self, connection: Any) -> str | None:
        return self.db_type(connection)

    def get_prep_value(self, value: Any) -> Any:
        value = super().get_prep_value(value)
        if value is None:
            return None
        return pii_encrypt(str(value))

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> Any:
        return pii_decrypt(value) if value is not None else value

    def get_lookup(self, lookup_name: str) -> Any:
        if lookup_name != "isnull":
            raise TypeError(
                f"{self.model.__name__}.{self.name} is encrypted: look it up through its "
                "digest (accounts.pii.customer_match_q), not by value."
            )
        return super().get_lookup(lookup_name)


class PiiDigestField(models.CharField):  # type: ignore[type-arg]
    """The keyed hash of another field's plaintext, computed when the row is saved (pre_save
    runs for save() and bulk_create() alike)."""

    def __init__(self, *args: Any, source: str = "", kind: str = "", **kwargs: Any) -> None:
        self.source = source
        self.kind = kind
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        kwargs["kind"] = self.kind
        for key, default in (("max_length", 64), ("editable", False), ("blank", True)):
            if kwargs.get(key, default) == default:
                kwargs.pop(key, None)
        if kwargs.get("db_index") is True:
            kwargs.pop("db_index")
        else:
            kwargs["db_index"] = False
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        digest = pii_digest(self.kind, getattr(model_instance, self.source) or "")
        setattr(model_instance, self.attname, digest)
        return digest


def encrypted_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedCharField)]


def digest_fields(model: type[models.Model]) -> list[str]:
    return [f.name for f in model._meta.concrete_fields if isinstance(f, PiiDigestField)]


# --- migrations ---------------------------------------------------------------------------


def migration_encrypt_rows(app_label: str, model_name: str) -> tuple[Any, Any]:
    """The RunPython pair that encrypts rows written before encryption and fills their digests
    (forward; idempotent: an encrypted value decrypts and is written again), or writes the
    plaintext back (backward, before the columns narrow again)."""

    def forward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        fields = encrypted_fields(model) + digest_fields(model)
        for row in model._default_manager.using(schema_editor.connection.alias).iterator(500):
            row.save(update_fields=fields)

    def backward(apps: Any, schema_editor: Any) -> None:
        model = apps.get_model(app_label, model_name)
        names = encrypted_fields(model)
        table = schema_editor.quote_name(model._meta.db_table)
        columns = ", ".join(f"{schema_editor.quote_name(n)} = %s" for n in names)
        rows = model._default_manager.using(schema_editor.connection.alias).values_list(
            "pk", *names
        )
        with schema_editor.connection.cursor() as cursor:
            for pk, *values in rows.iterator(500):
                cursor.execute(f"UPDATE {table} SET {columns} WHERE id = %s", [*values, pk])

    return forward, backward
