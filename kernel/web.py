"""The pages' one way of answering a service's refusal."""

from __future__ import annotations

from django.contrib import messages
from django.forms import BaseForm
from django.http import Http404, HttpRequest

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
