"""The demo seeders create staff with a published password: with DEBUG off they refuse
unless told explicitly, and say what they would create."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from accounts.models import Branch, Staff

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("command", ["seed_demo", "seed_retention_demo", "archives_seed_demo"])
def test_a_demo_seeder_refuses_with_debug_off_and_creates_nothing(settings, command):
    settings.DEBUG = False
    with pytest.raises(CommandError) as refused:
        call_command(command)
    assert "--create-demo-data-with-published-passwords" in str(refused.value)
    assert "DEBUG is off" in str(refused.value)
    assert not Staff.objects.exists() and not Branch.objects.exists()


def test_seed_demo_names_what_it_would_create(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="password demo-2026"):
        call_command("seed_demo")
