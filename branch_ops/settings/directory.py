"""Sign-in through the firm's directory (LDAP / Active Directory), from the environment.
Without LDAP_SERVER_URI nothing here applies: local accounts only, the embedded default.
With it, django-auth-ldap (the `[ldap]` extra) must be installed; README, "Directory sign-in"."""

import json
from pathlib import Path
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured

GROUP_TYPES: dict[str, tuple[str, dict[str, Any]]] = {
    "groupOfNames": ("GroupOfNamesType", {}),
    "groupOfUniqueNames": ("GroupOfUniqueNamesType", {}),
    "posixGroup": ("PosixGroupType", {}),
    "activeDirectory": ("ActiveDirectoryGroupType", {}),
    "nestedActiveDirectory": ("NestedActiveDirectoryGroupType", {}),
}
# Active Directory's "account disabled" bit (userAccountControl & 2), excluded by the search
# itself: a disabled person is not found, so cannot sign in and is judged gone each night.
AD_USER_FILTER = "(&(sAMAccountName=%(user)s)(!(userAccountControl:1.2.840.113556.1.4.803:=2)))"


def _role_groups(env: environ.Env) -> dict[str, tuple[str, str]]:
    raw = env.str("LDAP_ROLE_GROUPS", default="")
    path = env.str("LDAP_ROLE_GROUPS_FILE", default="")
    if path:
        raw = Path(path).read_text(encoding="utf-8")
    try:
        parsed = json.loads(raw or "{}")
        mapping = {str(dn): (str(code), str(role)) for dn, (code, role) in parsed.items()}
    except (ValueError, TypeError, AttributeError) as exc:
        raise ImproperlyConfigured(
            'LDAP_ROLE_GROUPS must be a JSON object {"<group DN>": ["<branch code>", "<role>"]}'
        ) from exc
    if not mapping:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but LDAP_ROLE_GROUPS maps no group to a branch and role: "
            "nobody could sign in."
        )
    return mapping


def directory_settings(env: environ.Env) -> dict[str, Any]:
    uri = env.str("LDAP_SERVER_URI", default="")
    if not uri:
        return {}
    try:
        import ldap
        from django_auth_ldap import config
    except ImportError as exc:
        raise ImproperlyConfigured(
            "LDAP_SERVER_URI is set but django-auth-ldap is not installed: pip install '.[ldap]'"
        ) from exc
    user_base = env.str("LDAP_USER_SEARCH_BASE")
    group_base = env.str("LDAP_GROUP_SEARCH_BASE")
    kind = env.str("LDAP_GROUP_TYPE", default="groupOfNames")
    if kind not in GROUP_TYPES:
        raise ImproperlyConfigured(f"LDAP_GROUP_TYPE must be one of {', '.join(GROUP_TYPES)}.")
    type_name, type_kwargs = GROUP_TYPES[kind]
    default_filter = AD_USER_FILTER if kind.endswith("ctiveDirectory") else "(uid=%(user)s)"
    options: dict[Any, Any] = {ldap.OPT_REFERRALS: 0, ldap.OPT_NETWORK_TIMEOUT: 5}
    ca_file = env.str("LDAP_CA_CERT_FILE", default="")
    if ca_file:
        options[ldap.OPT_X_TLS_CACERTFILE] = ca_file
        options[ldap.OPT_X_TLS_NEWCTX] = 0
    deny_group = env.str("LDAP_DENY_GROUP", default="")
    return {
        "AUTH_LDAP_SERVER_URI": uri,
        "AUTH_LDAP_BIND_DN": env.str("LDAP_BIND_DN", default=""),
        "AUTH_LDAP_BIND_PASSWORD": env.str("LDAP_BIND_PASSWORD", default=""),
        "AUTH_LDAP_START_TLS": env.bool("LDAP_START_TLS", default=False),
        "AUTH_LDAP_CONNECTION_OPTIONS": options,
        "AUTH_LDAP_USER_SEARCH": config.LDAPSearch(
            user_base,
            ldap.SCOPE_SUBTREE,
            env.str("LDAP_USER_FILTER", default=default_filter),
        ),
        "AUTH_LDAP_GROUP_SEARCH": config.LDAPSearch(group_base, ldap.SCOPE_SUBTREE),
        "AUTH_LDAP_GROUP_TYPE": getattr(config, type_name)(**type_kwargs),
        "AUTH_LDAP_DENY_GROUP": deny_group or None,
        "AUTH_LDAP_USER_ATTR_MAP": {
            "first_name": "givenName",
            "last_name": "sn",
            "email": "mail",
            "display_name": env.str("LDAP_DISPLAY_NAME_ATTR", default="displayName"),
            # The number the core system's customer master names account managers by.
            "staff_number": env.str("LDAP_STAFF_NUMBER_ATTR", default="employeeNumber"),
        },
        "AUTH_LDAP_ALWAYS_UPDATE_USER": True,
        "DIRECTORY_ROLE_GROUPS": _role_groups(env),
    }
