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


# English words this product uses with more than one Chinese meaning. Each use must say which
# (pgettext), so a new plain `_("File")` fails here instead of printing 文件 on the "file this
# record" button. Add a word when a second meaning appears.
SEVERAL_MEANINGS = {"Open", "Received", "Refused", "Change", "File", "From", "To", "by"}


def test_a_word_with_several_meanings_is_never_used_without_its_context():
    import re
    from pathlib import Path

    from django.conf import settings

    words = "|".join(sorted(SEVERAL_MEANINGS))
    bare_call = re.compile(rf"""\b(?:_|gettext|gettext_lazy)\(\s*["']({words})["']\s*\)""")
    bare_tag = re.compile(rf"""{{%\s*(?:translate|trans)\s+["']({words})["']\s*%}}""")
    root = Path(settings.BASE_DIR)
    found = []
    for path in [*root.glob("*/**/*.py"), *root.glob("templates/**/*.html")]:
        if path.parts[len(root.parts)] in {".venv", "tests", "locale"}:
            continue
        text = path.read_text(encoding="utf-8")
        for pattern in (bare_call, bare_tag):
            found += [f"{path.relative_to(root)}: {m.group(1)}" for m in pattern.finditer(text)]
    assert not found, f"give these a context (pgettext): {found}"

    ours = _catalogue(root / "locale/zh_Hans/LC_MESSAGES/django.mo")
    assert not SEVERAL_MEANINGS & set(ours), "the catalogue still translates one without context"


@pytest.mark.parametrize(
    "context, word, chinese",
    [
        ("request state", "Received", "已受理"),
        ("time a request was received", "Received", "受理时间"),
        ("verb: open a record", "Open", "打开"),
        ("month on month", "Change", "环比变化"),
        ("verb: file a record", "File", "归档"),
        ("a stored file", "File", "文件"),
        ("archive access request", "Refused", "已拒绝"),
        ("request state", "Refused", "不予受理"),
        ("first day of a range", "From", "起始日期"),
        ("state before", "From", "原状态"),
        ("deadline", "by", "截至"),
        ("the person who did it", "by", "经办人"),
    ],
)
def test_a_word_with_several_meanings_is_translated_by_its_context(context, word, chinese):
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.pgettext(context, word) == chinese
