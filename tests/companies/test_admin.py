import pytest

from kundenportal.companies.models import AddressChange
from kundenportal.companies.services import address_change_create
from tests.factories import CompanyFactory, PersonFactory

pytestmark = pytest.mark.django_db


def make_change():
    company = CompanyFactory(name="Wasserverband Essen", street="Alt 1")
    person = PersonFactory(company=company, street="Alt 1")
    return address_change_create(
        person=person,
        company=company,
        company_name="Wasserverband Essen",
        address={"street": "Neuer Weg 7", "postal_code": "45127", "city": "Essen"},
    )


def test_review_page_shows_stored_and_proposed_side_by_side(admin_client):
    change = make_change()
    page = admin_client.get(
        f"/verwaltung/companies/addresschange/{change.pk}/change/"
    ).content.decode()
    assert "Gespeichert bei der Person" in page and "Neu angegeben" in page
    assert "Alt 1" in page and "<strong>Neuer Weg 7</strong>" in page
    assert 'value="approve"' in page


def test_approve_from_review_page(admin_client):
    change = make_change()
    response = admin_client.post(
        f"/verwaltung/companies/addresschange/{change.pk}/change/", {"decision": "approve"}
    )
    assert response.status_code == 302
    change.refresh_from_db()
    assert change.status == AddressChange.Status.APPROVED
    change.person.refresh_from_db()
    assert change.person.street == "Neuer Weg 7"


def test_reject_action_and_pending_count(admin_client, django_assert_max_num_queries):
    changes = [make_change() for _ in range(25)]
    with django_assert_max_num_queries(10):
        page = admin_client.get("/verwaltung/companies/addresschange/").content.decode()
    assert "25 Adressänderungen warten auf Prüfung" in page
    admin_client.post(
        "/verwaltung/companies/addresschange/",
        {"action": "reject", "_selected_action": [changes[0].pk]},
    )
    changes[0].refresh_from_db()
    assert changes[0].status == AddressChange.Status.REJECTED


def test_company_changelist_links_the_import(admin_client, django_assert_max_num_queries):
    for _ in range(25):
        PersonFactory()
    with django_assert_max_num_queries(10):
        page = admin_client.get("/verwaltung/companies/company/").content.decode()
    assert "/verwaltung/registrations/registration/kunden-importieren/" in page
