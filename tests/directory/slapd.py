"""A real OpenLDAP server (Debian's slapd) for the directory tests: started on a free port in
a temporary folder from slapd.conf, filled from an LDIF, stopped afterwards. Where slapd or
python-ldap is missing the tests are skipped, unless CI_REQUIRE_LDAP=1 (set by .ci/run)
turns that into a failure: CI must run them."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

SUFFIX = "dc=example,dc=com"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "admin-secret"
PEOPLE = f"ou=people,{SUFFIX}"
GROUPS = f"ou=groups,{SUFFIX}"
PASSWORD = "Directory-pass-1"

MD_GROUP = f"cn=sz001-md,{GROUPS}"
AM_GROUP = f"cn=sz001-am,{GROUPS}"
DISABLED_GROUP = f"cn=disabled,{GROUPS}"

CONF = """\
include /etc/ldap/schema/core.schema
include /etc/ldap/schema/cosine.schema
include /etc/ldap/schema/inetorgperson.schema
include /etc/ldap/schema/nis.schema
pidfile {dir}/slapd.pid
modulepath /usr/lib/ldap
moduleload back_mdb
database mdb
suffix "{suffix}"
rootdn "{admin}"
rootpw {password}
directory {dir}/data
access to attrs=userPassword by anonymous auth by * none
access to * by * read
"""


def _person(uid: str, name: str) -> str:
    return f"""dn: uid={uid},{PEOPLE}
objectClass: inetOrgPerson
uid: {uid}
cn: {name}
sn: {name[0]}
givenName: {name[1:]}
displayName: {name}
mail: {uid}@example.com
employeeNumber: E-{uid}
userPassword: {PASSWORD}
"""


def _group(dn: str, *members: str) -> str:
    cn = dn.split(",")[0].split("=")[1]
    # groupOfNames needs one member: the usual placeholder, so a group may lose all its people.
    lines = f"member: cn=nobody,{SUFFIX}\n" + "".join(
        f"member: uid={m},{PEOPLE}\n" for m in members
    )
    return f"dn: {dn}\nobjectClass: groupOfNames\ncn: {cn}\n{lines}"


LDIF = "\n".join(
    [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\n"
        "o: Example\ndc: example\n",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people\n",
        f"dn: {GROUPS}\nobjectClass: organizationalUnit\nou: groups\n",
        _person("wang", "王营销总监"),
        _person("li", "李客户经理"),
        _person("zhou", "周已停用"),
        _person("stray", "无岗位"),
        _group(MD_GROUP, "wang"),
        _group(AM_GROUP, "wang", "li"),
        _group(DISABLED_GROUP, "zhou"),
        _group(f"cn=canteen,{GROUPS}", "stray"),
    ]
)


def absent(reason: str) -> None:
    if os.environ.get("CI_REQUIRE_LDAP") == "1":
        pytest.fail(f"CI_REQUIRE_LDAP=1 but {reason}")
    pytest.skip(reason)


@dataclass
class Slapd:
    uri: str
    pid_file: Path

    def connection(self):  # type: ignore[no-untyped-def]
        import ldap

        conn = ldap.initialize(self.uri)
        conn.simple_bind_s(ADMIN_DN, ADMIN_PASSWORD)
        return conn

    def stop(self) -> None:
        if self.pid_file.exists():
            os.kill(int(self.pid_file.read_text().strip()), signal.SIGTERM)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def slapd_start(tmp: Path) -> Slapd:
    try:
        import django_auth_ldap  # noqa: F401
        import ldap  # noqa: F401
    except ImportError:
        absent("python-ldap / django-auth-ldap are not installed (pip install '.[ldap]')")
    binary = shutil.which("slapd") or (
        "/usr/sbin/slapd" if Path("/usr/sbin/slapd").exists() else None
    )
    if not binary or not shutil.which("ldapadd"):
        absent(
            "OpenLDAP's slapd and ldap-utils are not installed (apt-get install slapd ldap-utils)"
        )
    (tmp / "data").mkdir()
    conf = tmp / "slapd.conf"
    conf.write_text(CONF.format(dir=tmp, suffix=SUFFIX, admin=ADMIN_DN, password=ADMIN_PASSWORD))
    uri = f"ldap://127.0.0.1:{_free_port()}"
    subprocess.run([binary, "-f", str(conf), "-h", uri + "/"], check=True, timeout=30)
    server = Slapd(uri=uri, pid_file=tmp / "slapd.pid")
    ldif = tmp / "data.ldif"
    ldif.write_text(LDIF, encoding="utf-8")
    for _ in range(100):
        probe = ["ldapsearch", "-x", "-H", uri, "-s", "base", "-b", "", "-LLL"]
        if subprocess.run(probe, capture_output=True, timeout=10).returncode == 0:
            break
        time.sleep(0.1)
    added = subprocess.run(
        ["ldapadd", "-x", "-H", uri, "-D", ADMIN_DN, "-w", ADMIN_PASSWORD, "-f", str(ldif)],
        capture_output=True,
        timeout=30,
    )
    if added.returncode != 0:
        server.stop()
        raise RuntimeError(f"could not load the test directory: {added.stderr.decode()}")
    return server
