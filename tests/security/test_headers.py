"""Every response carries the security headers, a static file's included (WhiteNoise answers
those before the views' middleware), and the Content-Security-Policy allows no inline style:
no template or rendered HTML writes a style="…" attribute or a <style> block."""

import re
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from kernel.security import CONTENT_SECURITY_POLICY
from retention.charts import trend_svg

SIDECAR_REDIRECT = "/static/drf_spectacular_sidecar/swagger-ui-dist/oauth2-redirect.html"


def assert_security_headers(response):
    csp = response["Content-Security-Policy"]
    assert csp == CONTENT_SECURITY_POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.parametrize(
    "path", ["/static/branch_ops/app.css", "/static/branch_ops/app.js", SIDECAR_REDIRECT]
)
def test_a_static_file_carries_the_security_headers(client, path):
    response = client.get(path)
    assert response.status_code == 200
    assert_security_headers(response)


def test_the_sidecars_html_page_cannot_run_its_inline_script(client):
    response = client.get(SIDECAR_REDIRECT)
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"<script" in body  # it has one: only the policy keeps it from running
    script_src = next(
        p for p in response["Content-Security-Policy"].split(";") if "script-src" in p
    )
    assert "unsafe-inline" not in script_src


def test_a_page_and_the_api_docs_carry_the_security_headers(client, people):
    client.force_login(people.clerk)
    assert_security_headers(client.get(reverse("home")))
    assert_security_headers(APIClient().get("/api/v1/docs/"))


def test_the_policy_allows_nothing_inline():
    assert "unsafe-inline" not in CONTENT_SECURITY_POLICY
    assert "unsafe-eval" not in CONTENT_SECURITY_POLICY
    assert "style-src 'self';" in CONTENT_SECURITY_POLICY + ";"


def template_files():
    dirs = [Path(d) for engine in settings.TEMPLATES for d in engine["DIRS"]]
    dirs += [Path(app.path) / "templates" for app in apps.get_app_configs()]
    root = Path(settings.BASE_DIR).resolve()
    # Installed packages are not ours, wherever the virtualenv lies (a clone keeps it inside).
    ours = [
        d
        for d in dirs
        if d.is_dir() and root in d.resolve().parents and "site-packages" not in d.parts
    ]
    return sorted(p for d in ours for p in d.rglob("*.html"))


def test_no_template_writes_an_inline_style():
    files = template_files()
    assert len(files) > 20, files
    offenders = [
        str(p)
        for p in files
        if re.search(r"\sstyle\s*=|<style[\s>]", p.read_text(encoding="utf-8"), re.I)
    ]
    assert offenders == []


def test_the_trend_chart_is_drawn_without_an_inline_style():
    svg = trend_svg([{"month": "2026-11", "churn": 3, "rate": 25}])
    assert 'class="trend-chart"' in svg and "style=" not in svg


def test_the_api_docs_page_has_no_inline_style(people):
    html = APIClient().get("/api/v1/docs/").content.decode()
    assert "<style" not in html and " style=" not in html
    stylesheets = re.findall(r'<link rel="stylesheet" href="([^"]+)"', html)
    assert len(stylesheets) == 2, html
    for href in stylesheets:
        assert APIClient().get(href).status_code == 200


def test_every_class_that_replaced_an_inline_style_is_in_the_stylesheet():
    css = (Path(settings.BASE_DIR) / "branch_ops/static/branch_ops/app.css").read_text()
    for rule in (
        ".sub-nav {",
        ".line-item {",
        ".card.alarm {",
        ".indent {",
        "ul.flag-list {",
        "ul.asks-list {",
        "form.inline {",
        "input.narrow {",
        ".trend-chart {",
    ):
        assert rule in css, rule
