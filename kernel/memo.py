"""What one page (or one job) reads once however many places ask: the trading calendar, the
branch's approvers and their substitutions. `page_memo()` opens the scope (PageMemoMiddleware
for every page); outside one, every question reads afresh. A writer that changes what is
remembered forgets it (`forget`), so the rest of the same page sees the change."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, TypeVar

T = TypeVar("T")

_memo: ContextVar[dict[tuple[Hashable, ...], Any] | None] = ContextVar("page_memo", default=None)


@contextmanager
def page_memo() -> Iterator[None]:
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def remembered(key: tuple[Hashable, ...], compute: Callable[[], T]) -> T:
    """compute() once per scope for this key (its first element names what it is)."""
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]  # type: ignore[no-any-return]


def forget(kind: str) -> None:
    """Every remembered answer of this kind (the key's first element)."""
    memo = _memo.get()
    if memo:
        for key in [k for k in memo if k[0] == kind]:
            del memo[key]


class PageMemoMiddleware:
    def __init__(self, get_response: Callable[[Any], Any]) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        with page_memo():
            return self.get_response(request)
