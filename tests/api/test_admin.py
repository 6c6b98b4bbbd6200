"""Back office: integrations for superusers only, the token shown once, rotate, revoke;
webhook deliveries visible to staff who may resend them."""

import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission

from kundenportal.audit.models import AuditEntry
from kundenportal.integrations.models import Integration, WebhookDelivery
from kundenportal.integrations.services import token_digest
from kundenportal.integrations.webhooks import subscription_create
from tests.factories import PersonFactory

from .conftest import ApiClient

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'value="(kp_[a-z2-7]+)"')


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


def test_a_superuser_creates_an_integration_and_sees_the_token_once(admin_client):
    response = admin_client.post(
        "/verwaltung/integrations/integration/add/",
        {
            "name": "Seminarverwaltung",
            "description": "ERP",
            "scopes": ["events:read", "events:write"],
            "rate_limit_per_minute": "600",
        },
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "nur jetzt angezeigt" in page
    token = TOKEN.search(page).group(1)
    integration = Integration.objects.get()
    assert integration.token_digest == token_digest(token)
    assert integration.scopes == ["events:read", "events:write"]
    assert ApiClient(token).get("/events").status_code == 200
    change = admin_client.get(f"/verwaltung/integrations/integration/{integration.pk}/change/")
    assert token not in change.content.decode()
    assert AuditEntry.objects.filter(action="integration.create").exists()


def test_rotate_and_revoke_actions(admin_client, make_api):
    api = make_api()
    url = "/verwaltung/integrations/integration/"
    response = admin_client.post(
        url, {"action": "rotate_token", ACTION_CHECKBOX_NAME: [api.integration.pk]}
    )
    new = TOKEN.search(response.content.decode()).group(1)
    assert ApiClient(api.token).get("/events").status_code == 401
    assert ApiClient(new).get("/events").status_code == 200
    admin_client.post(url, {"action": "revoke", ACTION_CHECKBOX_NAME: [api.integration.pk]})
    assert ApiClient(new).get("/events").status_code == 401
    assert Integration.objects.get().revoked_at is not None


def test_staff_without_superuser_sees_no_integrations(client):
    staff = PersonFactory(is_staff=True)
    staff.user_permissions.add(*Permission.objects.filter(codename__endswith="integration"))
    client.force_login(staff)
    assert client.get("/verwaltung/integrations/integration/").status_code == 403
    assert client.get("/verwaltung/integrations/integration/add/").status_code == 403


def test_staff_see_deliveries_and_resend_them(client, make_api):
    api = make_api()
    subscription, _ = subscription_create(
        integration=api.integration, url="http://127.0.0.1:9/h", event_types=["person.deleted"]
    )
    delivery = WebhookDelivery.objects.create(
        subscription=subscription,
        event_type="person.deleted",
        payload={"person_id": 1},
        status=WebhookDelivery.Status.FAILED,
        last_error="HTTP 500",
    )
    staff = PersonFactory(is_staff=True)
    staff.user_permissions.add(
        *Permission.objects.filter(codename__in=["view_webhookdelivery", "change_webhookdelivery"])
    )
    client.force_login(staff)
    listing = client.get("/verwaltung/integrations/webhookdelivery/?status=failed")
    assert listing.status_code == 200
    assert "person.deleted" in listing.content.decode()
    client.post(
        "/verwaltung/integrations/webhookdelivery/",
        {"action": "resend", ACTION_CHECKBOX_NAME: [delivery.pk]},
    )
    delivery.refresh_from_db()
    assert delivery.status == WebhookDelivery.Status.QUEUED
    assert AuditEntry.objects.get(action="webhook.resend").actor == staff
