"""The real OpenLDAP server and the settings production builds from its environment, for
the directory's tests and the go-live walk."""

from __future__ import annotations

import json

import environ
import pytest
from django.test import override_settings

from .slapd import (
    ADMIN_DN,
    ADMIN_PASSWORD,
    AM_GROUP,
    DISABLED_GROUP,
    GROUPS,
    MD_GROUP,
    PEOPLE,
    slapd_start,
)


@pytest.fixture(scope="module")
def slapd(tmp_path_factory):
    server = slapd_start(tmp_path_factory.mktemp("slapd"))
    yield server
    server.stop()


@pytest.fixture
def directory(slapd, monkeypatch):
    """The settings as production builds them from its environment (settings/directory.py)."""
    from branch_ops.settings.directory import directory_settings

    for name, value in {
        "LDAP_SERVER_URI": slapd.uri,
        "LDAP_BIND_DN": ADMIN_DN,
        "LDAP_BIND_PASSWORD": ADMIN_PASSWORD,
        "LDAP_USER_SEARCH_BASE": PEOPLE,
        "LDAP_GROUP_SEARCH_BASE": GROUPS,
        "LDAP_GROUP_TYPE": "groupOfNames",
        "LDAP_DENY_GROUP": DISABLED_GROUP,
        "LDAP_ROLE_GROUPS": json.dumps(
            {MD_GROUP: ["SZ001", "marketing_director"], AM_GROUP: ["SZ001", "account_manager"]}
        ),
    }.items():
        monkeypatch.setenv(name, value)
    built = directory_settings(environ.Env())
    backends = [
        "axes.backends.AxesStandaloneBackend",
        "accounts.ldap_backend.DirectoryBackend",
        "django.contrib.auth.backends.ModelBackend",
        "guardian.backends.ObjectPermissionBackend",
    ]
    with override_settings(AUTHENTICATION_BACKENDS=backends, **built):
        yield slapd
