"""The back office speaks German: every admin page a superuser can open (each list, add form,
change form of one object, history, delete confirmation, custom page, the second-factor pages
and the login) is rendered and its visible text searched for English UI words and for
"(en)"-style plurals. Third-party admins (django-otp's devices, django-axes, Django's groups)
are walked like the project's own.
"""

import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

from tests.backoffice.test_roles import (
    CUSTOM_URLS,
    _admin_url,
    _custom_url_args,
    _superuser_request,
)
from tests.backoffice.test_roles import (
    objects as role_objects,  # noqa: F401  (one object of each admin's model)
)
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

# English words of Django's, django-otp's and django-axes' admin UI that have no place in a
# German page (lower case; matched as whole words of the visible text).
ENGLISH_WORDS = {
    "access",
    "add",
    "address",
    "agent",
    "all",
    "attempt",
    "attempts",
    "by",
    "change",
    "clear",
    "confirmed",
    "created",
    "data",
    "date",
    "delete",
    "device",
    "devices",
    "drift",
    "expires",
    "failure",
    "failures",
    "get",
    "group",
    "history",
    "key",
    "last",
    "locked",
    "log",
    "logs",
    "no",
    "object",
    "of",
    "out",
    "path",
    "permission",
    "permissions",
    "post",
    "save",
    "search",
    "select",
    "since",
    "static",
    "step",
    "the",
    "throttling",
    "time",
    "to",
    "token",
    "tokens",
    "tolerance",
    "used",
    "user",
    "username",
    "users",
    "view",
    "yes",
}

# "5 Bestätigung(en)", "Person(en)", "Datei(en)": German plurals are spelled out (ngettext).
PSEUDO_PLURAL = re.compile(r"\w\((?:en|n|e|s|er)\)")

# django-otp's pages with a device's key: refused to everyone (OTP_ADMIN_HIDE_SENSITIVE_DATA).
SENSITIVE_OTP_PAGES = {"otp_totp_totpdevice_config", "otp_totp_totpdevice_qrcode"}

# Attributes whose text a person sees or hears.
VISIBLE_ATTRIBUTES = {"title", "placeholder", "alt", "aria-label"}


class _VisibleText(HTMLParser):
    """The text a person sees or a screen reader reads: text nodes outside script/style and
    labelling attributes, buttons' values included."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._hidden_depth = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "template"):
            self._hidden_depth += 1
            return
        attributes = dict(attrs)
        for name in VISIBLE_ATTRIBUTES & attributes.keys():
            self.parts.append(attributes[name] or "")
        if tag == "input" and attributes.get("type") in ("submit", "button", "reset"):
            self.parts.append(attributes.get("value") or "")

    def handle_endtag(self, tag):
        if tag in ("script", "style", "template") and self._hidden_depth:
            self._hidden_depth -= 1

    def handle_data(self, data):
        if not self._hidden_depth:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _VisibleText()
    parser.feed(html)
    return " ".join(" ".join(parser.parts).split())


# Dotted identifiers (usernames, e-mail domains, the audit log's action codes) are data.
IDENTIFIER = re.compile(r"\w+(?:[.@]\w+)+")


def english_in(text: str) -> list[str]:
    words = re.findall(r"[^\W\d_]+", IDENTIFIER.sub(" ", text))
    found = [w for w in words if w.lower() in ENGLISH_WORDS]
    found += PSEUDO_PLURAL.findall(text)
    return sorted(set(found))


def superuser_pages(objects: dict) -> list[str]:
    """Every admin page a superuser may open, for one object of each model, and the custom
    pages (an add or delete page the admin refuses to everyone is left out)."""
    request = _superuser_request()
    urls = [reverse("admin:index"), reverse("admin:password_change")]
    for model, model_admin in admin.site._registry.items():
        info = (model._meta.app_label, model._meta.model_name)
        names = {u.name for u in model_admin.get_urls()}
        urls.append(reverse("admin:app_list", args=[info[0]]))
        urls.append(_admin_url(info, "changelist"))
        if "{}_{}_add".format(*info) in names and model_admin.has_add_permission(request):
            urls.append(_admin_url(info, "add"))
        obj = objects.get(model._meta.label_lower)
        if obj is not None:
            urls += [_admin_url(info, kind, obj.pk) for kind in ("change", "history")]
            if model_admin.has_delete_permission(request, obj):
                urls.append(_admin_url(info, "delete", obj.pk))
    for name in CUSTOM_URLS:
        if name in SENSITIVE_OTP_PAGES:
            continue
        urls.append(reverse(f"admin:{name}", args=_custom_url_args(name, objects)))
    urls.append(reverse("admin:second_factor_backup_codes"))
    return list(dict.fromkeys(urls))


@pytest.fixture
def superuser_client(client):
    client.force_login(PersonFactory(username="chefin", is_staff=True, is_superuser=True))
    return client


def test_the_word_check_finds_english():
    assert english_in("TOTP devices | Search by user's Benutzername") == [
        "Search",
        "by",
        "devices",
        "user",
    ]
    assert english_in("Nach created at") == ["created"]
    assert english_in("5 Bestätigung(en) versandt") == ["g(en)"]
    assert english_in("Einem bestehenden Konto zuordnen, 1 Bestätigung, Käthe") == []
    assert visible_text('<p title="Static">A<script>var user;</script></p>') == "Static A"


def test_every_admin_page_is_german(superuser_client, role_objects):  # noqa: F811
    pages = superuser_pages(role_objects)
    assert len(pages) > 80
    english = {}
    for url in pages:
        response = superuser_client.get(url)
        assert response.status_code == 200, url
        if "html" not in response.get("Content-Type", ""):
            continue  # downloads (PDF, CSV, ZIP)
        found = english_in(visible_text(response.content.decode()))
        if found:
            english[url] = found
    assert english == {}


def test_the_login_and_second_factor_pages_are_german():
    client = Client()
    pages = [client.get(reverse("admin:login"))]
    staff = PersonFactory(username="neu.hier", is_staff=True, password="Verwaltung-Essen-2026")
    client.post(
        reverse("admin:login"), {"username": staff.username, "password": "Verwaltung-Essen-2026"}
    )
    pages.append(client.get(reverse("admin:second_factor_enrol")))
    for response in pages:
        assert response.status_code == 200
        assert english_in(visible_text(response.content.decode())) == []
