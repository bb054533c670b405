"""An archives branch: the counter people of the transfer suites plus an archivist, a second
archivist (nobody grants themselves access) and the company head (tests/builders.py:
make_archives_branch, filed_record, granted, …), and English for what users see."""

import pytest
from django.utils import translation

from tests.builders import ArchivesBranch, make_archives_branch


@pytest.fixture(autouse=True)
def english():
    """Messages and pages in English, whatever catalogue is compiled (the branch's own
    language is Chinese; one test checks the Chinese watermark)."""
    with translation.override("en"):
        yield


@pytest.fixture
def client(client, settings):
    """A browser whose user chose English."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def arch(db) -> ArchivesBranch:
    return make_archives_branch()


@pytest.fixture
def other(db) -> ArchivesBranch:
    return make_archives_branch("BJ02")
