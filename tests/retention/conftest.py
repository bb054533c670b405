"""Retention tests: the suite-wide `people` and `other_branch` (tests/conftest.py), requests
driven through the real services to the retention talk and beyond (tests/builders.py:
in_retention, tick, go_through, …), and English for what users see."""

import pytest
from django.utils import translation


@pytest.fixture(autouse=True)
def english():
    """Messages and pages in English, whatever catalogue is compiled."""
    with translation.override("en"):
        yield


@pytest.fixture
def en_client(client, settings):
    """A browser whose user chose English (the language cookie; Accept-Language too, in case
    the middleware reads it)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client
