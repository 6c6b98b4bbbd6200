"""No privilege escalation through the Person admin: a clerk who may change accounts cannot
make anyone (himself included) staff or superuser, nor touch a staff account or its password.

Each test plays the attack of a staff member with every account permission but no superuser
flag, and shows it refused; superusers keep the power."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from kundenportal.accounts.models import Person
from kundenportal.notifications.models import OutboxMail
from tests.admin_forms import admin_form_data
from tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

ACCOUNT_PERMISSIONS = [
    "view_person",
    "change_person",
    "add_person",
    "delete_person",
    "merge_person",
    "send_credentials",
]


@pytest.fixture
def clerk():
    clerk = PersonFactory(username="sach.bearbeiter", is_staff=True, password="Geheim-Wort-42")
    clerk.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label__in=["accounts", "auth", "privacy"],
            codename__in=[*ACCOUNT_PERMISSIONS, "add_group", "change_group", "view_group"],
        )
    )
    return clerk


@pytest.fixture
def boss():
    return PersonFactory(
        username="die.chefin", is_staff=True, is_superuser=True, password="Chefin-Wort-42"
    )


@pytest.fixture
def clerk_client(client, clerk):
    client.force_login(clerk)
    return client


def _change_url(person):
    return reverse("admin:accounts_person_change", args=[person.pk])


def _password_url(person):
    # UserAdmin names this URL after auth.User whatever the user model.
    return reverse("admin:auth_user_password_change", args=[person.pk])


def _set_password(client, person, password):
    data = {"password1": password, "password2": password, "usable_password": "true"}
    return client.post(_password_url(person), data)


def test_clerk_cannot_make_himself_superuser(clerk_client, clerk):
    url = _change_url(clerk)
    page = clerk_client.get(url)
    assert page.status_code == 200  # he may look at his account …
    group = Group.objects.create(name="Alles")
    data = admin_form_data(
        page,
        is_superuser="on",
        is_staff="on",
        groups=[str(group.pk)],
        user_permissions=[str(p.pk) for p in Permission.objects.all()[:5]],
        first_name="Gerissen",
    )
    response = clerk_client.post(url, data)
    assert response.status_code == 403  # … but a staff account is changed by superusers only
    clerk.refresh_from_db()
    assert not clerk.is_superuser
    assert clerk.first_name != "Gerissen"
    assert not clerk.groups.exists()


def test_clerk_cannot_make_a_participant_staff(clerk_client):
    participant = PersonFactory()
    url = _change_url(participant)
    page = clerk_client.get(url)
    assert b'name="is_superuser"' not in page.content
    response = clerk_client.post(
        url,
        admin_form_data(page, is_superuser="on", is_staff="on", first_name="Geändert"),
    )
    assert response.status_code == 302
    participant.refresh_from_db()
    assert participant.first_name == "Geändert"  # the ordinary change still works
    assert not participant.is_staff
    assert not participant.is_superuser


def test_clerk_cannot_set_a_superusers_password(clerk_client, boss, client):
    url = _password_url(boss)
    assert url == f"/verwaltung/accounts/person/{boss.pk}/password/"
    assert clerk_client.get(url).status_code == 403
    assert _set_password(clerk_client, boss, "Uebernahme-2026!").status_code == 403
    boss.refresh_from_db()
    assert boss.check_password("Chefin-Wort-42")
    assert not boss.check_password("Uebernahme-2026!")


def test_clerk_cannot_change_a_staff_accounts_address(clerk_client, boss):
    page = clerk_client.get(_change_url(boss))
    assert page.status_code == 200
    response = clerk_client.post(_change_url(boss), admin_form_data(page, email="ich@evil.example"))
    assert response.status_code == 403
    boss.refresh_from_db()
    assert boss.email != "ich@evil.example"


def test_clerk_still_sets_a_participants_password(clerk_client):
    participant = PersonFactory()
    assert _set_password(clerk_client, participant, "Neues-Wort-2026!").status_code == 302
    participant.refresh_from_db()
    assert participant.check_password("Neues-Wort-2026!")


def test_clerk_cannot_add_a_superuser(clerk_client):
    response = clerk_client.post(
        reverse("admin:accounts_person_add"),
        {
            "username": "neu.admin",
            "first_name": "Neu",
            "last_name": "Admin",
            "password1": "Neues-Wort-2026!",
            "password2": "Neues-Wort-2026!",
            "usable_password": "true",
            "is_superuser": "on",
            "is_staff": "on",
        },
    )
    assert response.status_code == 302
    created = Person.objects.get(username="neu.admin")
    assert not created.is_staff
    assert not created.is_superuser


def test_clerk_cannot_give_groups_permissions(clerk_client):
    group = Group.objects.create(name="Marketing-Test")
    assert clerk_client.get(reverse("admin:auth_group_add")).status_code == 403
    url = reverse("admin:auth_group_change", args=[group.pk])
    response = clerk_client.post(
        url,
        {"name": "Marketing-Test", "permissions": [str(p.pk) for p in Permission.objects.all()]},
    )
    assert response.status_code == 403
    assert not group.permissions.exists()


@pytest.mark.parametrize("target_kind", ["superuser", "staff"])
def test_clerk_actions_do_not_target_staff_accounts(clerk_client, boss, clerk, target_kind):
    target = boss if target_kind == "superuser" else PersonFactory(is_staff=True)
    changelist = reverse("admin:accounts_person_changelist")
    # Zugangsdaten erneut senden: neither action nor page.
    clerk_client.post(changelist, {"action": "resend_credentials", "_selected_action": [target.pk]})
    assert (
        clerk_client.get(reverse("admin:accounts_person_credentials", args=[target.pk])).status_code
        == 403
    )
    assert (
        clerk_client.post(
            reverse("admin:accounts_person_credentials", args=[target.pk])
        ).status_code
        == 403
    )
    assert not OutboxMail.objects.exists()
    # Konto löschen: the page refuses it.
    response = clerk_client.post(
        reverse("admin:accounts_person_erase", args=[target.pk]), {"post": "yes"}
    )
    assert response.status_code == 403
    assert Person.objects.filter(pk=target.pk).exists()
    # Konten zusammenführen: a staff account named is refused.
    other = PersonFactory()
    response = clerk_client.post(
        reverse("admin:accounts_person_merge"),
        {
            "usernames": f"{target.username}\n{other.username}",
            "survivor": other.username,
            "merge": "1",
        },
    )
    assert Person.objects.filter(pk=target.pk).exists()
    assert "gehört zur Verwaltung" in response.content.decode()


def test_superuser_keeps_the_power(client, boss):
    client.force_login(boss)
    participant = PersonFactory()
    page = client.get(_change_url(participant))
    assert b'name="is_superuser"' in page.content
    client.post(_change_url(participant), admin_form_data(page, is_staff="on"))
    participant.refresh_from_db()
    assert participant.is_staff
    url = _password_url(participant)
    assert client.get(url).status_code == 200
