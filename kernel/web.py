"""The pages' one way of answering a service's refusal."""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from .errors import ApplicationError, NotFound


def refusal(request: HttpRequest, error: ApplicationError, form: BaseForm | None = None) -> None:
    """A service said no. Not found stays a 404, so another branch's record is never
    revealed; any other refusal is shown to the person — on the form they filled in, so what
    they entered stays, or as a message on the page they return to."""
    if isinstance(error, NotFound):
        raise Http404(error.message)
    if form is not None:
        form.add_error(None, error.message)
    else:
        messages.error(request, error.message)


class RefusalMiddleware:
    """A refusal no view answered itself — most often a page parameter that kernel.params
    refused — is a page with its message and its status (400, 403, 409), never a 500; not
    found is the 404 page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, ApplicationError):
            return None
        if isinstance(exception, NotFound):
            raise Http404(exception.message) from exception
        return render(
            request, "refusal.html", {"message": exception.message}, status=exception.status
        )
