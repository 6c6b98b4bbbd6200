import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from kundenportal.accounts.passwords import GermanCommonPasswordValidator
from tests.factories import PersonFactory


@pytest.mark.parametrize(
    "password",
    [
        "passwort1234",
        "Kundenportal1",
        "bew-kundenportal",
        "Passwort!2024",
        "Hallo123Hallo123",
        "BEW-Bildungszentrum-1",
        "Sommer2025Sonne",
        "qwertz123456",
        # Leetspeak and separators are read back before comparing.
        "P@ssw0rt1234",
        "Pa55wort-2025",
        "p-a-s-s-w-o-r-t-1",
        "K3nnw0rt!2024",
        "Ku.nd3n.p0rt@l-1",
        "H@ll0-H@ll0-H@ll0",
    ],
)
def test_german_common_and_portal_passwords_are_refused(password):
    with pytest.raises(ValidationError) as exc:
        GermanCommonPasswordValidator().validate(password)
    assert "zu leicht zu erraten" in exc.value.messages[0]


@pytest.mark.parametrize(
    "password",
    [
        "Sandfang-Belüftung-42",
        "Kundenportal-Rechenschieber-7",
        "k7Hm-9pQx-Ab3d-Zz2e",
        "P@ssw0rt-Rechenschieber",  # a listed word in leetspeak plus enough of one's own
    ],
)
def test_passphrases_pass(password):
    GermanCommonPasswordValidator().validate(password)


def test_the_provider_name_comes_from_settings(settings):
    settings.PROVIDER = {**settings.PROVIDER, "name": "Klärakademie", "long_name": ""}
    with pytest.raises(ValidationError):
        GermanCommonPasswordValidator().validate("klärakademie-2025")


@pytest.mark.django_db
def test_the_validator_is_active_and_its_message_reaches_the_form(client):
    with pytest.raises(ValidationError):
        validate_password("Kundenportal1")
    person = PersonFactory(username="max.muster", password="Alter-Rechenschieber-9")
    client.force_login(person)
    response = client.post(
        reverse("portal:password_change"),
        {
            "old_password": "Alter-Rechenschieber-9",
            "new_password1": "bew-kundenportal",
            "new_password2": "bew-kundenportal",
        },
    )
    assert response.status_code == 200
    assert "zu leicht zu erraten" in response.content.decode()
    person.refresh_from_db()
    assert person.check_password("Alter-Rechenschieber-9")


@pytest.mark.django_db
def test_errors_are_shown_under_the_field_they_concern(client):
    person = PersonFactory(username="max.muster", password="Alter-Rechenschieber-9")
    client.force_login(person)
    url = reverse("portal:password_change")
    old = {"old_password": "Alter-Rechenschieber-9"}
    weak = client.post(
        url, {**old, "new_password1": "P@ssw0rt1234", "new_password2": "P@ssw0rt1234"}
    )
    form = weak.context["form"]
    assert "zu leicht zu erraten" in " ".join(form.errors["new_password1"])
    assert "new_password2" not in form.errors
    mismatch = client.post(
        url, {**old, "new_password1": "Sandfang-Belüftung-42", "new_password2": "Sandfang-42"}
    )
    form = mismatch.context["form"]
    assert "new_password1" not in form.errors
    assert form.errors["new_password2"] == ["Die beiden Passwörter sind nicht identisch."]


@pytest.mark.django_db
def test_the_password_rules_are_said_once_each_and_in_good_german(client):
    person = PersonFactory(username="max.muster", password="Alter-Rechenschieber-9")
    client.force_login(person)
    page = client.get(reverse("portal:password_change")).content.decode()
    assert "das selbe" not in page and "dasselbe Passwort" in page
    assert page.count("Mindestens 12 Zeichen.") == 1
    assert "allgemein üblich" not in page and page.count("häufig benutzt") == 1
