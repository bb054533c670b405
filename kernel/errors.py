"""The one domain error. Services raise it with a message a person can read; views turn it
into a form error or a 4xx, never a 500."""

from typing import Any


class ApplicationError(Exception):
    def __init__(self, message: str, *, code: str = "invalid", details: Any = None) -> None:
        super().__init__(message)
        self.message = str(message)
        self.code = code
        self.details = details if details is not None else {}

    def __str__(self) -> str:
        return self.message
