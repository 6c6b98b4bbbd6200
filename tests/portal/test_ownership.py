"""Every portal URL and object kind: owner 200, another participant 404, anonymous → login."""

import pytest
from django.conf import settings
from django.urls import reverse

pytestmark = pytest.mark.django_db

# (url name, key in ``owned`` or None, method, status for the owner)
OBJECT_URLS = [
    ("portal:course_document_download", "document", "get", 200),
    ("portal:certificate_download", "certificate", "get", 200),
    ("portal:online_link_open", "link", "get", 302),
    ("portal:participation_calendar", "participation", "get", 200),
]
PAGE_URLS = [
    ("portal:home", "get"),
    ("portal:participations", "get"),
    ("portal:course_documents", "get"),
    ("portal:documents", "get"),
    ("portal:data", "get"),
    ("portal:password_change", "get"),
    ("portal:deletion_request", "get"),
    ("portal:data_export", "post"),
]


def _assert_login_redirect(response, url):
    assert response.status_code == 302, url
    assert response["Location"].startswith(settings.LOGIN_URL), response["Location"]


@pytest.mark.parametrize(("name", "key", "method", "status"), OBJECT_URLS)
def test_object_urls_belong_to_their_owner(
    client, participant, other, owned, name, key, method, status
):
    url = reverse(name, args=[owned[key].pk])

    _assert_login_redirect(getattr(client, method)(url), url)

    client.force_login(other)
    assert getattr(client, method)(url).status_code == 404

    client.force_login(participant)
    response = getattr(client, method)(url)
    assert response.status_code == status
    assert response["Cache-Control"] == "private, no-store"


@pytest.mark.parametrize(("name", "method"), PAGE_URLS)
def test_pages_need_login_and_show_only_own_data(client, participant, other, owned, name, method):
    url = reverse(name)
    _assert_login_redirect(getattr(client, method)(url), url)

    client.force_login(other)
    response = getattr(client, method)(url)
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    for obj in (owned["participation"].event, owned["attended"].event):
        assert obj.title.encode() not in content
    assert participant.username.encode() not in content

    client.force_login(participant)
    assert getattr(client, method)(url).status_code == 200


def test_unknown_ids_are_404_for_every_object_url(client, participant, owned):
    client.force_login(participant)
    for name, _key, method, _status in OBJECT_URLS:
        assert getattr(client, method)(reverse(name, args=[987654])).status_code == 404


# Portal URLs without objects of a person, tested in test_login.py / test_password_reset.py.
NOT_OWNED = {
    "portal:login",
    "portal:logout",
    "portal:password_set",
    "portal:password_reset",
    "portal:password_reset_done",
    "portal:password_reset_confirm",
    "portal:password_reset_complete",
    # A POST that switches request.user's own Fachkunde reminders (no object id);
    # tests/qualifications/test_reminders.py.
    "portal:qualification_reminders",
}


def test_every_portal_url_is_covered_here():
    from kundenportal.portal.urls import urlpatterns

    names = {f"portal:{pattern.name}" for pattern in urlpatterns}
    covered = {name for name, *_ in OBJECT_URLS} | {name for name, _ in PAGE_URLS} | NOT_OWNED
    assert names == covered, "classify the new portal URL in this test"
