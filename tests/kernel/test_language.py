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


# --- One English word, several Chinese meanings ---------------------------------------------


def _catalogue(path):
    import gettext

    with open(path, "rb") as mo:
        return gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]


# Words the project translates differently from Django with the same meaning (its own
# preferred wording, looked at one by one). Any other overlap fails until it is looked at.
SAME_MEANING = {"Action", "Filter", "History", "Remove", "Search", "Today", "active"}


def test_the_projects_words_never_override_djangos_own_with_another_meaning():
    """A msgid the project translates without a context replaces Django's translation of the
    same word everywhere (the admin's "Change" read 变化, "figure change"): where the meaning
    differs, the project's word needs a context (pgettext)."""
    from pathlib import Path

    import django
    from django.conf import settings

    ours = _catalogue(Path(settings.BASE_DIR) / "locale/zh_Hans/LC_MESSAGES/django.mo")
    contrib = Path(django.__file__).parent / "contrib"
    clashes = {}
    for app in ("admin", "auth", "contenttypes"):
        theirs = _catalogue(contrib / app / "locale/zh_Hans/LC_MESSAGES/django.mo")
        for msgid, text in theirs.items():
            if (
                isinstance(msgid, str)
                and msgid
                and msgid not in SAME_MEANING
                and msgid in ours
                and ours[msgid] != text
            ):
                clashes[msgid] = (ours[msgid], text)
    assert not clashes, clashes


@pytest.mark.parametrize(
    "context, word, chinese",
    [
        ("request state", "Received", "已受理"),
        ("time a request was received", "Received", "受理时间"),
        ("verb: open a record", "Open", "打开"),
        ("month on month", "Change", "环比变化"),
    ],
)
def test_a_word_with_several_meanings_is_translated_by_its_context(context, word, chinese):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.pgettext(context, word) == chinese
