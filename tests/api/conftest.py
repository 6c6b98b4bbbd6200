import json

import pytest
from django.test import Client

from kundenportal.integrations.models import Scope
from kundenportal.integrations.services import integration_create
from tests.factories import PersonFactory

ALL_SCOPES = list(Scope.values)


class ApiClient:
    """The test client speaking to /api/v1 with a bearer token and JSON bodies."""

    def __init__(self, token: str):
        self.client = Client()
        self.token = token

    def _headers(self, headers):
        return {"Authorization": f"Bearer {self.token}", **(headers or {})}

    def get(self, path, params=None, headers=None):
        return self.client.get(f"/api/v1{path}", params or {}, headers=self._headers(headers))

    def send(self, method, path, body=None, headers=None):
        return getattr(self.client, method)(
            f"/api/v1{path}",
            data=json.dumps(body) if body is not None else "",
            content_type="application/json",
            headers=self._headers(headers),
        )

    def post(self, path, body=None, headers=None):
        return self.send("post", path, body, headers)

    def put(self, path, body=None, headers=None):
        return self.send("put", path, body, headers)

    def delete(self, path, headers=None):
        return self.client.delete(f"/api/v1{path}", headers=self._headers(headers))

    def upload(self, path, files, data=None):
        return self.client.post(
            f"/api/v1{path}", {**(data or {}), **files}, headers=self._headers(None)
        )


@pytest.fixture
def superuser(db):
    return PersonFactory(username="vera.waltung", is_staff=True, is_superuser=True)


@pytest.fixture
def make_api(superuser):
    def make(scopes=ALL_SCOPES, name="ERP", **kwargs):
        integration, token = integration_create(name=name, scopes=scopes, actor=superuser, **kwargs)
        api = ApiClient(token)
        api.integration = integration
        return api

    return make


@pytest.fixture
def api(make_api):
    return make_api()


def booking_body(*names, company="Wasserverband Essen", **extra):
    return {
        "participants": [{"first_name": f, "last_name": last} for f, last in names],
        "correspondence_email": "personal@wasserverband.example",
        "address": {
            "company_name": company,
            "street": "Kronprinzenstraße 24",
            "postal_code": "45128",
            "city": "Essen",
        },
        "remarks": "",
        "consent": True,
        **extra,
    }


def event_body(**extra):
    return {
        "title": "Fachkunde Abwasser",
        "first_day": "2030-03-02",
        "last_day": "2030-03-03",
        "capacity": 10,
        "price": "490.00",
        "place": "Essen",
        **extra,
    }
