import pytest
from django.urls import reverse


@pytest.mark.django_db
def test_interface_is_chinese_by_default_even_for_an_english_browser(client, settings):
    settings.LANGUAGE_CODE = "zh-hans"  # the product's default; the test settings read English
    response = client.get(reverse("login"), HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"
    assert "<h1>登录</h1>" in response.content.decode()


@pytest.mark.django_db
def test_english_is_used_once_chosen(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    response = client.get(reverse("login"))
    assert response.headers["Content-Language"] == "en"
    assert "<h1>Sign in</h1>" in response.content.decode()
